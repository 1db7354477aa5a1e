// How sx-sink shows values for people: doubles rounded to a number of
// digits after the point (--precision) and instants in a time zone with
// its offset (--time-zone). Both work on one value's text at a time and
// append to a caller's buffer (no allocation once it has grown).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/event_time.h"
#include "base/time_parser.h"

namespace sx {

// The most digits --precision takes (a double has 17 significant digits).
inline constexpr int kMaxPrecision = 20;

// True when a JSON number's text is a double: it has a fraction or an
// exponent ("1.5", "1e3", "2.0"). Integers ("42", "-7", and those beyond 64
// bits) are not, and are never rounded.
bool is_double_text(std::string_view number);

// Appends the JSON number `number` rounded to `digits` digits after the
// point, trailing zeros kept (as printf's %.Nf, Spark's format_number and
// Miller's --ofmt %.Nlf): 79824.52000000003 -> 79824.52, 1.5 -> 1.50, 2 digits.
// The rounding is of the double's exact binary value, ties to even (2.675,
// stored as 2.67499999..., gives 2.67). A result that is zero drops its
// sign (-0.001 -> 0.00). Returns false, appending nothing, when `number` is
// not a double (is_double_text) or does not parse.
// REQUIRES: 0 <= digits <= kMaxPrecision.
bool append_rounded(std::string& out, std::string_view number, int digits);

// Writes instants as RFC 3339 wall-clock times of a zone with the offset in
// force at each instant: 2024-03-31T03:00:00+02:00. UTC (given as UTC, Z,
// Etc/UTC or GMT) is written with Z; a zone whose offset happens to be zero
// (Europe/London in winter) with +00:00. Fractions as format_time (3 or 6
// digits when not zero).
class ZoneShower {
 public:
  // `zone`: as TimeParser takes it (an IANA name, UTC, +05:30). Throws
  // usage_error naming --time-zone and what is accepted.
  explicit ZoneShower(std::string_view zone);
  // REQUIRES: buf has room for kMaxTimeText bytes. Returns the length.
  std::size_t format(EventTime t, char* buf) const;
  const TimeParser& clock() const { return clock_; }

 private:
  TimeParser clock_;
};

}  // namespace sx
