#include "source/tail.h"

#include <sys/stat.h>

#include "base/diag.h"

namespace sx {

// Before reading on in a followed file: when its size or time changed, it
// must still hold the bytes read before the offset; if not, it was
// rewritten in place (truncated and written again between two polls, with
// at least as many bytes): drop the reader, so that the file is read again
// from its start, with a warning. (Going on at the old offset would read
// the new content from the middle: lines lost, or a spurious bad line.)
void TailedFile::check_rewrite() {
  struct stat st {};
  if (::fstat(reader_->fd(), &st) != 0) return;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size == seen_size_ && st.st_mtim.tv_sec == seen_mtime_.tv_sec &&
      st.st_mtim.tv_nsec == seen_mtime_.tv_nsec) {
    return;
  }
  seen_size_ = size;
  seen_mtime_ = st.st_mtim;
  if (reader_->unchanged_before_position()) return;
  const std::string off = std::to_string(reader_->position());
  warn(path_ + " was rewritten in place (the bytes before byte " + off +
       ", where sx-read had "
       "read it to, changed" +
       (reader_->raw_bytes_read() > reader_->position()
            ? ", and the partial line after them was dropped"
            : "") +
       "): reading it from its start");
  reader_.reset();
  seen_size_ = 0;
  seen_mtime_ = {};
}

// Takes the identity and position of reader_, newly opened, and reads it.
void TailedFile::start(const Drain& drain) {
  struct stat fst {};
  ::fstat(reader_->fd(), &fst);
  dev_ = static_cast<std::uint64_t>(fst.st_dev);
  ino_ = static_cast<std::uint64_t>(fst.st_ino);
  offset_ = reader_->position();
  seen_size_ = 0;
  seen_mtime_ = {};
  drain(*reader_, &offset_);
}

// Reads what is new in the file; see tail.h.
void TailedFile::poll(const Drain& drain) {
  if (reader_ && !reader_->compressed()) check_rewrite();
  if (reader_) drain(*reader_, &offset_);
  // After the drain: a stat from before it would take lines appended while
  // it ran for a truncation.
  struct stat st;
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  if (reader_) {
    const bool replaced = exists && (static_cast<std::uint64_t>(st.st_ino) != ino_ ||
                                     static_cast<std::uint64_t>(st.st_dev) != dev_);
    const bool truncated = exists && !replaced && !reader_->compressed() &&
                           static_cast<std::uint64_t>(st.st_size) < reader_->raw_bytes_read();
    if (replaced || truncated) {
      // Rotation: finish the old file (a partial last line is reported),
      // then read the new one from its start.
      if (truncated) {
        warn(path_ + " was truncated (to " + std::to_string(st.st_size) + " bytes, below byte " +
             std::to_string(reader_->raw_bytes_read()) +
             " where sx-read had read it to): "
             "reading it from its start");
      }
      reader_->set_follow(false);
      drain(*reader_, &offset_);
      reader_.reset();
    }
  }
  if (!reader_ && exists) {
    std::unique_ptr<LineReader> rest;  // the rest of a file rotated while stopped
    if (pending_) {
      reader_ = open_at(path_, *pending_, true, max_line_, &rest);
      pending_.reset();
    } else {
      reader_ = LineReader::open(path_, max_line_);
      reader_->set_follow(true);
    }
    if (rest) {
      // Read it to its end first, as the tail (an epoch that ends in it
      // saves its inode and offset: a restart finds it again), then the
      // new file from its start.
      auto fresh = std::move(reader_);
      reader_ = std::move(rest);
      start(drain);
      reader_ = std::move(fresh);
    }
    start(drain);
  }
}

std::optional<FilePosition> TailedFile::position() const {
  if (!reader_) return std::nullopt;
  return FilePosition{path_,
                      dev_,
                      ino_,
                      offset_,
                      reader_->raw_bytes_read(),
                      reader_->position() == offset_ ? reader_->consumed_tail() : std::string()};
}

}  // namespace sx
