// The factories of sx-read's input formats (line_format.h), one per file:
// format_csv.cpp (csv, tsv), format_logfmt.cpp, format_clf.cpp (clf,
// combined), format_syslog.cpp, format_regex.cpp, line_format.cpp (lines).
// Internal to lib/io: use make_line_format.
#pragma once

#include <memory>
#include <string_view>

#include "io/line_format.h"

namespace sx::formats {

std::unique_ptr<LineFormat> make_lines();
std::unique_ptr<LineFormat> make_csv(char separator, const FormatOptions& options);
std::unique_ptr<LineFormat> make_logfmt();
std::unique_ptr<LineFormat> make_clf(bool combined, bool fast = true);
std::unique_ptr<LineFormat> make_syslog(const FormatOptions& options);
// Throws usage_error for a pattern that does not compile or has no named group.
std::unique_ptr<LineFormat> make_regex(std::string_view pattern);

}  // namespace sx::formats
