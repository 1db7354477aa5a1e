// What is wrong with a bad input line: found by the readers (io), counted and
// reported by the bad-input policy (stream/bad_input.h).
#pragma once

namespace sx {

enum class BadKind {
  kMalformed,  // not JSON, or not one JSON value
  kNotObject,  // JSON, but not an object
  kInvalidUtf8,
  kTooLong,       // longer than --max-line-bytes
  kUnterminated,  // last line without '\n' (a truncated file)
  kNoTime,        // time field missing or null
  kBadTime,       // time field present but not a time
  kBadValue,      // a value an aggregate cannot use (sum of a non-number)
  kNoMatch,       // a line that does not match sx-read's --format
  kCount
};
const char* bad_kind_name(BadKind k);  // "malformed JSON", ...

}  // namespace sx
