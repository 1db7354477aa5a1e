#include "base/time_parser.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "base/error.h"

namespace sx {

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

namespace {

enum class Kind { kAuto, kIso, kEpochS, kEpochMs, kEpochUs, kPattern };

bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

void set_why(std::string* why, std::string_view text, const std::string& detail) {
  if (why) *why = "'" + std::string(text) + "' is not a valid time (" + detail + ")";
}

void set_not_time(std::string* why, std::string_view text, bool epoch_too = true) {
  if (why) {
    *why = "'" + std::string(text) + "' is not a time (expected ISO-8601 such as " +
           "2023-07-30T10:00:00Z" + (epoch_too ? ", or epoch seconds/ms/us)" : ")");
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Parses an optionally signed decimal with an optional fraction ("-1.5",
// "1690711200", "+12.250") into micros, `unit` micros per whole; digits below
// a microsecond are truncated (towards zero). No allocation.
enum class Decimal { kOk, kSyntax, kRange };
Decimal parse_decimal(std::string_view s, Micros unit, Micros* out) {
  std::size_t i = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
  __int128 whole = 0, frac = 0, scale = 1;
  bool huge = false;
  const std::size_t w0 = i;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (whole < (static_cast<__int128>(1) << 70)) {
      whole = whole * 10 + (s[i] - '0');
    } else {
      huge = true;
    }
  }
  if (i == w0) return Decimal::kSyntax;
  if (i < s.size() && s[i] == '.') {
    const std::size_t f0 = ++i;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (scale < 1000000000000LL) frac = frac * 10 + (s[i] - '0'), scale *= 10;
    }
    if (i == f0) return Decimal::kSyntax;
  }
  if (i != s.size()) return Decimal::kSyntax;
  if (huge) return Decimal::kRange;
  __int128 us = whole * unit + frac * unit / scale;
  if (neg) us = -us;
  if (us < kMinEventTime || us > kMaxEventTime) return Decimal::kRange;
  *out = static_cast<Micros>(us);
  return Decimal::kOk;
}

constexpr const char* kOutOfRange = "outside years 0001-9999 UTC";

// One per thread, so that parse() stays safe to call concurrently on a const
// TimeParser; keyed by the zone, so parsers of several zones only share misses.
struct ZoneCache {
  const date::time_zone* tz = nullptr;
  std::int64_t lo = 0;      // local seconds, inclusive
  std::int64_t hi = 0;      // local seconds, exclusive
  std::int64_t offset = 0;  // seconds east of UTC
};
thread_local ZoneCache zone_cache;

Micros unit_for_magnitude(double v) {
  const double a = std::fabs(v);
  return a < 1e11 ? kMicrosPerSecond : a < 1e14 ? kMicrosPerMilli : 1;
}

// Micros per unit of a JSON number under `kind` (by magnitude for auto and
// iso8601); 0 when the format takes no numbers (a pattern).
Micros number_unit(Kind kind, double magnitude) {
  switch (kind) {
    case Kind::kPattern:
      return 0;
    case Kind::kEpochS:
      return kMicrosPerSecond;
    case Kind::kEpochMs:
      return kMicrosPerMilli;
    case Kind::kEpochUs:
      return 1;
    default:
      return unit_for_magnitude(magnitude);
  }
}

}  // namespace

struct TimeParser::Impl {
  Kind kind = Kind::kAuto;
  std::string format;
  std::string zone;
  bool utc = true;
  Micros fixed_offset = 0;  // added to UTC to get local time
  const date::time_zone* tz = nullptr;
  bool pattern_has_offset = false;
  bool clf_pattern = false;  // "%d/%b/%Y:%H:%M:%S %z": parse_clf first

  // Local wall-clock micros -> UTC micros in the zone. Ambiguous (fall back):
  // the earlier instant, i.e. the offset in force before the transition;
  // nonexistent (spring-forward gap): also the offset before the transition,
  // which moves the time forward by the length of the gap (as java.time).
  Micros local_to_utc(Micros local) const {
    if (utc) return local;
    if (!tz) return local - fixed_offset;
    const std::int64_t ls = floor_div(local, kMicrosPerSecond);
    const ZoneCache& c = zone_cache;
    if (c.tz == tz && ls >= c.lo && ls < c.hi) return local - c.offset * kMicrosPerSecond;
    return local - zone_offset_slow(ls) * kMicrosPerSecond;
  }

