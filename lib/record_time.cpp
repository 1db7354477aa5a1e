#include "record_time.h"

namespace sx {

EventTimeField::EventTimeField(const StreamInfo& info)
    : path_(FieldPath::parse(info.time_field)),
      parser_(info.time_format, info.time_zone),
      shift_(info.time_shift) {}

bool EventTimeField::convert(const JsonValue& v, EventTime* t, BadKind* kind,
                             std::string* why) const {
  bool ok = false;
  switch (v.type) {
    case JsonType::kString: ok = parser_.parse(v.text, t, why); break;
    case JsonType::kInt: ok = parser_.parse_number(v.i, t, why); break;
    case JsonType::kDouble: ok = parser_.parse_number(v.d, t, why); break;
    case JsonType::kUint: *why = "time value " + std::to_string(v.u) + " is out of range"; break;
    case JsonType::kMissing:
    case JsonType::kNull:
      *kind = BadKind::kNoTime;
      *why = std::string(v.type == JsonType::kNull ? "field \"" : "no field \"") + path_.text() +
             (v.type == JsonType::kNull ? "\" is null" : "\"") +
             " (every record needs its event time; check --time-field)";
      return false;
    default:
      *why = "field \"" + path_.text() + "\" is " + json_type_name(v.type) + ", not a time";
  }
  if (!ok) {
    *kind = BadKind::kBadTime;
    *why += " (check --time-format and --time-zone)";
    return false;
  }
  t->us += shift_;
  return true;
}

}  // namespace sx
