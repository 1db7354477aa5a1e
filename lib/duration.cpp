#include "duration.h"

#include <cctype>
#include <cstdint>

#include "error.h"

namespace sx {

namespace {

[[noreturn]] void bad(std::string_view text, const std::string& detail = "") {
  throw usage_error("invalid duration '" + std::string(text) + "'" +
                    (detail.empty() ? "" : ": " + detail) +
                    " (examples: 250ms, 90s, 10m, 1h30m, '10 minutes', PT10M)");
}

Micros unit_micros(std::string_view u) {
  static const struct {
    std::string_view name;
    Micros us;
  } kUnits[] = {
      {"us", 1}, {"\xc2\xb5s", 1}, {"microsecond", 1}, {"microseconds", 1}, {"micros", 1},
      {"ms", kMicrosPerMilli}, {"millisecond", kMicrosPerMilli}, {"milliseconds", kMicrosPerMilli},
      {"millis", kMicrosPerMilli},
      {"s", kMicrosPerSecond}, {"sec", kMicrosPerSecond}, {"secs", kMicrosPerSecond},
      {"second", kMicrosPerSecond}, {"seconds", kMicrosPerSecond},
      {"m", kMicrosPerMinute}, {"min", kMicrosPerMinute}, {"mins", kMicrosPerMinute},
      {"minute", kMicrosPerMinute}, {"minutes", kMicrosPerMinute},
      {"h", kMicrosPerHour}, {"hr", kMicrosPerHour}, {"hrs", kMicrosPerHour},
      {"hour", kMicrosPerHour}, {"hours", kMicrosPerHour},
      {"d", kMicrosPerDay}, {"day", kMicrosPerDay}, {"days", kMicrosPerDay},
      {"w", 7 * kMicrosPerDay}, {"week", 7 * kMicrosPerDay}, {"weeks", 7 * kMicrosPerDay},
  };
  for (const auto& unit : kUnits) {
    if (unit.name == u) return unit.us;
  }
  return 0;
}

// Reads "123" or "1.5" at text[*i]; returns amount * unit in micros (exact for
// up to 6 fraction digits, truncated below a microsecond).
struct Number {
  __int128 whole = 0;
  __int128 frac = 0;
  __int128 scale = 1;
};

bool read_number(std::string_view t, std::size_t* i, Number* n) {
  const std::size_t start = *i;
  while (*i < t.size() && std::isdigit(static_cast<unsigned char>(t[*i]))) {
    n->whole = n->whole * 10 + (t[*i] - '0');
    if (n->whole > (__int128)1 << 80) return false;
    ++*i;
  }
  bool digits = *i > start;
  if (*i < t.size() && t[*i] == '.') {
    ++*i;
    while (*i < t.size() && std::isdigit(static_cast<unsigned char>(t[*i]))) {
      if (n->scale < 1000000000000LL) {
        n->frac = n->frac * 10 + (t[*i] - '0');
        n->scale *= 10;
      }
      digits = true;
      ++*i;
    }
  }
  return digits;
}

__int128 apply(const Number& n, Micros unit) { return n.whole * unit + n.frac * unit / n.scale; }

Micros finish(std::string_view text, __int128 total, bool allow_zero) {
  if (total > kMaxEventTime - kMinEventTime) bad(text, "too large");
  if (total == 0 && !allow_zero) bad(text, "must be greater than zero");
  return static_cast<Micros>(total);
}

Micros parse_iso(std::string_view text, std::string_view t, bool allow_zero) {
  std::size_t i = 1;  // after 'P'
  bool in_time = false;
  bool any = false;
  __int128 total = 0;
  while (i < t.size()) {
    if (t[i] == 'T' || t[i] == 't') {
      if (in_time) bad(text);
      in_time = true;
      ++i;
      continue;
    }
    Number n;
    if (!read_number(t, &i, &n) || i >= t.size()) bad(text);
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(t[i++])));
    Micros unit = 0;
    if (!in_time && u == 'W') unit = 7 * kMicrosPerDay;
    else if (!in_time && u == 'D') unit = kMicrosPerDay;
    else if (in_time && u == 'H') unit = kMicrosPerHour;
    else if (in_time && u == 'M') unit = kMicrosPerMinute;
    else if (in_time && u == 'S') unit = kMicrosPerSecond;
    else if (!in_time && (u == 'Y' || u == 'M')) {
      bad(text, "years and months have no fixed length (calendar windows take them)");
    } else {
      bad(text);
    }
    total += apply(n, unit);
    any = true;
  }
  if (!any) bad(text);
  return finish(text, total, allow_zero);
}

}  // namespace

Micros parse_duration(std::string_view text, bool allow_zero) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  if (t.empty()) bad(text);
  if (t.front() == '-') bad(text, "negative durations are not allowed");
  if (t.front() == '+') t.remove_prefix(1);
  if (t.front() == 'P' || t.front() == 'p') return parse_iso(text, t, allow_zero);
  if (t == "0") {
    if (!allow_zero) bad(text, "must be greater than zero");
    return 0;
  }
  std::size_t i = 0;
  __int128 total = 0;
  while (i < t.size()) {
    Number n;
    if (!read_number(t, &i, &n)) bad(text);
    while (i < t.size() && t[i] == ' ') ++i;
    const std::size_t u0 = i;
    while (i < t.size() && (std::isalpha(static_cast<unsigned char>(t[i])) ||
                            static_cast<unsigned char>(t[i]) >= 0x80)) {
      ++i;
    }
    if (i == u0) bad(text, "a number needs a unit");
    std::string unit(t.substr(u0, i - u0));
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const Micros us = unit_micros(unit);
    if (us == 0) {
      if (unit == "mo" || unit == "month" || unit == "months" || unit == "y" || unit == "year" ||
          unit == "years") {
        bad(text, "years and months have no fixed length (calendar windows take them)");
      }
      bad(text, "unknown unit '" + unit + "'");
    }
    total += apply(n, us);
    if (total > (__int128)1 << 70) bad(text, "too large");
    while (i < t.size() && t[i] == ' ') ++i;
    if (t.substr(i).starts_with("and ")) i += 4;
  }
  return finish(text, total, allow_zero);
}

std::string format_duration(Micros d) {
  if (d == 0) return "0s";
  std::string out;
  if (d < 0) {
    out = "-";
    d = -d;
  }
  static const struct {
    Micros us;
    const char* name;
  } kUnits[] = {{7 * kMicrosPerDay, "w"}, {kMicrosPerDay, "d"},     {kMicrosPerHour, "h"},
                {kMicrosPerMinute, "m"},  {kMicrosPerSecond, "s"},  {kMicrosPerMilli, "ms"},
                {1, "us"}};
  for (const auto& u : kUnits) {
    if (d >= u.us) {
      out += std::to_string(d / u.us) + u.name;
      d %= u.us;
    }
  }
  return out;
}

}  // namespace sx