  // The UTC offset (seconds) of local second `ls`, from the zone database;
  // remembers the stretch of local time around `ls` that has this offset and
  // no transition, so the next naive time of the same season is a compare.
  std::int64_t zone_offset_slow(std::int64_t ls) const {
    using std::chrono::seconds;
    const date::local_info li = tz->get_info(date::local_seconds{seconds{ls}});
    const std::int64_t off = li.first.offset.count();
    if (li.result != date::local_info::unique) return off;
    // Local times in [begin + max(off, prev), end + min(off, next)) map to
    // this offset alone; nearer the transitions they fall in a gap or overlap.
    // The first and last periods reach far outside the accepted years: cut
    // them there rather than ask for their neighbours.
    constexpr std::int64_t kFar = 62135596800LL + 2 * 86400;  // 0001-01-01 minus 2 days
    constexpr std::int64_t kFarEnd = 253402300800LL + 2 * 86400;
    const date::sys_seconds begin = li.first.begin;
    const date::sys_seconds end = li.first.end;
    const std::int64_t b = begin.time_since_epoch().count();
    const std::int64_t e = end.time_since_epoch().count();
    const std::int64_t lo =
        b < -kFar
            ? -kFar
            : b + std::max(off, std::int64_t{tz->get_info(begin - seconds{1}).offset.count()});
    const std::int64_t hi =
        e > kFarEnd ? kFarEnd : e + std::min(off, std::int64_t{tz->get_info(end).offset.count()});
    if (lo <= ls && ls < hi) zone_cache = {tz, lo, hi, off};
    return off;
  }

  bool parse_iso(std::string_view s, EventTime* out, std::string* why) const {
    if (!s.empty() && s[0] == '+') return parse_expanded(s, out, why);
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    if (s.size() < 10 || !digits(s, 0, 4, &y) || s[4] != '-' || !digits(s, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, 8, 2, &d)) {
      set_not_time(why, s, kind != Kind::kIso);
      return false;
    }
    if (mo < 1 || mo > 12) return set_why(why, s, "month " + std::to_string(mo)), false;
    if (y < 1) return set_why(why, s, "year 0"), false;
    if (d < 1 || d > days_in_month(y, mo)) {
      return set_why(
                 why, s,
                 "day " + std::to_string(d) + " out of range for " + std::string(s.substr(0, 7))),
             false;
    }
    Micros frac = 0;
    std::size_t i = 10;
    bool has_offset = false;
    Micros offset = 0;
    if (s.size() > 10) {
      if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        return set_not_time(why, s, kind != Kind::kIso), false;
      if (s.size() < 19 || !digits(s, 11, 2, &h) || s[13] != ':' || !digits(s, 14, 2, &mi) ||
          s[16] != ':' || !digits(s, 17, 2, &sec)) {
        return set_why(why, s, "expected HH:MM:SS after the date"), false;
      }
      if (h > 23) return set_why(why, s, "hour " + std::to_string(h)), false;
      if (mi > 59) return set_why(why, s, "minute " + std::to_string(mi)), false;
      if (sec > 59) {
        return set_why(why, s,
                       "second " + std::to_string(sec) +
                           (sec == 60 ? ": leap seconds are not accepted" : "")),
               false;
      }
      i = 19;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        const std::size_t f0 = i;
        Micros scale = kMicrosPerSecond;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (i - f0 < 6) {
            scale /= 10;
            frac += (s[i] - '0') * scale;
          }
          ++i;
        }
        if (i == f0 || i - f0 > 9) return set_why(why, s, "1 to 9 fractional digits"), false;
      }
      if (i < s.size()) {
        const char c = s[i];
        if ((c == 'Z' || c == 'z') && i + 1 == s.size()) {
          has_offset = true;
        } else if (c == '+' || c == '-') {
          unsigned oh = 0, om = 0;
          const std::string_view o = s.substr(i + 1);
          bool ok = false;
          if (o.size() == 2)
            ok = digits(o, 0, 2, &oh);
          else if (o.size() == 4)
            ok = digits(o, 0, 2, &oh) && digits(o, 2, 2, &om);
          else if (o.size() == 5)
            ok = digits(o, 0, 2, &oh) && o[2] == ':' && digits(o, 3, 2, &om);
          if (!ok) return set_why(why, s, "offset must be +HH:MM, +HHMM or +HH"), false;
          if (oh > 23 || om > 59) return set_why(why, s, "offset out of range"), false;
          offset = (oh * 60 + om) * kMicrosPerMinute * (c == '-' ? -1 : 1);
          has_offset = true;
        } else {
          return set_why(why, s, "unexpected text after the time"), false;
        }
      }
    }
    const Micros local = days_from_civil(y, mo, d) * kMicrosPerDay +
                         (h * 3600LL + mi * 60LL + sec) * kMicrosPerSecond + frac;
    const Micros t = has_offset ? local - offset : local_to_utc(local);
    if (t < kMinEventTime || t > kMaxEventTime) return set_why(why, s, kOutOfRange), false;
    out->us = t;
    return true;
  }

