// Buffered output to a file descriptor: large writes, flushed explicitly at
// epoch and watermark records and whenever the stage is about to wait for
// input (so latency stays low when traffic is light).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace sx {

// Makes the kernel buffer of a pipe larger (1 MiB when allowed): fewer context
// switches between the stages of a pipeline. Does nothing on other fds.
void enlarge_pipe(int fd);

class Output {
 public:
  static constexpr std::size_t kDefaultBuffer = std::size_t{1} << 20;

  // Writes to `fd` (not owned), enlarging its buffer when it is a pipe.
  // `name` is used in messages ("stdout", a path).
  explicit Output(int fd, std::string name = "stdout", std::size_t buffer = kDefaultBuffer);
  // Opens `path` for writing (truncate, or append when `append`); throws io_error.
  static std::unique_ptr<Output> open_file(const std::string& path, bool append = false);
  ~Output();  // flushes what it can; never throws
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::string_view bytes) {
    if (run_len_ != 0) flush();  // the run comes first
    if (bytes.size() <= cap_ - len_) {
      std::memcpy(buf_.get() + len_, bytes.data(), bytes.size());
      len_ += bytes.size();
    } else {
      write_slow(bytes);
    }
  }
  void put(char c) {
    if (len_ == cap_ || run_len_ != 0) flush();
    buf_[len_++] = c;
  }
  // `line` followed by '\n'.
  void write_line(std::string_view line) {
    write(line);
    put('\n');
    if (!line.starts_with(R"({"@sx":)")) ++data_lines_;  // control_record.h's prefix
  }

  // Zero-copy forwarding (sx-read): lines of the regular file `fd` given to
  // write_line_at go from the file to this output, when it is a pipe, by
  // splice(2), runs of consecutive lines at a time, without passing through
  // this process. Keeps its own duplicate of `fd`; -1 (or another file)
  // ends the current run. Elsewhere (not a pipe, splice refused) the lines
  // are copied as by write_line.
  void splice_from(int fd);
  // write_line(line) for a line whose bytes and '\n' are also at `offset` in
  // the splice_from file.
  void write_line_at(std::string_view line, std::uint64_t offset) {
    if (src_fd_ < 0) {
      write_line(line);
      return;
    }
    if (run_len_ != 0 && offset != run_off_ + run_len_) flush();
    if (run_len_ == 0) run_off_ = offset;
    run_len_ += line.size() + 1;
    ++data_lines_;
    if (run_len_ >= cap_) flush();
  }

  // Hands everything buffered to the kernel. Throws BrokenPipe when the reader
  // is gone (EPIPE), io_error on any other failure.
  void flush();
  // flush() and fsync(): the bytes are durable when it returns.
  void sync();

  std::size_t buffered() const { return len_; }
  // The bytes buffered and not yet handed to the kernel, and dropping them
  // (sx-sink's held rows: released to another Output, or discarded).
  // REQUIRES: no splice run pending (no write_line_at since the last flush).
  std::string_view buffered_bytes() const { return {buf_.get(), len_}; }
  void drop_buffered() { len_ = 0; }
  std::uint64_t bytes_written() const { return total_; }
  // Data records (lines that are not control records) given to write_line,
  // plus those a writer built in pieces and reported with count_data_line().
  std::uint64_t data_lines_written() const { return data_lines_; }
  void count_data_line() { ++data_lines_; }
  int fd() const { return fd_; }

 private:
  std::uint64_t data_lines_ = 0;
  void write_slow(std::string_view bytes);
  void write_all(const char* p, std::size_t n);
  void write_run();

  int fd_;
  bool owns_fd_ = false;
  std::string name_;
  std::unique_ptr<char[]> buf_;
  std::size_t cap_;
  std::size_t len_ = 0;
  std::uint64_t total_ = 0;
  // splice_from: the output is a pipe; the source file (our dup, or -1);
  // the run of its bytes waiting to follow buf_.
  bool pipe_ = false;
  int src_fd_ = -1;
  std::uint64_t run_off_ = 0;
  std::size_t run_len_ = 0;
};

}  // namespace sx
