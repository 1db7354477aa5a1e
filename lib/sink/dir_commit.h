// The commit record of the directory sink (sx-sink --path): the payload of
// DIR/_commits/N that says which staged files epoch N publishes where, and
// with which output flags. Encoded and decoded here only.
//
// Layout (a PayloadWriter sequence, io/checkpoint_file.h):
//   u64 tag "SXSINKv2" (0x32764B4E49535853)
//   u64 count, then count x (string flag, string value): the settings
//   u8 mode (SinkMode)
//   u64 count, then count x (string staged, string final): staged is relative
//     to OUT/_staging ("epoch-N/s-000000.ndjson"), final relative to OUT
//     ("p=a/part-0000000N.ndjson", "current/part-...")
// The first --path sink (sx 0.1.0, before --mode) wrote u64 0 or 1, then that
// many file names staged directly in OUT/_staging and published under the
// same name; such a commit decodes as append mode with those pairs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/checkpoint_file.h"
#include "sink/sink_mode.h"

namespace sx {

struct DirCommit {
  // The flags the output layout depends on: ("mode", "append"),
  // ("compress", "zstd"), ("partition-by", FIELD)...; compared with the
  // run's by check_fingerprint.
  Fingerprint settings;
  SinkMode mode = SinkMode::kAppend;
  // (staged path relative to OUT/_staging, final path relative to OUT).
  std::vector<std::pair<std::string, std::string>> files;
};

std::string encode_dir_commit(const DirCommit& commit);

// Decodes a payload written by encode_dir_commit (or by the first --path
// sink). Throws data_error naming `what` ("commit DIR/_commits/N") when it is
// damaged (truncated, trailing bytes), of an unknown layout or mode, or names
// a path that is not a plain relative path inside OUT (empty, absolute, with
// an empty, "." or ".." component): a damaged or foreign commit must not
// rename files elsewhere.
DirCommit decode_dir_commit(std::string_view payload, const std::string& what);

}  // namespace sx