  // ISO 8601's expanded year, as format_time writes years past 9999: of those only the end of sx's
  // range is accepted, +10000-01-01T00:00:00Z, one microsecond past 9999-12-31T23:59:59.999999Z,
  // which is the (exclusive) end of the last windows: a window result's time
  // is its end minus 1us, inside the range (EventTimeField checks the range
  // after that shift). Read through the year 2000, whose calendar is the same
  // (20 whole 400-year cycles earlier).
  bool parse_expanded(std::string_view s, EventTime* out, std::string* why) const {
    constexpr Micros kCycles = 20 * 146097 * kMicrosPerDay;
    if (s.size() < 7 || s[6] != '-') return set_not_time(why, s, kind != Kind::kIso), false;
    for (std::size_t i = 1; i < 6; ++i) {
      if (!is_digit(s[i])) return set_not_time(why, s, kind != Kind::kIso), false;
    }
    if (s.substr(1, 5) != "10000") return set_why(why, s, kOutOfRange), false;
    EventTime proxy;
    if (!parse_iso("2000" + std::string(s.substr(6)), &proxy, nullptr)) {
      return set_not_time(why, s, kind != Kind::kIso), false;
    }
    if (proxy.us + kCycles != kMaxEventTime + 1) return set_why(why, s, kOutOfRange), false;
    out->us = kMaxEventTime + 1;
    return true;
  }

