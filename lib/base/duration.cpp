#include "base/duration.h"

#include <cctype>
#include <cstdint>
#include <iterator>

#include "base/error.h"

namespace sx {

namespace {

[[noreturn]] void bad(std::string_view text, const std::string& detail = "") {
  throw usage_error("invalid duration '" + std::string(text) + "'" +
                    (detail.empty() ? "" : ": " + detail) +
                    " (examples: 250ms, 90s, 10m, 1h30m, '10 minutes', PT10M)");
}

constexpr const char* kCalendar =
    "months and years have no fixed length; calendar months belong to windows, not durations";

// The largest accepted duration: the whole accepted event-time range.
constexpr __int128 kMaxDuration = static_cast<__int128>(kMaxEventTime) - kMinEventTime;

constexpr Micros kMicrosPerWeek = 7 * kMicrosPerDay;

// Unit words, lower case. 0 for an unknown word.
Micros unit_micros(std::string_view u) {
  static const struct {
    std::string_view name;
    Micros us;
  } kUnits[] = {
      {"us", 1},
      {"\xc2\xb5s", 1},  // µs
      {"micros", 1},
      {"microsecond", 1},
      {"microseconds", 1},
      {"ms", kMicrosPerMilli},
      {"millis", kMicrosPerMilli},
      {"millisecond", kMicrosPerMilli},
      {"milliseconds", kMicrosPerMilli},
      {"s", kMicrosPerSecond},
      {"sec", kMicrosPerSecond},
      {"secs", kMicrosPerSecond},
      {"second", kMicrosPerSecond},
      {"seconds", kMicrosPerSecond},
      {"m", kMicrosPerMinute},
      {"min", kMicrosPerMinute},
      {"mins", kMicrosPerMinute},
      {"minute", kMicrosPerMinute},
      {"minutes", kMicrosPerMinute},
      {"h", kMicrosPerHour},
      {"hr", kMicrosPerHour},
      {"hrs", kMicrosPerHour},
      {"hour", kMicrosPerHour},
      {"hours", kMicrosPerHour},
      {"d", kMicrosPerDay},
      {"day", kMicrosPerDay},
      {"days", kMicrosPerDay},
      {"w", kMicrosPerWeek},
      {"week", kMicrosPerWeek},
      {"weeks", kMicrosPerWeek},
  };
  for (const auto& unit : kUnits) {
    if (unit.name == u) return unit.us;
  }
  return 0;
}

bool is_calendar_word(std::string_view u) {
  for (std::string_view w :
       {"mo", "mon", "mons", "month", "months", "y", "yr", "yrs", "year", "years"}) {
    if (u == w) return true;
  }
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A decimal "123" or "1.5": digits, then optionally '.' and digits (both
// sides need a digit). Digits beyond 12 fraction places are ignored.
struct Number {
  __int128 whole = 0;
  __int128 frac = 0;
  __int128 scale = 1;
};

// Reads a Number at t[*i]; false when there is none. Throws when it is too
// large to be any duration.
bool read_number(std::string_view text, std::string_view t, std::size_t* i, Number* n) {
  const std::size_t w0 = *i;
  for (; *i < t.size() && is_digit(t[*i]); ++*i) {
    n->whole = n->whole * 10 + (t[*i] - '0');
    if (n->whole > kMaxDuration) bad(text, "too large");
  }
  if (*i == w0) return false;
  if (*i < t.size() && t[*i] == '.') {
    const std::size_t f0 = ++*i;
    for (; *i < t.size() && is_digit(t[*i]); ++*i) {
      if (n->scale < 1000000000000LL) {
        n->frac = n->frac * 10 + (t[*i] - '0');
        n->scale *= 10;
      }
    }
    if (*i == f0) return false;
  }
  return true;
}

// amount * unit in micros, truncated below a microsecond. whole <= kMaxDuration
// (< 2^59) and unit <= a week (< 2^40), so this cannot overflow 128 bits.
__int128 apply(const Number& n, Micros unit) { return n.whole * unit + n.frac * unit / n.scale; }

void add(std::string_view text, __int128* total, const Number& n, Micros unit) {
  *total += apply(n, unit);
  if (*total > kMaxDuration) bad(text, "too large");
}

Micros finish(std::string_view text, __int128 total, bool allow_zero) {
  if (total == 0 && !allow_zero) bad(text, "must be greater than zero");
  return static_cast<Micros>(total);
}

// ISO-8601 "P[nW][nD][T[nH][nM][nS]]", each part at most once and in this
// order; only the seconds may have a fraction in the standard, but any part
// may here ("PT1.5H"). `t` starts at the 'P'.
Micros parse_iso(std::string_view text, std::string_view t, bool allow_zero) {
  static const struct {
    char letter;
    bool in_time;
    Micros us;
  } kParts[] = {{'W', false, kMicrosPerWeek},
                {'D', false, kMicrosPerDay},
                {'H', true, kMicrosPerHour},
                {'M', true, kMicrosPerMinute},
                {'S', true, kMicrosPerSecond}};
  std::size_t i = 1;  // after 'P'
  std::size_t next_part = 0;
  bool in_time = false;
  bool any = false;
  bool time_part = false;
  __int128 total = 0;
  while (i < t.size()) {
    if (t[i] == 'T' || t[i] == 't') {
      if (in_time) bad(text, "a second 'T'");
      in_time = true;
      ++i;
      continue;
    }
    Number n;
    if (!read_number(text, t, &i, &n) || i >= t.size()) bad(text);
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(t[i++])));
    if (u == 'Y' || (u == 'M' && !in_time)) bad(text, kCalendar);
    std::size_t k = next_part;
    while (k < std::size(kParts) && !(kParts[k].letter == u && kParts[k].in_time == in_time)) ++k;
    if (k == std::size(kParts)) {
      bad(text, std::string("unexpected '") + u + "' (ISO-8601 order: PnWnDTnHnMnS)");
    }
    next_part = k + 1;
    add(text, &total, n, kParts[k].us);
    any = true;
    time_part = time_part || in_time;
  }
  if (!any) bad(text, "no parts");
  if (in_time && !time_part) bad(text, "nothing after 'T'");
  return finish(text, total, allow_zero);
}

bool starts_with_word(std::string_view t, std::string_view word) {
  if (t.size() <= word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t[i])) != word[i]) return false;
  }
  return t[word.size()] == ' ';
}

