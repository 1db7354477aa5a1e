// Spark's datetime patterns (java.time.format.DateTimeFormatter letters, the
// subset sx-expr(7) lists) for date_format, from_unixtime, to_timestamp and
// unix_timestamp, always in UTC (Spark's default session time zone here).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sx::expr {

// Appends instant `us` formatted with `pattern`: y yyyy yy, M MM MMM MMMM,
// d dd, H HH, h hh, m mm, s ss, S..S (fraction digits), a, E EEE EEEE, D,
// XXX/xxx/Z (always Z / +00:00 / +0000: UTC), 'quoted text', '' for a quote.
// Returns false with *why for a letter sx does not know.
bool format_java_time(std::string& out, std::int64_t us, std::string_view pattern,
                      std::string* why);

// The same pattern as a strftime pattern for TimeParser (parsing), or false
// with *why. Fractions (.SSS after ss) are parsed by %S.
bool java_to_strftime(std::string_view pattern, std::string* out, std::string* why);

}  // namespace sx::expr
