#include "stream/record_time.h"

#include <cstring>

#include "base/error.h"

namespace sx {

std::string headerless_reason(HeaderlessStart how, std::string_view first_line,
                              std::string_view plain) {
  switch (how) {
    case HeaderlessStart::kEmpty:
      return "the input is empty, without even an sx stream header: the stage before this one "
             "probably failed (see its error above)";
    case HeaderlessStart::kControl:
      return std::string(
                 "the input has sx control records but no stream header before them: a "
                 "filter between the stages (grep, jq) probably dropped it; let control "
                 "records through, e.g. ") +
             kJqKeepControl + " (sx(7), KEEPING CONTROL RECORDS)";
    case HeaderlessStart::kRecord:
      break;
  }
  std::string_view t = first_line;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r'))
    t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  if (t == "{" || t == "[") {
    return std::string("the input is not one JSON object per line (its first line is '") +
           std::string(t) +
           "'): pretty-printed JSON, as jq writes without -c? Use jq -c and let control records "
           "through, e.g. " +
           kJqKeepControl;
  }
  return std::string(
             "the input has no sx stream header (its first line is a record): if a filter "
             "between the stages (jq, grep) dropped the control records, let them "
             "through, e.g. ") +
         kJqKeepControl + " (sx(7), KEEPING CONTROL RECORDS); if it is plain NDJSON, " +
         std::string(plain);
}

StreamInfo effective_time(const StreamInfo* header, const TimeOverride& o) {
  StreamInfo info = header ? *header : StreamInfo{};
  if (o.field_given || !header) info.time_field = o.flags.time_field;
  if (o.format_given || !header) info.time_format = o.flags.time_format;
  if (o.zone_given || !header) info.time_zone = o.flags.time_zone;
  if (o.field_given) info.time_shift = 0;
  return info;
}

void check_time_flags(const StreamInfo* header, const TimeOverride& o,
                      std::string_view zone_advice) {
  if (!header || o.field_given) return;
  const std::string from = header->source.empty() ? "upstream" : header->source;
  // Zones that read naive times alike are one: any spelling of UTC (Z, GMT,
  // +00:00), and fixed offsets by their value (+0530 is +05:30).
  const auto zone_key = [](const std::string& z) {
    const TimeParser p("iso8601", z);
    const bool fixed = !z.empty() && (z[0] == '+' || z[0] == '-');
    if (p.is_utc() || (fixed && p.utc_offset(0) == 0)) return std::string("UTC");
    return fixed ? "offset " + std::to_string(p.utc_offset(0)) : z;
  };
  const auto same_zone = [&zone_key](const std::string& a, const std::string& b) {
    return a == b || zone_key(a) == zone_key(b);
  };
  if (o.zone_given && !same_zone(o.flags.time_zone, header->time_zone)) {
    throw usage_error("--time-zone " + o.flags.time_zone +
                      " would re-read the stream's times, but its header (from " + from +
                      ") already says how to read them (time zone " + header->time_zone +
                      "): how times are read is decided by sx-read. If the timestamps are " +
                      o.flags.time_zone + " times, pass --time-zone " + o.flags.time_zone +
                      " to sx-read" + std::string(zone_advice));
  }
  if (o.format_given && o.flags.time_format != header->time_format) {
    throw usage_error("--time-format " + o.flags.time_format +
                      " would re-read the stream's times, but its header (from " + from +
                      ") already says how to read them (format " + header->time_format +
                      "): pass --time-format to sx-read, or name the field too (--time-field) "
                      "to read another field your own way");
  }
}

EventTimeField::EventTimeField(const StreamInfo& info)
    : path_(FieldPath::parse(info.time_field)),
      parser_(info.time_format, info.time_zone),
      shift_(info.time_shift),
      iso_(info.time_format == "auto" || info.time_format == "iso8601"),
      clf_(info.time_format == "%d/%b/%Y:%H:%M:%S %z") {}

int EventTimeField::clf_seconds(std::string_view s) {
  if (s.size() != 26) return -1;
  const unsigned a = static_cast<unsigned>(s[18] - '0'), b = static_cast<unsigned>(s[19] - '0');
  return a > 5 || b > 9 ? -1 : static_cast<int>(a * 10 + b);
}

bool EventTimeField::same_minute(std::string_view s, Micros* us) const {
  if (!hour_known_) return false;
  const int sec = clf_seconds(s);
  if (sec < 0 || std::memcmp(s.data(), hour_prefix_, 18) != 0 ||
      std::memcmp(s.data() + 20, hour_prefix_ + 20, 6) != 0) {
    return false;
  }
  *us = hour_start_ + sec * kMicrosPerSecond;
  return true;
}

bool EventTimeField::convert_general(const JsonValue& v, EventTime* t, BadKind* kind,
                                     std::string* why) const {
  bool ok = false;
  switch (v.type) {
    case JsonType::kString:
      if (iso_ ? same_hour(v.text, &t->us) : clf_ && same_minute(v.text, &t->us)) {
        ok = true;
      } else if (clf_) {
        // The first of a minute: parsed whole, then remembered as its minute.
        if ((ok = parser_.parse(v.text, t, why))) {
          const int sec = clf_seconds(v.text);
          hour_known_ = sec >= 0;
          if (hour_known_) {
            std::memcpy(hour_prefix_, v.text.data(), 26);
            hour_start_ = t->us - sec * kMicrosPerSecond;
          }
        }
      } else if ((ok = parser_.parse(v.text, t, why)) && iso_) {
        const Micros within = within_hour(v.text);
        if (within >= 0) {
          std::memcpy(hour_prefix_, v.text.data(), 13);
          hour_start_ = t->us - within;
          hour_known_ = true;
        }
      }
      break;
    case JsonType::kInt:
      ok = parser_.parse_number(v.i, t, why);
      break;
    case JsonType::kDouble:
      ok = parser_.parse_number(v.d, t, why);
      break;
    case JsonType::kUint:
      *why = "time value " + std::to_string(v.u) + " is out of range";
      break;
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
  // The range is checked after the shift: a window result's end may be
  // +10000-01-01T00:00:00Z, its time 1us before (time_parser.h).
  if (t->us > kMaxEventTime || t->us < kMinEventTime) {
    *kind = BadKind::kBadTime;
    *why = "field \"" + path_.text() + "\" is " + format_time(*t) +
           (shift_ != 0 ? " (after the stream's time shift)" : "") +
           ", outside years 0001-9999 UTC";
    return false;
  }
  return true;
}

}  // namespace sx
