// guess_line_format (io/line_format.h): the format a line looks like, by
// cheap tests in this order, the first that holds:
//   ndjson    starts with '{' (after blanks)
//   combined  HOST IDENT USER [dd/Mon/yyyy:hh:mm:ss zone] "REQUEST" NNN BYTES "REF" "UA"
//   clf       the same up to BYTES, without the quoted referer and user agent
//   syslog    <PRI> (RFC 5424 and 3164 on the wire), or "Mon dd hh:mm:ss host " (RFC 3164
//             as files hold it)
//   logfmt    at least two tokens, and at least half of them, are key=value
//   tsv       a tab
//   csv       a comma, and no cell (quotes respected) starting with a blank: exports
//             write "a,b"; prose ("Oct 10, 2024") has a blank after its commas
// else "". Only a hint for messages: it never decides how a line is read.
#include <string>

#include "io/line_format.h"

namespace sx {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// A cursor over the line: every read is bounds-checked.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool at_end() const { return i >= s.size(); }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  // n (>= 1) characters satisfying `pred`.
  template <typename Pred>
  bool eat_n(std::size_t n, Pred pred) {
    if (s.size() - i < n) return false;
    for (std::size_t k = 0; k < n; ++k) {
      if (!pred(s[i + k])) return false;
    }
    i += n;
    return true;
  }
  // A non-empty run of characters other than ' ' (and tab).
  bool token() {
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    return i > start;
  }
  // A double-quoted string (a backslash escapes the next character), the
  // cursor on its opening quote.
  bool quoted() {
    if (!eat('"')) return false;
    while (i < s.size()) {
      if (s[i] == '\\') {
        i += 2;
      } else if (s[i] == '"') {
        ++i;
        return true;
      } else {
        ++i;
      }
    }
    i = s.size();
    return false;
  }
};

constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";

bool month_at(std::string_view s, std::size_t i) {
  if (i > s.size() || s.size() - i < 3) return false;
  const std::string_view m = s.substr(i, 3);
  for (std::size_t k = 0; k < kMonths.size(); k += 3) {
    if (kMonths.substr(k, 3) == m) return true;
  }
  return false;
}

// "clf", "combined", or "" (see the top of the file).
std::string_view access_log(std::string_view line) {
  Cursor c{line};
  if (!c.token() || !c.eat(' ')) return "";  // host
  if (!c.token() || !c.eat(' ')) return "";  // ident
  if (!c.token() || !c.eat(' ')) return "";  // user
  // [10/Oct/2024:13:55:36 +0200]
  if (!c.eat('[') || !c.eat_n(2, is_digit) || !c.eat('/')) return "";
  if (!month_at(line, c.i)) return "";
  c.i += 3;
  if (!c.eat('/') || !c.eat_n(4, is_digit) || !c.eat(':')) return "";
  while (!c.at_end() && line[c.i] != ']') ++c.i;
  if (!c.eat(']') || !c.eat(' ')) return "";
  if (!c.quoted() || !c.eat(' ')) return "";  // "GET / HTTP/1.1"
  if (!c.eat_n(3, is_digit) || !c.eat(' ')) return "";
  if (!c.eat('-') && !c.eat_n(1, is_digit)) return "";
  while (!c.at_end() && is_digit(line[c.i])) ++c.i;
  if (c.at_end()) return "clf";
  Cursor rest = c;
  if (rest.eat(' ') && rest.quoted() && rest.eat(' ') && rest.quoted()) return "combined";
  return c.s[c.i] == ' ' ? "clf" : "";
}

bool syslog_line(std::string_view line) {
  Cursor c{line};
  if (c.eat('<')) {  // <PRI>: 1 to 3 digits
    std::size_t digits = 0;
    while (!c.at_end() && is_digit(line[c.i]) && digits < 4) {
      ++c.i;
      ++digits;
    }
    return digits >= 1 && digits <= 3 && c.eat('>');
  }
  // Oct 10 13:55:36 host ... (the day padded with a blank: "Oct  1")
  if (!month_at(line, 0)) return false;
  c.i = 3;
  if (!c.eat(' ')) return false;
  if (!c.eat(' ') && !c.eat_n(1, is_digit)) return false;
  if (!c.eat_n(1, is_digit) || !c.eat(' ')) return false;
  if (!c.eat_n(2, is_digit) || !c.eat(':') || !c.eat_n(2, is_digit) || !c.eat(':') ||
      !c.eat_n(2, is_digit) || !c.eat(' ')) {
    return false;
  }
  return c.token();  // the host
}

bool logfmt_line(std::string_view line) {
  std::size_t tokens = 0, pairs = 0;
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= n) break;
    ++tokens;
    // key: [A-Za-z_][A-Za-z0-9_.-]*, then '='
    std::size_t k = i;
    if (is_alpha(line[k]) || line[k] == '_') {
      ++k;
      while (k < n && (is_alpha(line[k]) || is_digit(line[k]) || line[k] == '_' || line[k] == '.' ||
                       line[k] == '-')) {
        ++k;
      }
    }
    const bool pair = k > i && k < n && line[k] == '=';
    if (pair) ++pairs;
    // the rest of the token: a quoted value may hold blanks
    i = pair ? k + 1 : i;
    if (pair && i < n && line[i] == '"') {
      Cursor c{line, i};
      c.quoted();
      i = c.i;
    }
    while (i < n && line[i] != ' ' && line[i] != '\t') ++i;
  }
  return pairs >= 2 && pairs * 2 >= tokens;
}

bool csv_line(std::string_view line) {
  bool comma = false;
  bool cell_start = true;
  bool in_quotes = false;
  for (const char ch : line) {
    if (in_quotes) {
      if (ch == '"') in_quotes = false;  // "" re-enters at the next quote
      continue;
    }
    if (cell_start && (ch == ' ' || ch == '\t')) return false;
    if (ch == ',') {
      comma = true;
      cell_start = true;
      continue;
    }
    if (ch == '"') in_quotes = true;
    cell_start = false;
  }
  return comma;
}

}  // namespace

std::string guess_line_format(std::string_view line) {
  std::size_t b = 0;
  while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
  if (b < line.size() && line[b] == '{') return "ndjson";
  const std::string_view access = access_log(line);
  if (!access.empty()) return std::string(access);
  if (syslog_line(line)) return "syslog";
  if (logfmt_line(line)) return "logfmt";
  if (line.find('\t') != std::string_view::npos) return "tsv";
  if (csv_line(line)) return "csv";
  return "";
}

}  // namespace sx
