#include "io/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "base/error.h"

namespace sx {

bool hidden_name(const std::string& name) {
  return name.empty() || name[0] == '.' || name[0] == '_';
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw io_error("cannot read directory " + errno_text(dir));
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (hidden_name(name)) continue;
    std::string path = dir + (dir.ends_with('/') ? "" : "/") + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(std::move(path));
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    if (in == "-") {
      files.push_back(in);
      continue;
    }
    struct stat st;
    if (::stat(in.c_str(), &st) != 0) throw io_error("cannot read " + errno_text(in));
    if (S_ISDIR(st.st_mode)) {
      for (auto& f : list_dir(in)) files.push_back(std::move(f));
    } else {
      files.push_back(in);
    }
  }
  return files;
}

namespace {

// "WHAT PATH" or "PATH".
std::string named(std::string_view what, const std::string& path) {
  return what.empty() ? path : std::string(what) + " " + path;
}
}  // namespace

void make_dir(const std::string& path, std::string_view what) {
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) {
    throw io_error(errno_text("cannot create " + named(what, path)));
  }
}

void make_dirs(const std::string& path, std::string_view what) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (path[slash - 1] != '/') make_dir(path.substr(0, slash), what);
  }
  make_dir(path, what);
}

void write_all(int fd, std::string_view bytes, const std::string& path, std::string_view what) {
  while (!bytes.empty()) {
    const ssize_t w = ::write(fd, bytes.data(), bytes.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      throw io_error(errno_text("cannot write " + named(what, path)));
    }
    bytes.remove_prefix(static_cast<std::size_t>(w));
  }
}

void sync_fd(int fd, const std::string& path, std::string_view what) {
  if (::fsync(fd) == 0) return;
  const int err = errno;
  if (err == EINVAL) {
    // A directory on a file system that cannot sync directories, or a pipe,
    // terminal or socket: nothing this call could make durable. EINVAL from
    // a regular file stays an error.
    struct stat st;
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) return;
  }
  errno = err;
  throw io_error(errno_text("cannot sync " + named(what, path)));
}

void sync_file(const std::string& path, std::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw io_error(errno_text("cannot open " + named(what, path)));
  sync_fd(fd.get(), path, what);
}

void sync_dir(const std::string& path, std::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw io_error(errno_text("cannot open " + named(what, path)));
  sync_fd(fd.get(), path, what);
}

void write_file(const std::string& path, std::string_view bytes, std::string_view what) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (fd.get() < 0) throw io_error(errno_text("cannot create " + named(what, path)));
  write_all(fd.get(), bytes, path, what);
  sync_fd(fd.get(), path, what);
  if (::close(fd.release()) != 0) throw io_error(errno_text("cannot close " + named(what, path)));
}

void rename_path(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    throw io_error(errno_text("cannot rename " + from + " to " + to));
  }
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) throw io_error("cannot remove " + path + ": " + ec.message());
}

std::string dir_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void replace_file(const std::string& path, std::string_view bytes, std::string_view what, bool sync,
                  const std::function<void()>& before_rename) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = dir_of(path);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string tmp = (slash == std::string::npos ? "" : path.substr(0, slash + 1)) + "." +
                          base + ".tmp." + std::to_string(::getpid());
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw io_error(errno_text("cannot create " + named(what, tmp)));
    try {
      write_all(fd.get(), bytes, tmp, what);
      if (sync) sync_fd(fd.get(), tmp, what);
      if (::close(fd.release()) != 0)
        throw io_error(errno_text("cannot close " + named(what, tmp)));
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
  }
  if (before_rename) before_rename();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string text = errno_text(named(what, path));
    ::unlink(tmp.c_str());
    throw io_error("cannot rename " + tmp + " to " + text);
  }
  if (sync)
    sync_dir(dir, what.empty() ? std::string("the directory of")
                               : "the directory of " + std::string(what));
}

int make_temp_file(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string tmpl = dir + "/.tmp.XXXXXX";
    fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0) throw io_error(errno_text("cannot create a temporary file in " + dir));
    ::unlink(tmpl.c_str());
  }
  return fd;
}

}  // namespace sx
