// What a file source keeps in its checkpoint after each epoch, and its
// encoding (the payload of sx-read's checkpoint file, sx(7) "CHECKPOINTS").
// Opaque to everything but the file source: another source (Kafka: offsets
// per partition) keeps its own.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "source/epoch_policy.h"
#include "source/file_position.h"

namespace sx {

struct FileSourceState {
  EpochState epochs;                          // the next epoch, max event time, watermarks
  std::set<std::string> done_files;           // read to their end
  std::optional<FilePosition> current;        // the file an epoch ended in, partly read
  std::map<std::string, FilePosition> files;  // where each file read or tailed stopped
};

// The payload:
//   i64 next epoch, i64 max event time, i64 watermark,
//   u64 n, n times string path: the files read to their end,
//   u8 has_current, if 1: string path, u64 dev, u64 ino, u64 offset,
//   u64 n, n times string path, u64 dev, u64 ino, u64 offset: the files
//     read to their end or tailed (files),
//   the trailer: n times u64 raw bytes read, for the n files before;
//     i64 the watermark in force during this epoch (wm_last_epoch);
//     n times string: the last bytes before the offset (FilePosition::tail)
//     of the n files, then (if has_current) of the current file.
// A payload that ends after has_current's part (an older sx) has no files;
// one that ends before the trailer, no raw sizes, and owes no epoch.
std::string encode_state(const FileSourceState& state);
// Throws data_error naming `where` for a payload that does not parse.
FileSourceState decode_state(std::string_view payload, const std::string& where);

}  // namespace sx
