// Reads newline-delimited input in large blocks: stdin, a file or a pipe, plain
// or compressed with zstd or gzip (detected by their magic numbers, whatever
// the name; a gzip file may hold several members, as `cat a.gz b.gz` makes).
// Lines come out as views into the block buffer with their 1-based number, so
// messages can say FILE:LINE, and with at least kLinePadding readable bytes
// after them so simdjson can parse them in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/output.h"  // enlarge_pipe

namespace sx {

inline constexpr std::size_t kLinePadding = 64;  // >= SIMDJSON_PADDING

struct Line {
  std::string_view text;      // without '\n' and a '\r' before it
  std::uint64_t number = 0;   // 1-based line number in this input
  std::uint64_t offset = 0;   // byte offset of the line start (decompressed stream)
  bool too_long = false;      // longer than max_line_bytes: `text` is only its first bytes
  bool unterminated = false;  // last line of the input had no final '\n'
};

class LineReader {
 public:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;

  // Reads `fd` (owned when `owns_fd`). `name` appears in messages ("-" reads
  // as "stdin"). Lines longer than `max_line_bytes` are returned with
  // too_long set, without holding more than max_line_bytes in memory.
  LineReader(int fd, std::string name, std::size_t max_line_bytes, bool owns_fd = false);
  // Opens `path` ("-" is stdin). Throws io_error naming the path.
  static std::unique_ptr<LineReader> open(const std::string& path, std::size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Sets *line to the next line. The view stays valid, followed by
  // kLinePadding readable bytes, until the next call. Returns false at the end
  // of the input. In follow mode (set_follow) a partial last line is not
  // returned at EOF: it waits for the rest, and next() may be called again
  // after more data was appended. Throws io_error on read errors and on
  // corrupt or truncated zstd or gzip data ("FILE: gzip: ...").
  bool next(Line* line);

  // Called when a read would block (a pipe with no data yet): flush output
  // here. Then, if `timeout_ms` >= 0 and no data arrives within it,
  // `on_timeout` runs once (end an idle epoch) before the reader waits on.
  void set_wait_hooks(std::function<void()> on_wait, int timeout_ms,
                      std::function<void()> on_timeout);
  void set_follow(bool follow) { follow_ = follow; }
  bool follow() const { return follow_; }
  // Unique per reader made by this process (a new one at a new input).
  std::uint64_t id() const { return id_; }

  const std::string& name() const { return name_; }
  int fd() const { return fd_; }
  bool compressed() const { return zstd_ != nullptr || gzip_ != nullptr; }
  // Bytes of the (decompressed) stream consumed by the lines returned so far.
  std::uint64_t position() const { return consumed_; }
  // Raw bytes read from the fd so far (compressed bytes for .zst and .gz).
  std::uint64_t raw_bytes_read() const { return raw_read_; }
  // A regular file (not a pipe or terminal): its input ends (sx(7), BOUNDED STREAMS).
  bool regular_file() const { return regular_; }
  // A regular file's offset where reading began (a Line's offset is counted
  // from there); -1 for other inputs.
  std::int64_t start_offset() const { return start_offset_; }

  // The last (up to kTailBytes) bytes of the lines returned so far, ending at
  // position(): what a file must still hold there if it was not rewritten
  // since (sx-read's checkpoint keeps it to notice a file rewritten in place).
  // Empty for compressed input.
  static constexpr std::size_t kTailBytes = 128;
  std::string consumed_tail() const;
  // Whether the file still holds consumed_tail() just before position():
  // false when it was truncated or rewritten in place since those bytes were
  // read. True for inputs that are not uncompressed regular files. One
  // pread; call it when the file's size or time changed, not per line.
  bool unchanged_before_position() const;

 private:
  struct Zstd;
  struct Gzip;
  bool fill();  // false at EOF (nothing more now)
  void take_line(Line* line, std::size_t stop, bool terminated);
  std::size_t read_raw(char* dst, std::size_t n);
  std::size_t read_fd(char* dst, std::size_t n);
  std::size_t read_gzip(char* dst, std::size_t n);
  void wait_readable();

  int fd_;
  bool owns_fd_;
  std::uint64_t id_;
  std::string name_;
  std::size_t max_line_;
  bool follow_ = false;
  bool regular_ = false;
  bool started_ = false;
  std::int64_t start_offset_ = -1;
  bool eof_ = false;

  std::unique_ptr<char[]> buf_;
  std::size_t cap_ = 0;    // usable bytes; kLinePadding more are allocated
  std::size_t begin_ = 0;  // first byte of the next line
  std::size_t scan_ = 0;   // bytes in [begin_, scan_) hold no '\n'
  std::size_t end_ = 0;    // end of data

  bool discarding_ = false;  // inside a too-long line
  std::string long_prefix_;
  std::uint64_t long_start_ = 0;

  std::uint64_t line_no_ = 0;
  std::uint64_t consumed_ = 0;
  // The last bytes consumed before buf_[0] (kept at each fill; see consumed_tail).
  char pre_[kTailBytes];
  std::size_t pre_len_ = 0;
  std::uint64_t raw_read_ = 0;

  std::unique_ptr<Zstd> zstd_;
  std::unique_ptr<Gzip> gzip_;
  std::function<void()> on_wait_;
  std::function<void()> on_timeout_;
  int timeout_ms_ = -1;
};

}  // namespace sx
