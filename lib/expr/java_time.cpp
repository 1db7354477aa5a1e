#include "expr/java_time.h"

#include <charconv>

#include "base/event_time.h"

namespace sx::expr {
namespace {

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

void append_num(std::string& out, std::int64_t v, std::size_t width) {
  char buf[24];
  const bool neg = v < 0;
  const auto r = std::to_chars(buf, buf + sizeof buf, neg ? -v : v);
  const std::size_t n = static_cast<std::size_t>(r.ptr - buf);
  if (neg) out += '-';
  if (n < width) out.append(width - n, '0');
  out.append(buf, n);
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Walks a java.time pattern once for both of its uses: quoted text ('...',
// with '' for an apostrophe, inside quotes or out) and other non-letters go
// to literal(c); each run of one letter to letter(ch, n, i), where i is the
// index after the run (the callback may move it on). Stops at the first
// letter() that returns false.
template <class Literal, class Letter>
bool walk_pattern(std::string_view pattern, Literal&& literal, Letter&& letter) {
  for (std::size_t i = 0; i < pattern.size();) {
    const char ch = pattern[i];
    if (ch == '\'') {
      std::size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '\'') {
        literal('\'');
        i = j + 1;
        continue;
      }
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            literal('\'');
            j += 2;
            continue;
          }
          break;
        }
        literal(pattern[j++]);
      }
      i = j + 1;
      continue;
    }
    if (!is_letter(ch)) {
      literal(ch);
      ++i;
      continue;
    }
    std::size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == ch) ++n;
    i += n;
    if (!letter(ch, n, i)) return false;
  }
  return true;
}

}  // namespace

bool format_java_time(std::string& out, std::int64_t us, std::string_view pattern,
                      std::string* why) {
  const std::int64_t days = floor_div(us, kMicrosPerDay);
  const std::int64_t rest = us - days * kMicrosPerDay;
  const CivilDate c = civil_from_days(days);
  const std::int64_t secs = rest / kMicrosPerSecond;
  const std::int64_t hour = secs / 3600, minute = secs / 60 % 60, second = secs % 60;
  const std::int64_t micros = rest % kMicrosPerSecond;
  const int dow = static_cast<int>(floor_mod(days + 3, 7));  // 0 = Monday (1970-01-01 a Thursday)
  return walk_pattern(
      pattern, [&](char c) { out += c; },
      [&](char ch, std::size_t n, std::size_t&) {
        switch (ch) {
          case 'y':
          case 'u':
            if (n == 2)
              append_num(out, floor_mod(c.year, 100), 2);
            else
              append_num(out, c.year, n);
            break;
          case 'M':
          case 'L':
            if (n >= 4)
              out += kMonths[c.month - 1];
            else if (n == 3)
              out.append(kMonths[c.month - 1], 3);
            else
              append_num(out, c.month, n);
            break;
          case 'd':
            append_num(out, c.day, n);
            break;
          case 'D':
            append_num(out, days - days_from_civil(c.year, 1, 1) + 1, n);
            break;
          case 'H':
            append_num(out, hour, n);
            break;
          case 'h':
            append_num(out, hour % 12 == 0 ? 12 : hour % 12, n);
            break;
          case 'k':
            append_num(out, hour == 0 ? 24 : hour, n);
            break;
          case 'K':
            append_num(out, hour % 12, n);
            break;
          case 'm':
            append_num(out, minute, n);
            break;
          case 's':
            append_num(out, second, n);
            break;
          case 'S': {
            std::string f;
            append_num(f, micros, 6);
            f.append(3, '0');  // nanoseconds
            out.append(f, 0, std::min<std::size_t>(n, 9));
            break;
          }
          case 'a':
            out += hour < 12 ? "AM" : "PM";
            break;
          case 'E':
            if (n >= 4)
              out += kDays[dow];
            else
              out.append(kDays[dow], 3);
            break;
          case 'X':
            out += n == 1 ? "Z" : "Z";
            break;
          case 'x':
            out += n == 1 ? "+00" : n == 2 || n == 4 ? "+0000" : "+00:00";
            break;
          case 'Z':
            out += n <= 3 ? "+0000" : n == 4 ? "GMT" : "Z";
            break;
          default:
            *why = std::string("the pattern letter '") + ch + "' is not supported (see sx-expr(7))";
            return false;
        }
        return true;
      });
}

bool java_to_strftime(std::string_view pattern, std::string* out, std::string* why) {
  out->clear();
  return walk_pattern(
      pattern,
      [&](char c) {
        if (c == '%') *out += '%';
        *out += c;
      },
      [&](char ch, std::size_t n, std::size_t& i) {
        switch (ch) {
          case 'y':
          case 'u':
            *out += n == 2 ? "%y" : "%Y";
            break;
          case 'M':
          case 'L':
            *out += n >= 3 ? "%b" : "%m";
            break;
          case 'd':
            *out += "%d";
            break;
          case 'H':
            *out += "%H";
            break;
          case 'h':
            *out += "%I";
            break;
          case 'm':
            *out += "%M";
            break;
          case 's':
            *out += "%S";
            // ss.SSS: %S reads the fraction too.
            if (i + 1 < pattern.size() && (pattern[i] == '.' || pattern[i] == ',') &&
                pattern[i + 1] == 'S') {
              i += 1;
              while (i < pattern.size() && pattern[i] == 'S') ++i;
            }
            break;
          case 'a':
            *out += "%p";
            break;
          case 'E':
            *out += "%a";
            break;
          case 'X':
          case 'x':
          case 'Z':
            *out += "%z";
            break;
          default:
            *why = std::string("the pattern letter '") + ch + "' is not supported (see sx-expr(7))";
            return false;
        }
        return true;
      });
}

}  // namespace sx::expr
