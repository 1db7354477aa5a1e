#include "io/output.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/error.h"
#include "io/fs.h"

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
  struct stat st;
  pipe_ = ::fstat(fd_, &st) == 0 && S_ISFIFO(st.st_mode);
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
  if (src_fd_ >= 0) ::close(src_fd_);
  if (owns_fd_) ::close(fd_);
}

void Output::splice_from(int fd) {
  flush();
  if (src_fd_ >= 0) ::close(src_fd_);
  src_fd_ = -1;
  if (fd >= 0 && pipe_) src_fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);  // on failure: copies
}

// The pending run: from the source file to the pipe by splice(2). Where the
// kernel refuses (a file system without splice support), the run is read
// back with pread and written, and later lines are copied as usual.
void Output::write_run() {
  std::uint64_t off = run_off_;
  std::size_t left = run_len_;
  run_len_ = 0;  // on error the run is dropped: the stage is stopping
  const auto shrank = [&] {
    return io_error("the input file shrank while sx-read was reading it (" + std::to_string(left) +
                    " bytes of lines read are gone); give sx-read a copy of a file that is "
                    "being rewritten");
  };
  while (left > 0) {
    auto at = static_cast<loff_t>(off);
    const ssize_t n = ::splice(src_fd_, &at, fd_, nullptr, left, SPLICE_F_MOVE | SPLICE_F_MORE);
    if (n > 0) {
      off += static_cast<std::uint64_t>(n);
      left -= static_cast<std::size_t>(n);
      total_ += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n == 0) throw shrank();
    if (errno == EINTR) continue;
    if (errno == EPIPE) throw BrokenPipe{};
    if (errno == EAGAIN) {  // a non-blocking pipe handed to us: wait for room
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (errno != EINVAL && errno != ENOSYS) throw io_error("cannot write to " + errno_text(name_));
    break;  // splice is not supported here
  }
  if (left == 0) return;
  while (left > 0) {
    const ssize_t n = ::pread(src_fd_, buf_.get(), std::min(left, cap_), static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw io_error("cannot read lines back from " + errno_text("the input file"));
    if (n == 0) throw shrank();
    write_all(buf_.get(), static_cast<std::size_t>(n));
    off += static_cast<std::uint64_t>(n);
    left -= static_cast<std::size_t>(n);
  }
  ::close(src_fd_);
  src_fd_ = -1;
  pipe_ = false;  // copy from now on
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
  if (len_ != 0) {
    const std::size_t n = len_;
    len_ = 0;  // on error the buffered bytes are dropped: the stage is stopping
    write_all(buf_.get(), n);
  }
  if (run_len_ != 0) write_run();
}

void Output::sync() {
  flush();
  sync_fd(fd_, name_);  // io/fs.h's one rule: a failed fsync is an error
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
