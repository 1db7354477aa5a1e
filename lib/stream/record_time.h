// A record's event time: the field named by the stream header (or the
// stage's flags), parsed in its format and zone, plus the header's shift.
// Shared by sx-read (DOM values) and the stages behind it (On-Demand values).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/swar.h"
#include "base/time_parser.h"
#include "io/json.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"

namespace sx {

// A stage's own time flags (--time-field, --time-format, --time-zone) and
// which of them were given: they win over the input's stream header, and
// stand in for it when there is none.
struct TimeOverride {
  StreamInfo flags;
  bool field_given = false, format_given = false, zone_given = false;
};
// The event-time settings in force: `header` (null when the input has none)
// with the given flags applied. A --time-field of one's own drops the
// header's time shift.
StreamInfo effective_time(const StreamInfo* header, const TimeOverride& o);
// How times are read is sx-read's (the stream header, sx(7)): a stage's own
// --time-zone or --time-format that differs from the header's would re-read
// the header's field another way, every record moved by the difference, so
// it throws usage_error saying where the flag goes (`zone_advice`, appended
// to the zone message, names the stage's own zone flag when it has one,
// e.g. sx-window's --window-time-zone). Allowed: no header (the flags stand
// in for it), a --time-field of one's own (another field, read one's own
// way), or flags equal to the header's (any two spellings of UTC are equal).
void check_time_flags(const StreamInfo* header, const TimeOverride& o,
                      std::string_view zone_advice = {});

// How the input of a stage began when it had no stream header.
enum class HeaderlessStart {
  kEmpty,    // no line at all
  kRecord,   // a data record came first
  kControl,  // a control record other than the header came first
};
// What probably happened, for the message of a stage that needs the header:
// an empty input means the stage before failed; records without a header, or
// control records without their header, mean a filter between stages dropped
// control records (the advice shows the jq idiom that keeps them); a first
// line that is '{' alone means pretty-printed JSON (jq without -c).
// `first_line` is the first line for kRecord; `plain` what to do when the
// input is plain NDJSON after all ("pass --time-field FIELD").
std::string headerless_reason(HeaderlessStart how, std::string_view first_line,
                              std::string_view plain);
// The jq idiom that lets control records through a filter.
inline constexpr const char* kJqKeepControl =
    "jq -c 'if has(\"@sx\") then . else select(COND) end'";

class EventTimeField {
 public:
  // Throws usage_error for a bad field path, format or zone.
  explicit EventTimeField(const StreamInfo& info);

  const FieldPath& path() const { return path_; }

  // The event time of the value found at path(). On failure returns false
  // and sets *kind (kNoTime: missing or null; kBadTime: not a time) and *why,
  // a reason that says which flags to check.
  bool convert(const JsonValue& v, EventTime* t, BadKind* kind, std::string* why) const {
    // The usual case, inline: an ISO-8601 string in the hour of the last one.
    if (v.type == JsonType::kString && iso_ && same_hour(v.text, &t->us)) {
      t->us += shift_;
      if (t->us <= kMaxEventTime && t->us >= kMinEventTime) return true;
    }
    return convert_general(v, t, kind, why);
  }

 private:
  bool convert_general(const JsonValue& v, EventTime* t, BadKind* kind, std::string* why) const;
  // Fast path for the common "YYYY-MM-DDTHH:MM:SS[.f]Z": records in the same
  // hour share their first 13 bytes, so only minutes, seconds and fraction
  // are read. Returns false when `s` has another shape or another hour.
  bool same_hour(std::string_view s, Micros* us) const {
    if (!hour_known_ || s.size() < 20 || std::memcmp(s.data(), hour_prefix_, 13) != 0) return false;
    const Micros within = within_hour(s);
    if (within < 0) return false;
    *us = hour_start_ + within;
    return true;
  }
  // The minutes, seconds and fraction of that shape, in micros; -1 otherwise.
  static Micros within_hour(std::string_view s) {
    const std::size_t n = s.size();
    if (n < 20 || n > 30 || s[n - 1] != 'Z') return -1;
    // Bytes 12..19 in one word: "H:MM:SS" and the '.' or 'Z' after it.
    const std::uint64_t x = swar::load8(s.data() + 12);
    constexpr std::uint64_t kColons = 0x000000FF0000FF00u;  // bytes 1 and 4
    if ((x & kColons) != (0x3A3A3A3A3A3A3A3Au & kColons)) return -1;
    constexpr std::uint64_t kDigits = 0x00FFFF00FFFF0000u;  // bytes 2, 3, 5 and 6
    const std::uint64_t d = (x ^ 0x3030303030303030u) & kDigits;
    if (((d | (d + (0x7676767676767676u & kDigits))) & 0x8080808080808080u & kDigits) != 0) {
      return -1;
    }
    const auto byte = [d](int i) { return static_cast<int>((d >> (8 * i)) & 0xFF); };
    const int mm = byte(2) * 10 + byte(3), ss = byte(5) * 10 + byte(6);
    if (mm > 59 || ss > 59) return -1;
    Micros frac = 0;
    if (n > 20) {
      if ((x >> 56) != '.' || n < 22) return -1;
      // k digits before the 'Z'; the last (up to) 8 in one word.
      const int k = static_cast<int>(n) - 21;
      const int last = k < 8 ? k : 8;
      const std::uint64_t y = swar::load8(s.data() + n - 9) >> (8 * (8 - last));
      if (swar::leading_digits(y) < last) return -1;
      std::uint64_t v = swar::digits_value(y, last);
      if (k == 9) {
        const auto c = static_cast<unsigned>(s[20] - '0');
        if (c > 9) return -1;
        v += c * swar::kPow10[8];
      }
      // To microseconds; digits beyond the sixth are dropped.
      frac = static_cast<Micros>(k <= 6 ? v * swar::kPow10[6 - k] : v / swar::kPow10[k - 6]);
    }
    return (mm * 60 + ss) * kMicrosPerSecond + frac;
  }
  // The same for clf's "10/Oct/2024:13:55:36 +0200": records in the same
  // minute (and offset) share all but the seconds, which alone are read.
  bool same_minute(std::string_view s, Micros* us) const;
  static int clf_seconds(std::string_view s);

  FieldPath path_;
  TimeParser parser_;
  Micros shift_ = 0;
  bool iso_ = false;                   // the format reads ISO-8601 strings (auto, iso8601)
  bool clf_ = false;                   // the format is "%d/%b/%Y:%H:%M:%S %z"
  mutable char hour_prefix_[26] = {};  // 13 bytes (iso) or the clf text
  mutable Micros hour_start_ = 0;
  mutable bool hour_known_ = false;
};

}  // namespace sx
