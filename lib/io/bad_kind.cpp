#include "io/bad_kind.h"

namespace sx {

const char* bad_kind_name(BadKind k) {
  switch (k) {
    case BadKind::kMalformed:
      return "malformed JSON";
    case BadKind::kNotObject:
      return "not an object";
    case BadKind::kInvalidUtf8:
      return "invalid UTF-8";
    case BadKind::kTooLong:
      return "too long";
    case BadKind::kUnterminated:
      return "truncated last line";
    case BadKind::kNoTime:
      return "no event time";
    case BadKind::kBadTime:
      return "bad event time";
    case BadKind::kBadValue:
      return "bad value";
    case BadKind::kNoMatch:
      return "not in the format";
    case BadKind::kCount:
      break;
  }
  return "bad input";
}

}  // namespace sx
