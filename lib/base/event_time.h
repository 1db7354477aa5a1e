// Event time: an instant with microsecond precision (as Spark's TimestampType),
// stored as int64 microseconds since 1970-01-01T00:00:00Z. State logic works on
// these plain numbers; parsing text into them lives in time_parser.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace sx {

using Micros = std::int64_t;

inline constexpr Micros kMicrosPerMilli = 1000;
inline constexpr Micros kMicrosPerSecond = 1000 * 1000;
inline constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr Micros kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

// Bounds of the accepted range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z.
inline constexpr Micros kMinEventTime = -62135596800LL * kMicrosPerSecond;
inline constexpr Micros kMaxEventTime = 253402300799LL * kMicrosPerSecond + 999999;

// The strong type. Totally ordered; `kEnd` is past every event time (the final
// watermark of a finished stream) and `kNone` before every one.
struct EventTime {
  Micros us = 0;

  static constexpr EventTime none() { return {std::numeric_limits<Micros>::min()}; }
  static constexpr EventTime end() { return {std::numeric_limits<Micros>::max()}; }

  friend constexpr auto operator<=>(EventTime, EventTime) = default;
};

// The watermark that max event time `max_time` and the delay `delay` (both
// real, not none/end) call for, as Spark computes it: EventTimeWatermarkExec
// keeps event times in whole milliseconds (microseconds / 1000, truncated
// toward zero as Scala's Long division) and the delay in milliseconds, so
// 10.000900s counts as 10.000s. (Spark's WatermarkTracker also starts the
// watermark at 0 and never moves it below: the caller's part, sx(7).)
constexpr EventTime next_watermark(EventTime max_time, Micros delay) {
  return EventTime{(max_time.us / kMicrosPerMilli - delay / kMicrosPerMilli) * kMicrosPerMilli};
}

// Days since 1970-01-01 for a proleptic Gregorian date, and back
// (Howard Hinnant's algorithms; valid far beyond the accepted range).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

constexpr CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

// Floor division and modulo (towards negative infinity), for window arithmetic
// on times before 1970.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

// Writes `t` as ISO-8601 UTC, e.g. 2023-07-30T10:00:00Z, with fractional
// digits only when non-zero: 3 when the time is a whole millisecond, else 6.
// The final watermark (EventTime::end()) is written "+inf", its opposite "-inf".
// REQUIRES: buf has room for kMaxTimeText bytes. Returns the length written;
// no allocation.
inline constexpr std::size_t kMaxTimeText = 40;
std::size_t format_time(EventTime t, char* buf);
std::string format_time(EventTime t);

// Writes `t` as the wall-clock time of a zone whose offset from UTC at `t` is
// `offset` (micros east of UTC), with that offset: 2024-10-27T00:00:00+02:00
// (fraction as format_time). Used for window bounds in a --window-time-zone,
// so that a Paris day reads as a Paris day; every ISO-8601 reader gets the
// same instant back. Falls back to format_time (UTC, "Z") when the offset is
// not a whole number of minutes (ISO-8601 offsets have no seconds; old local
// mean times had them), is 24 hours or more, or moves the wall-clock time out
// of years 0001..9999, and for the infinities. Same buffer contract.
std::size_t format_time_at_offset(EventTime t, Micros offset, char* buf);

}  // namespace sx
