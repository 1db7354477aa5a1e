#include "io/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "base/signals.h"

namespace sx {

namespace {

constexpr unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
constexpr unsigned char kGzipMagic[2] = {0x1F, 0x8B};
constexpr std::size_t kLongPrefix = 256;  // what a too-long line keeps for messages

}  // namespace

struct LineReader::Zstd {
  ZSTD_DStream* stream = ZSTD_createDStream();
  std::size_t in_cap;
  std::unique_ptr<char[]> in;
  ZSTD_inBuffer input{nullptr, 0, 0};
  // Starts with the bytes already read while sniffing the magic number.
  Zstd(const char* first, std::size_t n)
      : in_cap(std::max(n, ZSTD_DStreamInSize())), in(new char[in_cap]) {
    std::memcpy(in.get(), first, n);
    input = {in.get(), n, 0};
  }
  bool frame_done = true;  // between frames (a clean place for EOF)
  ~Zstd() { ZSTD_freeDStream(stream); }
};

// gzip (RFC 1952), as gzip and logrotate write it: one member or several
// (`cat a.gz b.gz` is one stream of both), inflated one after another.
struct LineReader::Gzip {
  z_stream stream{};
  std::unique_ptr<char[]> in;
  std::size_t in_cap;
  bool member_done = true;  // between members (a clean place for EOF)
  // Starts with the bytes already read while sniffing the magic number.
  Gzip(const std::string& name, const char* first, std::size_t n)
      : in_cap(std::max<std::size_t>(n, std::size_t{1} << 16)) {
    in.reset(new char[in_cap]);
    std::memcpy(in.get(), first, n);
    // windowBits 15 + 16: a gzip header and trailer, not zlib's.
    if (inflateInit2(&stream, 15 + 16) != Z_OK) {
      throw io_error(name + ": gzip: cannot start decompressing (out of memory)");
    }
    stream.next_in = reinterpret_cast<Bytef*>(in.get());
    stream.avail_in = static_cast<uInt>(n);
  }
  ~Gzip() { inflateEnd(&stream); }
  Gzip(const Gzip&) = delete;
  Gzip& operator=(const Gzip&) = delete;
};

namespace {
std::uint64_t next_reader_id() {
  static std::uint64_t next = 0;
  return ++next;
}
}  // namespace

LineReader::LineReader(int fd, std::string name, std::size_t max_line_bytes, bool owns_fd)
    : fd_(fd),
      owns_fd_(owns_fd),
      id_(next_reader_id()),
      name_(name == "-" ? "stdin" : std::move(name)),
      max_line_(max_line_bytes) {
  cap_ = kBlock * 2;
  buf_.reset(new char[cap_ + kLinePadding]);
  struct stat st;
  if (::fstat(fd_, &st) == 0) {
    regular_ = S_ISREG(st.st_mode);
  }
  if (regular_) {
    start_offset_ = ::lseek(fd_, 0, SEEK_CUR);  // stdin may be a file read partly already
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  } else {
    enlarge_pipe(fd_);
  }
}

std::unique_ptr<LineReader> LineReader::open(const std::string& path, std::size_t max_line_bytes) {
  if (path == "-") return std::make_unique<LineReader>(0, "stdin", max_line_bytes, false);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw io_error("cannot open " + errno_text(path));
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw io_error("cannot read " + path + ": it is a directory");
  }
  return std::make_unique<LineReader>(fd, path, max_line_bytes, true);
}

LineReader::~LineReader() {
  if (owns_fd_) ::close(fd_);
}

void LineReader::set_wait_hooks(std::function<void()> on_wait, int timeout_ms,
                                std::function<void()> on_timeout) {
  on_wait_ = std::move(on_wait);
  timeout_ms_ = timeout_ms;
  on_timeout_ = std::move(on_timeout);
}

void LineReader::wait_readable() {
  if (regular_) return;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) > 0) return;  // data (or EOF) is there: no wait
  if (on_wait_) on_wait_();
  if (timeout_ms_ >= 0) {
    int r;
    do {
      r = ::poll(&p, 1, timeout_ms_);
      if (r < 0 && errno == EINTR && interrupted()) throw interrupted_error();
    } while (r < 0 && errno == EINTR);
    if (r == 0 && on_timeout_) on_timeout_();
  }
}