  // The fast path of "%d/%b/%Y:%H:%M:%S %z" (clf's time_local), for its
  // usual form only: "10/Oct/2024:13:55:36 +0200", every field of exactly
  // that width, the month as written in English ("Oct"), a valid date and
  // time, an offset of at most 23:59, a result in range. Anything else
  // returns false without touching *out, and parse_pattern (the date
  // library) decides, so results and messages are the same either way.
  static bool parse_clf(std::string_view s, EventTime* out) {
    if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
        s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-')) {
      return false;
    }
    unsigned d, y, h, mi, sec, oh, om;
    if (!digits(s, 0, 2, &d) || !digits(s, 7, 4, &y) || !digits(s, 12, 2, &h) ||
        !digits(s, 15, 2, &mi) || !digits(s, 18, 2, &sec) || !digits(s, 22, 2, &oh) ||
        !digits(s, 24, 2, &om)) {
      return false;
    }
    // The month by its three letters, as one number: "Oct" -> 'O'<<16|'c'<<8|'t'.
    static constexpr unsigned kMonths[] = {0x4a616e, 0x466562, 0x4d6172, 0x417072,
                                           0x4d6179, 0x4a756e, 0x4a756c, 0x417567,
                                           0x536570, 0x4f6374, 0x4e6f76, 0x446563};
    const unsigned key = static_cast<unsigned char>(s[3]) << 16 |
                         static_cast<unsigned char>(s[4]) << 8 | static_cast<unsigned char>(s[5]);
    unsigned mo = 0;
    for (unsigned m = 0; m < 12; ++m) {
      if (kMonths[m] == key) mo = m + 1;
    }
    if (mo == 0 || y < 1 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59 ||
        oh > 23 || om > 59) {
      return false;
    }
    const Micros offset = (oh * 60LL + om) * kMicrosPerMinute * (s[21] == '-' ? -1 : 1);
    const Micros t = days_from_civil(y, mo, d) * kMicrosPerDay +
                     (h * 3600LL + mi * 60LL + sec) * kMicrosPerSecond - offset;
    if (t < kMinEventTime || t > kMaxEventTime) return false;
    out->us = t;
    return true;
  }

  bool parse_pattern(std::string_view s, EventTime* out, std::string* why) const {
    std::istringstream in{std::string(s)};
    Micros t;
    if (pattern_has_offset) {
      date::sys_time<std::chrono::microseconds> tp;
      in >> date::parse(format, tp);
      if (in.fail()) return fail_pattern(s, why);
      t = tp.time_since_epoch().count();
    } else {
      date::local_time<std::chrono::microseconds> tp;
      in >> date::parse(format, tp);
      if (in.fail()) return fail_pattern(s, why);
      t = local_to_utc(tp.time_since_epoch().count());
    }
    if (in.peek() != std::char_traits<char>::eof()) {
      return set_why(why, s, "text left over after '" + format + "'"), false;
    }
    if (t < kMinEventTime || t > kMaxEventTime) return set_why(why, s, kOutOfRange), false;
    out->us = t;
    return true;
  }

  bool fail_pattern(std::string_view s, std::string* why) const {
    if (why) *why = "'" + std::string(s) + "' does not match the time format '" + format + "'";
    return false;
  }
};

TimeParser::TimeParser(std::string_view format, std::string_view zone)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.format = std::string(format);
  m.zone = std::string(zone);
  if (format == "auto")
    m.kind = Kind::kAuto;
  else if (format == "iso8601")
    m.kind = Kind::kIso;
  else if (format == "epoch-s")
    m.kind = Kind::kEpochS;
  else if (format == "epoch-ms")
    m.kind = Kind::kEpochMs;
  else if (format == "epoch-us")
    m.kind = Kind::kEpochUs;
  else if (format.find('%') != std::string_view::npos) {
    m.kind = Kind::kPattern;
    m.pattern_has_offset =
        format.find("%z") != std::string_view::npos || format.find("%Ez") != std::string_view::npos;
    m.clf_pattern = format == "%d/%b/%Y:%H:%M:%S %z";
  } else {
    throw usage_error("unknown time format '" + m.format +
                      "' (use auto, iso8601, epoch-s, epoch-ms, epoch-us, or a strftime "
                      "pattern such as '%Y-%m-%d %H:%M:%S')");
  }
  if (zone == "UTC" || zone == "utc" || zone == "Z" || zone == "Etc/UTC" || zone == "GMT") {
    m.utc = true;
  } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    EventTime probe;
    Impl utc_impl;
    if (!utc_impl.parse_iso("1970-01-01T00:00:00" + std::string(zone), &probe, nullptr)) {
      throw usage_error("bad time zone offset '" + m.zone + "' (use +HH:MM, e.g. +05:30)");
    }
    m.utc = false;
    m.fixed_offset = -probe.us;
  } else {
    try {
      m.tz = date::locate_zone(std::string(zone));
      m.utc = false;
    } catch (const std::exception&) {
      throw usage_error("unknown time zone '" + m.zone +
                        "' (use an IANA name such as Europe/Paris, UTC, or an offset such as "
                        "+05:30)");
    }
  }
}

TimeParser::~TimeParser() = default;
TimeParser::TimeParser(TimeParser&&) noexcept = default;
TimeParser& TimeParser::operator=(TimeParser&&) noexcept = default;

const std::string& TimeParser::format() const { return impl_->format; }
const std::string& TimeParser::zone() const { return impl_->zone; }

Micros TimeParser::local_to_utc(Micros local) const { return impl_->local_to_utc(local); }

