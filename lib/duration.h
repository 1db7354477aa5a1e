// Durations in the three spellings of sx(7): compact ("250ms", "90s", "10m",
// "1h30m", "2d", "1w", "500us"), Spark's words ("10 minutes", "1 hour",
// "1 hour 30 minutes", "2 seconds", "100 milliseconds"), and ISO-8601
// ("PT10M", "PT1H30M", "P1D", "PT0.5S"). Fractions are allowed ("1.5h").
// A day is 24 hours and a week 7 days here; calendar units belong to windows.
#pragma once

#include <string>
#include <string_view>

#include "event_time.h"

namespace sx {

// Returns the duration in microseconds. Throws usage_error quoting `text` and
// naming the accepted spellings when it is malformed, negative, too large, or
// zero (unless allow_zero: a watermark delay of 0 is meaningful, a window size
// of 0 is not).
Micros parse_duration(std::string_view text, bool allow_zero = false);

// The shortest compact spelling: 5400000000 -> "1h30m", 250000 -> "250ms",
// 0 -> "0s". parse_duration(format_duration(d)) == d.
std::string format_duration(Micros d);

}  // namespace sx
