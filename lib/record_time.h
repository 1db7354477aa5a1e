// A record's event time: the field named by the stream header (or the
// stage's flags), parsed in its format and zone, plus the header's shift.
// Shared by sx-read (DOM values) and the stages behind it (On-Demand values).
#pragma once

#include <string>

#include "bad_input.h"
#include "control_record.h"
#include "json.h"
#include "time_parser.h"

namespace sx {

class EventTimeField {
 public:
  // Throws usage_error for a bad field path, format or zone.
  explicit EventTimeField(const StreamInfo& info);

  const FieldPath& path() const { return path_; }

  // The event time of the value found at path(). On failure returns false
  // and sets *kind (kNoTime: missing or null; kBadTime: not a time) and *why,
  // a reason that says which flags to check.
  bool convert(const JsonValue& v, EventTime* t, BadKind* kind, std::string* why) const;

 private:
  FieldPath path_;
  TimeParser parser_;
  Micros shift_ = 0;
};

}  // namespace sx
