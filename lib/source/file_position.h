// Where a file source stopped reading a file, and how to go on there: the
// file's identity (device, inode), the offset after the last line handed on,
// and a content check (the bytes before the offset), so that a file rotated,
// truncated or rewritten since is noticed. Shared by checkpointed reruns
// (sx-read --checkpoint) and by --follow's tails.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/line_reader.h"

namespace sx {

struct FilePosition {
  static constexpr std::uint64_t kUnknownSize = ~std::uint64_t{0};
  std::string path;
  std::uint64_t dev = 0, ino = 0, offset = 0;
  // The file's raw bytes read (compressed bytes for .zst, and a partial
  // last line included): a file of that size has nothing new.
  // kUnknownSize: not recorded (a position an older sx wrote).
  std::uint64_t raw = kUnknownSize;
  // The last bytes before `offset` (LineReader::consumed_tail): a file that
  // no longer holds them there was rewritten (empty: not recorded).
  std::string tail;
};

// Where reading `reader` (opened on `path`) stopped.
FilePosition position_of(const std::string& path, const LineReader& reader);

// Whether `reader` reads the file `p` was saved for (device and inode).
bool same_file(const LineReader& reader, const FilePosition& p);

// Reads lines up to byte `offset`: true when a line ends exactly there.
bool skip_to(LineReader& reader, std::uint64_t offset);

// Whether the file `path` holds `bytes` at `at`.
bool holds_at(const std::string& path, std::uint64_t at, const std::string& bytes);

// Whether the file `path`, read to its end at `p`, has nothing new to read:
// the same file (device and inode), of the size read then, still holding the
// bytes before the offset. A file that is gone has nothing to read.
bool nothing_new_in(const std::string& path, const FilePosition& p);

// Opens the file `path` to go on at `p`, the position a checkpoint kept in
// it. A file that was replaced or truncated since (log rotation while
// sx-read was stopped, or between two available-now runs) is read from its
// start instead, with a warning (base/diag.h): what the old file held after
// p.offset was not read and will not be. `follow`: a partial last line waits
// for the rest. With `rest`, a file replaced by rotation whose old file is
// still in the same directory, with lines after p.offset not read yet, loses
// nothing: *rest is set to a reader of the old file from p.offset on (to be
// read to its end first), and no warning is given.
std::unique_ptr<LineReader> open_at(const std::string& path, const FilePosition& p, bool follow,
                                    std::size_t max_line_bytes,
                                    std::unique_ptr<LineReader>* rest = nullptr);

}  // namespace sx