Micros TimeParser::utc_offset(Micros utc) const {
  const Impl& m = *impl_;
  if (m.utc) return 0;
  if (!m.tz) return m.fixed_offset;
  const date::sys_seconds s{std::chrono::seconds{floor_div(utc, kMicrosPerSecond)}};
  return m.tz->get_info(s).offset.count() * kMicrosPerSecond;
}

bool TimeParser::is_utc() const { return impl_->utc; }

bool TimeParser::parse(std::string_view text, EventTime* out, std::string* why) const {
  const Impl& m = *impl_;
  Micros us;
  // An epoch string in `unit`: true when parsed; else syntax_error tells a
  // malformed number (the caller explains) from one out of range (explained here).
  bool syntax_error = false;
  auto epoch = [&](Micros unit) {
    switch (parse_decimal(text, unit, &us)) {
      case Decimal::kOk:
        out->us = us;
        return true;
      case Decimal::kRange:
        set_why(why, text, kOutOfRange);
        return false;
      case Decimal::kSyntax:
        syntax_error = true;
        return false;
    }
    return false;
  };
  switch (m.kind) {
    case Kind::kPattern:
      if (m.clf_pattern && Impl::parse_clf(text, out)) return true;
      return m.parse_pattern(text, out, why);
    case Kind::kIso:
      return m.parse_iso(text, out, why);
    case Kind::kEpochS:
    case Kind::kEpochMs:
    case Kind::kEpochUs: {
      if (epoch(number_unit(m.kind, 0))) return true;
      if (!syntax_error) return false;
      if (why) {
        *why = "'" + std::string(text) + "' is not a time (" + m.format +
               " expects a number such as 1690711200 or -12.5)";
      }
      return false;
    }
    case Kind::kAuto: {
      if (text.size() >= 10 && (text[4] == '-' || (text[0] == '+' && text[6] == '-'))) {
        return m.parse_iso(text, out, why);
      }
      // The unit follows from the magnitude of the whole part: up to 11
      // significant digits (< 1e11) seconds, up to 14 milliseconds, else micros.
      std::size_t i = !text.empty() && (text[0] == '-' || text[0] == '+');
      while (i < text.size() && text[i] == '0') ++i;
      std::size_t n = 0;
      while (i + n < text.size() && is_digit(text[i + n])) ++n;
      const Micros unit = n <= 11 ? kMicrosPerSecond : n <= 14 ? kMicrosPerMilli : 1;
      if (epoch(unit)) return true;
      if (syntax_error) set_not_time(why, text);
      return false;
    }
  }
  return false;
}

bool TimeParser::parse_number(std::int64_t v, EventTime* out, std::string* why) const {
  const Impl& m = *impl_;
  const Micros unit = number_unit(m.kind, static_cast<double>(v));
  if (unit == 0) {
    if (why)
      *why = "number " + std::to_string(v) + " does not match the time format '" + m.format + "'";
    return false;
  }
  const __int128 us = static_cast<__int128>(v) * unit;
  if (us < kMinEventTime || us > kMaxEventTime) {
    if (why) *why = "epoch time " + std::to_string(v) + " is out of range (years 0001-9999)";
    return false;
  }
  out->us = static_cast<Micros>(us);
  return true;
}

bool TimeParser::parse_number(double v, EventTime* out, std::string* why) const {
  const Impl& m = *impl_;
  if (!std::isfinite(v)) {
    if (why) *why = "time is not a finite number";
    return false;
  }
  const Micros unit = number_unit(m.kind, v);
  if (unit == 0) {
    if (why) *why = "a number does not match the time format '" + m.format + "'";
    return false;
  }
  // Compare as integers: near the bounds a double cannot tell kMaxEventTime
  // from kMaxEventTime + 1. |us| < 2^62 makes the conversion exact and safe.
  const double us = std::round(v * static_cast<double>(unit));
  const Micros t = std::fabs(us) < 0x1p62 ? static_cast<Micros>(us) : kMaxEventTime + 1;
  if (t < kMinEventTime || t > kMaxEventTime) {
    if (why) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v);
      *why = std::string("epoch time ") + buf + " is out of range (years 0001-9999)";
    }
    return false;
  }
  out->us = t;
  return true;
}

}  // namespace sx
