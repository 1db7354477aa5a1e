// A file read as it grows (sx-read --follow, like tail -F): appended lines
// are read at each poll; a file replaced by rotation is read to its end, then
// the new one from its start; a truncated or rewritten one from its start,
// with a warning. Knows nothing of records: the lines go to the source's
// drain, which also keeps the offset after the last line handed on.
#pragma once

#include <time.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "io/line_reader.h"
#include "source/file_position.h"

namespace sx {

class TailedFile {
 public:
  // Reads `reader` for now, setting *offset after each line before handing
  // it on (an epoch that ends in the middle saves that offset).
  using Drain = std::function<void(LineReader& reader, std::uint64_t* offset)>;

  TailedFile(std::string path, std::size_t max_line_bytes)
      : path_(std::move(path)), max_line_(max_line_bytes) {}

  const std::string& path() const { return path_; }
  // Where a checkpoint left this file: opened there (open_at) when it exists.
  void go_on_at(const FilePosition& p) { pending_ = p; }

  // Reads what is new (opening the file when it appears).
  void poll(const Drain& drain);

  // Where reading stands, for a checkpoint: the file's position when it is
  // open; otherwise nothing (`waiting()` tells whether the checkpoint's
  // position is still to be used, or the file was rotated away).
  std::optional<FilePosition> position() const;
  bool waiting() const { return pending_.has_value(); }

 private:
  void check_rewrite();
  void start(const Drain& drain);

  std::string path_;
  std::size_t max_line_;
  std::unique_ptr<LineReader> reader_;  // none while the file does not exist
  std::uint64_t dev_ = 0, ino_ = 0;
  std::uint64_t offset_ = 0;             // after the last line handed on
  std::optional<FilePosition> pending_;  // the checkpoint's position, until the file is opened
  // The size and time of the file when it was last checked for a rewrite.
  std::uint64_t seen_size_ = 0;
  timespec seen_mtime_{};
};

}  // namespace sx