void skip_spaces(std::string_view t, std::size_t* i) {
  while (*i < t.size() && t[*i] == ' ') ++*i;
}

}  // namespace

Micros parse_duration(std::string_view text, bool allow_zero) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  // Spark's interval literal may open with the word "interval".
  if (starts_with_word(t, "interval")) {
    t.remove_prefix(8);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  }
  if (t.empty()) bad(text);
  if (t.front() == '-') bad(text, "negative durations are not allowed");
  if (t.front() == 'P' || t.front() == 'p') return parse_iso(text, t, allow_zero);
  if (t == "0") {
    if (!allow_zero) bad(text, "must be greater than zero");
    return 0;
  }
  // Compact and words alike: <number> [spaces] <unit> [spaces] [and ], repeated.
  std::size_t i = 0;
  __int128 total = 0;
  while (i < t.size()) {
    Number n;
    if (!read_number(text, t, &i, &n)) bad(text);
    skip_spaces(t, &i);
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
      if (is_calendar_word(unit)) bad(text, kCalendar);
      bad(text, "unknown unit '" + unit + "'");
    }
    add(text, &total, n, us);
    skip_spaces(t, &i);
    if (starts_with_word(t.substr(i), "and")) {
      i += 3;
      skip_spaces(t, &i);
    }
  }
  return finish(text, total, allow_zero);
}

std::string format_duration(Micros d) {
  if (d == 0) return "0s";
  std::string out;
  // Unsigned, so that the most negative value has a magnitude too.
  std::uint64_t left = static_cast<std::uint64_t>(d);
  if (d < 0) {
    out = "-";
    left = 0 - left;
  }
  static const struct {
    std::uint64_t us;
    const char* name;
  } kUnits[] = {{kMicrosPerWeek, "w"},
                {kMicrosPerDay, "d"},
                {kMicrosPerHour, "h"},
                {kMicrosPerMinute, "m"},
                {kMicrosPerSecond, "s"},
                {kMicrosPerMilli, "ms"},
                {1, "us"}};
  for (const auto& u : kUnits) {
    if (left >= u.us) {
      out += std::to_string(left / u.us) + u.name;
      left %= u.us;
    }
  }
  return out;
}

}  // namespace sx
