#include "source/file_position.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diag.h"

namespace sx {

// Whether a file an earlier run read to its end has nothing new to read:
// the same file (device and inode) with the size that run had read. (A
// file read by an older sx, which kept no position, is not read again; a
// file that is gone has nothing to read.)
bool nothing_new_in(const std::string& path, const FilePosition& p) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return true;
  if (static_cast<std::uint64_t>(st.st_dev) != p.dev ||
      static_cast<std::uint64_t>(st.st_ino) != p.ino ||
      static_cast<std::uint64_t>(st.st_size) != p.raw) {
    return false;
  }
  // The same size: rewritten in place (with as many bytes) or not?
  return p.tail.empty() || holds_at(path, p.offset - p.tail.size(), p.tail);
}

// Whether the file `path` holds `bytes` at `at`.
bool holds_at(const std::string& path, std::uint64_t at, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string now(bytes.size(), '\0');
  const ssize_t r = ::pread(fd, now.data(), now.size(), static_cast<off_t>(at));
  ::close(fd);
  return r == static_cast<ssize_t>(bytes.size()) && now == bytes;
}

// Where reading `reader` (opened on `path`) stopped, for the checkpoint.
FilePosition position_of(const std::string& path, const LineReader& reader) {
  struct stat st {};
  ::fstat(reader.fd(), &st);
  return FilePosition{path,
                      static_cast<std::uint64_t>(st.st_dev),
                      static_cast<std::uint64_t>(st.st_ino),
                      reader.position(),
                      reader.raw_bytes_read(),
                      reader.consumed_tail()};
}

// Whether `reader` reads the file `p` was saved for (device and inode).
bool same_file(const LineReader& reader, const FilePosition& p) {
  struct stat st {};
  ::fstat(reader.fd(), &st);
  return static_cast<std::uint64_t>(st.st_dev) == p.dev &&
         static_cast<std::uint64_t>(st.st_ino) == p.ino;
}
// Reads lines up to byte `offset`: true when a line ends exactly there.
bool skip_to(LineReader& reader, std::uint64_t offset) {
  Line line;
  while (reader.position() < offset && reader.next(&line)) {
  }
  return reader.position() == offset;
}

// Opens the file `path` to go on at `p`, the checkpoint's position in it. A
// file that was replaced or truncated since (log rotation while sx-read was
// stopped, or between two available-now runs) is read from its start
// instead, with a warning: what the old file held after p.offset was not
// read and will not be. `follow`: a partial last line waits for the rest.
// With `rest`, a file replaced by rotation whose old file is still in the
// same directory, with lines after p.offset not read yet, loses nothing:
// *rest is set to a reader of the old file from p.offset on (to be read to
// its end first), and no warning is given.
std::unique_ptr<LineReader> open_at(const std::string& path, const FilePosition& p, bool follow,
                                    std::size_t max_line_bytes, std::unique_ptr<LineReader>* rest) {
  auto reader = LineReader::open(path, max_line_bytes);
  reader->set_follow(follow);
  struct stat st {};
  ::fstat(reader->fd(), &st);
  const std::string off = std::to_string(p.offset);
  if (same_file(*reader, p)) {
    if (skip_to(*reader, p.offset)) {
      if (p.tail.empty() || reader->consumed_tail() == p.tail) return reader;
      // A line ends at the offset, but the bytes before it changed.
      warn(path + " was rewritten while sx-read was stopped (the bytes before byte " + off +
           ", where the checkpoint had read it to, are not the ones read there): reading it "
           "from its start");
      reader = LineReader::open(path, max_line_bytes);
      reader->set_follow(follow);
      return reader;
    }
    // Shorter than the position, or no line ends there: truncated (and
    // perhaps written again) while sx-read was stopped.
    warn(path + " was truncated while sx-read was stopped (it has " + std::to_string(st.st_size) +
         " bytes now, and no line of it ends at byte " + off +
         ", where the checkpoint had read it to): what it held after byte " + off +
         " before the truncation was not read (an unknown number of bytes); reading it from "
         "its start");
    reader = LineReader::open(path, max_line_bytes);
    reader->set_follow(follow);
    return reader;
  }
  // Replaced: rotation usually leaves the old file in the same directory.
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  std::string old_name;
  std::uint64_t old_size = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      const std::string full = slash == std::string::npos ? name : dir + name;
      struct stat os;
      if (::stat(full.c_str(), &os) == 0 && S_ISREG(os.st_mode) &&
          static_cast<std::uint64_t>(os.st_dev) == p.dev &&
          static_cast<std::uint64_t>(os.st_ino) == p.ino) {
        old_name = full;
        old_size = static_cast<std::uint64_t>(os.st_size);
        break;
      }
    }
    ::closedir(d);
  }
  if (rest != nullptr && !old_name.empty() && old_size > p.offset) {
    auto old = LineReader::open(old_name, max_line_bytes);
    if (same_file(*old, p) && skip_to(*old, p.offset) &&
        (p.tail.empty() || old->consumed_tail() == p.tail)) {
      *rest = std::move(old);  // rotated: no longer written to, read to its end
      return reader;
    }
  }
  if (old_name.empty()) {
    warn(path + " was replaced while sx-read was stopped, and the file it was is no longer in " +
         dir + ": what that file held after byte " + off +
         ", where the checkpoint had read it to, was not read (an unknown number of bytes); "
         "reading the new " +
         path + " from its start");
  } else if (old_size > p.offset) {
    warn(path + " was replaced while sx-read was stopped: " + std::to_string(old_size - p.offset) +
         " bytes of the old file (now " + old_name + "), after byte " + off +
         " where the checkpoint had read it to, were not read; "
         "reading the new " +
         path + " from its start");
  }  // else the old file was read to its end: nothing is missed
  return reader;
}

}  // namespace sx
