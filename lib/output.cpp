#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "error.h"

namespace sx {

void enlarge_pipe(int fd) {
#ifdef F_SETPIPE_SZ
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
    for (int size : {1 << 20, 1 << 18}) {
      if (::fcntl(fd, F_SETPIPE_SZ, size) >= 0) break;
    }
  }
#else
  (void)fd;
#endif
}

Output::Output(int fd, std::string name, std::size_t buffer)
    : fd_(fd), name_(std::move(name)), buf_(new char[buffer]), cap_(buffer) {
  enlarge_pipe(fd_);
}

std::unique_ptr<Output> Output::open_file(const std::string& path, bool append) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0) throw io_error("cannot open " + errno_text(path) + " for writing");
  auto out = std::make_unique<Output>(fd, path);
  out->owns_fd_ = true;
  return out;
}

Output::~Output() {
  try {
    flush();
  } catch (...) {
  }
  if (owns_fd_) ::close(fd_);
}

void Output::write_slow(std::string_view bytes) {
  flush();
  if (bytes.size() >= cap_) {
    write_all(bytes.data(), bytes.size());
  } else {
    std::memcpy(buf_.get(), bytes.data(), bytes.size());
    len_ = bytes.size();
  }
}

void Output::flush() {
  if (len_ == 0) return;
  const std::size_t n = len_;
  len_ = 0;  // on error the buffered bytes are dropped: the stage is stopping
  write_all(buf_.get(), n);
}

void Output::sync() {
  flush();
  if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
    throw io_error("cannot sync " + errno_text(name_));
  }
}

void Output::write_all(const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw BrokenPipe{};
      throw io_error("cannot write to " + errno_text(name_));
    }
    p += w;
    n -= static_cast<std::size_t>(w);
    total_ += static_cast<std::uint64_t>(w);
  }
}

}  // namespace sx
