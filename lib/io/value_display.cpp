#include "io/value_display.h"

#include <charconv>

#include "base/error.h"

namespace sx {

bool is_double_text(std::string_view number) {
  return number.find_first_of(".eE") != std::string_view::npos;
}

bool append_rounded(std::string& out, std::string_view number, int digits) {
  if (!is_double_text(number) || digits < 0 || digits > kMaxPrecision) return false;
  double d = 0;
  const char* end = number.data() + number.size();
  const auto parsed = std::from_chars(number.data(), end, d);
  if (parsed.ec != std::errc() || parsed.ptr != end) return false;
  // 1e308 in fixed notation is 309 digits, plus the point and the fraction.
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, digits);
  if (r.ec != std::errc()) return false;
  const char* begin = buf;
  if (buf[0] == '-') {
    bool zero = true;
    for (const char* p = buf + 1; p < r.ptr && zero; ++p) zero = *p == '0' || *p == '.';
    if (zero) ++begin;
  }
  out.append(begin, static_cast<std::size_t>(r.ptr - begin));
  return true;
}

namespace {

TimeParser make_clock(std::string_view zone) {
  try {
    return TimeParser("iso8601", zone);
  } catch (const Error& e) {
    throw usage_error(std::string("--time-zone: ") + e.what());
  }
}

}  // namespace

ZoneShower::ZoneShower(std::string_view zone) : clock_(make_clock(zone)) {}

std::size_t ZoneShower::format(EventTime t, char* buf) const {
  if (clock_.is_utc()) return format_time(t, buf);
  return format_time_at_offset(t, clock_.utc_offset(t.us), buf);
}

}  // namespace sx
