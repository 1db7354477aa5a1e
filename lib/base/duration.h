// Durations in the three spellings of sx(7): compact ("250ms", "90s", "10m",
// "1h30m", "2d", "1w", "500us"), Spark's words ("10 minutes", "1 hour",
// "1 hour 30 minutes", "2 seconds", "100 milliseconds"), and ISO-8601
// ("PT10M", "PT1H30M", "P1D", "PT0.5S"). Fractions are allowed ("1.5h").
// A day is 24 hours and a week 7 days here; calendar units belong to windows.
//
// Compact and words are one grammar: one or more <number> [spaces] <unit>,
// optionally separated by spaces or " and ", the whole optionally opened by
// Spark's "interval ". A number is digits with an optional '.' and digits
// ("0.5", not ".5" or "5."); below a microsecond it is truncated. Units, in
// any case: us µs micros microsecond(s), ms millis millisecond(s),
// s sec secs second(s), m min mins minute(s), h hr hrs hour(s), d day(s),
// w week(s). ISO-8601 is P[nW][nD][T[nH][nM][nS]], parts in that order, each
// at most once. Months and years (P1M, "1 month") are refused: they have no
// fixed length. Leading and trailing whitespace is ignored.
#pragma once

#include <string>
#include <string_view>

#include "base/event_time.h"

namespace sx {

// Returns the duration in microseconds. Throws usage_error quoting `text` and
// naming the accepted spellings when it is malformed, negative, a bare number
// ("10": which unit?), larger than the event-time range (kMaxEventTime -
// kMinEventTime, about 10,000 years), or zero (unless allow_zero: a watermark
// delay of 0 is meaningful, a window size of 0 is not; then "0" is accepted
// too).
Micros parse_duration(std::string_view text, bool allow_zero = false);

// The compact spelling, largest units first and no zero parts (w, d, h, m, s,
// ms, us): 5400000000 -> "1h30m", 90000000 -> "1m30s", 250000 -> "250ms",
// 1500 -> "1ms500us", 0 -> "0s". parse_duration(format_duration(d), true) == d
// for every d in 0..kMaxEventTime - kMinEventTime. A negative d is written with
// a leading '-' (for messages; parse_duration refuses it).
std::string format_duration(Micros d);

}  // namespace sx
