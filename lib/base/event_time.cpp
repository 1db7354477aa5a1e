#include "base/event_time.h"

#include <cstdio>
#include <cstring>

namespace sx {

namespace {

char* put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

}  // namespace

std::size_t format_time(EventTime t, char* buf) {
  if (t == EventTime::end()) {
    std::memcpy(buf, "+inf", 4);
    return 4;
  }
  if (t == EventTime::none()) {
    std::memcpy(buf, "-inf", 4);
    return 4;
  }
  // Not t - days * kMicrosPerDay: that overflows within a day of INT64_MIN.
  const bool before = t.us % kMicrosPerDay < 0;
  const std::int64_t days = t.us / kMicrosPerDay - before;
  const std::int64_t in_day = t.us % kMicrosPerDay + (before ? kMicrosPerDay : 0);
  const CivilDate date = civil_from_days(days);
  char* p = buf;
  if (date.year >= 0 && date.year <= 9999) {
    const auto y = static_cast<unsigned>(date.year);
    p = put2(p, y / 100);
    p = put2(p, y % 100);
  } else {  // outside ISO-8601's four digits: signed expanded year
    p += std::snprintf(p, 16, "%+lld", static_cast<long long>(date.year));
  }
  *p++ = '-';
  p = put2(p, date.month);
  *p++ = '-';
  p = put2(p, date.day);
  *p++ = 'T';
  const auto secs = static_cast<unsigned>(in_day / kMicrosPerSecond);
  const auto frac = static_cast<unsigned>(in_day % kMicrosPerSecond);
  p = put2(p, secs / 3600);
  *p++ = ':';
  p = put2(p, secs / 60 % 60);
  *p++ = ':';
  p = put2(p, secs % 60);
  if (frac != 0) {
    *p++ = '.';
    unsigned digits = frac % 1000 == 0 ? 3 : 6;
    unsigned v = digits == 3 ? frac / 1000 : frac;
    for (unsigned i = digits; i-- > 0;) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p += digits;
  }
  *p++ = 'Z';
  return static_cast<std::size_t>(p - buf);
}

std::string format_time(EventTime t) {
  char buf[kMaxTimeText];
  return std::string(buf, format_time(t, buf));
}

std::size_t format_time_at_offset(EventTime t, Micros offset, char* buf) {
  const Micros abs = offset < 0 ? -offset : offset;
  if (t == EventTime::end() || t == EventTime::none() || abs % kMicrosPerMinute != 0 ||
      abs >= kMicrosPerDay || t.us > kMaxEventTime - offset || t.us < kMinEventTime - offset) {
    return format_time(t, buf);
  }
  std::size_t n = format_time(EventTime{t.us + offset}, buf) - 1;  // drop the 'Z'
  const auto minutes = static_cast<unsigned>(abs / kMicrosPerMinute);
  buf[n++] = offset < 0 ? '-' : '+';
  put2(buf + n, minutes / 60);
  buf[n + 2] = ':';
  put2(buf + n + 3, minutes % 60);
  return n + 5;
}

}  // namespace sx