std::size_t LineReader::read_fd(char* dst, std::size_t n) {
  wait_readable();
  for (;;) {
    const ssize_t r = ::read(fd_, dst, n);
    if (r >= 0) {
      raw_read_ += static_cast<std::uint64_t>(r);
      return static_cast<std::size_t>(r);
    }
    if (errno == EINTR) {
      if (interrupted()) throw interrupted_error();  // signals.h: between lines
      continue;
    }
    if (errno == EAGAIN) {  // a non-blocking fd handed to us: wait for it
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    throw io_error("cannot read " + errno_text(name_));
  }
}

std::size_t LineReader::read_raw(char* dst, std::size_t n) {
  if (!started_) {
    started_ = true;
    // Sniff the first 4 bytes for the zstd magic number.
    std::size_t got = 0;
    while (got < 4) {
      const std::size_t r = read_fd(dst + got, std::max<std::size_t>(n, 4) - got);
      if (r == 0) break;
      got += r;
    }
    if (got >= 4 && std::memcmp(dst, kZstdMagic, 4) == 0) {
      zstd_ = std::make_unique<Zstd>(dst, got);
    } else if (got >= 2 && std::memcmp(dst, kGzipMagic, 2) == 0) {
      gzip_ = std::make_unique<Gzip>(name_, dst, got);
    } else {
      return got;
    }
  }
  if (gzip_) return read_gzip(dst, n);
  if (!zstd_) return read_fd(dst, n);
  Zstd& z = *zstd_;
  for (;;) {
    if (z.input.pos == z.input.size) {
      const std::size_t r = read_fd(z.in.get(), z.in_cap);
      if (r == 0) {
        if (!z.frame_done) {
          throw io_error(name_ + ": truncated zstd data (the compressed file ends mid-frame)");
        }
        return 0;
      }
      z.input = {z.in.get(), r, 0};
    }
    ZSTD_outBuffer out{dst, n, 0};
    const std::size_t ret = ZSTD_decompressStream(z.stream, &out, &z.input);
    if (ZSTD_isError(ret)) {
      throw io_error(name_ + ": corrupt zstd data (" + ZSTD_getErrorName(ret) + ")");
    }
    z.frame_done = ret == 0;
    if (out.pos > 0) return out.pos;
  }
}

std::size_t LineReader::read_gzip(char* dst, std::size_t n) {
  Gzip& g = *gzip_;
  z_stream& s = g.stream;
  // zlib counts in uInt: at most 1 GiB out per call.
  const std::size_t want = std::min<std::size_t>(n, std::size_t{1} << 30);
  for (;;) {
    if (s.avail_in == 0) {
      const std::size_t r = read_fd(g.in.get(), g.in_cap);
      if (r == 0) {
        if (!g.member_done) {
          throw io_error(name_ +
                         ": gzip: unexpected end of file (truncated: the file ends inside a "
                         "compressed member; was it still being written?)");
        }
        return 0;
      }
      s.next_in = reinterpret_cast<Bytef*>(g.in.get());
      s.avail_in = static_cast<uInt>(r);
    }
    s.next_out = reinterpret_cast<Bytef*>(dst);
    s.avail_out = static_cast<uInt>(want);
    const int ret = inflate(&s, Z_NO_FLUSH);
    const std::size_t produced = want - s.avail_out;
    if (ret == Z_STREAM_END) {
      // The end of a member; another one may follow (`cat a.gz b.gz`).
      g.member_done = true;
      inflateReset(&s);
    } else if (ret == Z_OK) {
      g.member_done = false;
    } else if (ret != Z_BUF_ERROR) {
      const std::string what =
          ret == Z_MEM_ERROR ? "out of memory" : (s.msg != nullptr ? s.msg : "corrupt data");
      throw io_error(name_ + ": gzip: corrupt data (" + what + ")");
    }
    if (produced > 0) return produced;
  }
}

bool LineReader::fill() {
  if (eof_ && !follow_) return false;
  // SIGINT/SIGTERM (signals.h): checked once per block, between lines.
  if (interrupted()) throw interrupted_error();
  // Keep the partial line, drop what was consumed (its last bytes in pre_).
  if (begin_ > 0) {
    if (begin_ >= kTailBytes) {
      std::memcpy(pre_, buf_.get() + begin_ - kTailBytes, kTailBytes);
      pre_len_ = kTailBytes;
    } else {
      const std::size_t keep_pre = std::min(pre_len_, kTailBytes - begin_);
      std::memmove(pre_, pre_ + pre_len_ - keep_pre, keep_pre);
      std::memcpy(pre_ + keep_pre, buf_.get(), begin_);
      pre_len_ = keep_pre + begin_;
    }
    const std::size_t keep = end_ - begin_;
    if (keep > 0) std::memmove(buf_.get(), buf_.get() + begin_, keep);
    scan_ -= begin_;
    end_ = keep;
    begin_ = 0;
  }
  if (cap_ - end_ < kBlock) {
    const std::size_t cap = cap_ * 2;
    std::unique_ptr<char[]> bigger(new char[cap + kLinePadding]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    cap_ = cap;
  }
  const std::size_t r = read_raw(buf_.get() + end_, cap_ - end_);
  if (r == 0) {
    eof_ = true;
    return false;
  }
  eof_ = false;
  end_ += r;
  return true;
}

// Hands out the line from begin_ to `stop` (the '\n', or the end of data
// when `terminated` is false) and moves past it.
void LineReader::take_line(Line* line, std::size_t stop, bool terminated) {
  const std::size_t len = stop - begin_;
  *line = Line{};
  line->number = ++line_no_;
  line->unterminated = !terminated;
  if (discarding_) {
    discarding_ = false;
    line->text = long_prefix_;
    line->offset = long_start_;
    line->too_long = true;
  } else {
    std::size_t n = len;
    if (n > 0 && buf_[begin_ + n - 1] == '\r') --n;
    line->text = std::string_view(buf_.get() + begin_, n);
    line->offset = consumed_;
    if (len > max_line_) {
      line->too_long = true;
      line->text = line->text.substr(0, kLongPrefix);
    }
  }
  consumed_ += len + (terminated ? 1 : 0);
  begin_ = scan_ = terminated ? stop + 1 : stop;
}

std::string LineReader::consumed_tail() const {
  if (compressed()) return {};
  std::string tail;
  if (begin_ >= kTailBytes) {
    tail.assign(buf_.get() + begin_ - kTailBytes, kTailBytes);
  } else {
    const std::size_t from_pre = std::min(pre_len_, kTailBytes - begin_);
    tail.assign(pre_ + pre_len_ - from_pre, from_pre);
    tail.append(buf_.get(), begin_);
  }
  return tail;
}

bool LineReader::unchanged_before_position() const {
  if (!regular_ || compressed()) return true;
  const std::string tail = consumed_tail();
  if (tail.empty()) return true;
  char now[kTailBytes];
  const auto at =
      static_cast<off_t>(static_cast<std::uint64_t>(start_offset_) + consumed_ - tail.size());
  const ssize_t r = ::pread(fd_, now, tail.size(), at);
  return r == static_cast<ssize_t>(tail.size()) && std::memcmp(now, tail.data(), tail.size()) == 0;
}

bool LineReader::next(Line* line) {
  for (;;) {
    char* base = buf_.get();
    const void* nl = scan_ < end_ ? std::memchr(base + scan_, '\n', end_ - scan_) : nullptr;
    if (nl != nullptr) {
      take_line(line, static_cast<std::size_t>(static_cast<const char*>(nl) - base), true);
      return true;
    }
    scan_ = end_;
    const std::size_t partial = end_ - begin_;
    if (!discarding_ && partial > max_line_) {
      // Too long: remember its start for the message, stop holding it.
      discarding_ = true;
      long_prefix_.assign(base + begin_, std::min(partial, kLongPrefix));
      long_start_ = consumed_;
      consumed_ += partial;
      begin_ = scan_ = end_;
    } else if (discarding_ && partial > 0) {
      consumed_ += partial;
      begin_ = scan_ = end_;
    }
    if (fill()) continue;
    // End of input (for now). In follow mode a partial line waits for the rest.
    if (follow_) return false;
    if (discarding_ || end_ > begin_) {
      take_line(line, end_, false);
      return true;
    }
    return false;
  }
}

}  // namespace sx
