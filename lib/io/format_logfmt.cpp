// --format logfmt (sx-read(1), INPUT FORMATS), as Heroku and go-logfmt
// write it: pairs `key=value` separated by spaces or tabs,
//   at=info method=GET path="/a b" status=200 dur=0.25 cached
// A value in double quotes may hold spaces and JSON's escapes (\" \\ \n
// \uXXXX ...). An unquoted value runs to the next space ('=' and '"' in it
// are taken literally) and is a number, true, false or null when it is one
// as JSON writes it, else a string; a quoted value is always a string; a
// bare key is true; `key=` is "". A key given twice: its last value, at its
// first place.
//
// Bad lines: a quote not closed, text right after a closing quote, an
// invalid escape, a '=' with no key before it, a quote in a key, invalid
// UTF-8, and a line with no key=value pair at all (plain text: read it with
// --format lines). A blank line is no record.
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_reader.h"
#include "io/formats.h"
#include "io/json.h"

namespace sx::formats {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
unsigned hex_value(std::string_view s) {
  unsigned v = 0;
  for (const char c : s) {
    v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

class LogfmtFormat final : public LineFormat {
 public:
  const char* name() const override { return "logfmt"; }

  LineResult convert(std::string_view line, std::string* out, std::string* why) override {
    if (!is_valid_utf8(line)) {
      *why = "invalid UTF-8";
      return LineResult::kBad;
    }
    pairs_.clear();
    values_.clear();
    bool any_value = false;
    const std::size_t n = line.size();
    std::size_t i = 0;
    for (;;) {
      while (i < n && is_space(line[i])) ++i;
      if (i == n) break;
      const std::size_t key_begin = i;
      while (i < n && !is_space(line[i]) && line[i] != '=') {
        if (line[i] == '"') return bad(why, "a quote in a key", i);
        ++i;
      }
      if (i == key_begin) return bad(why, "a '=' with no key before it", i);
      Pair pair{line.substr(key_begin, i - key_begin), values_.size(), 0};
      if (i == n || line[i] != '=') {
        values_.append("true");  // a bare key
      } else if (++i < n && line[i] == '"') {
        any_value = true;
        if (!quoted(line, &i, why)) return LineResult::kBad;
        if (i < n && !is_space(line[i])) {
          return bad(why, "text right after the closing quote", i);
        }
      } else {
        any_value = true;
        const std::size_t value_begin = i;
        while (i < n && !is_space(line[i])) ++i;
        const std::string_view value = line.substr(value_begin, i - value_begin);
        if (!value.empty() &&
            (value == "true" || value == "false" || value == "null" || is_json_number(value))) {
          values_.append(value);
        } else {
          append_json_string(values_, value);
        }
      }
      pair.end = values_.size();
      pairs_.push_back(pair);
    }
    if (pairs_.empty()) return LineResult::kSkip;
    if (!any_value) {
      why->assign("no key=value pair (plain text? read it with --format lines)");
      return LineResult::kBad;
    }
    out->clear();
    out->push_back('{');
    bool first = true;
    for (std::size_t p = 0; p < pairs_.size(); ++p) {
      const Pair* value = &pairs_[p];
      bool seen = false;  // the key came before: written there
      for (std::size_t q = 0; q < p && !seen; ++q) seen = pairs_[q].key == pairs_[p].key;
      if (seen) continue;
      for (std::size_t q = p + 1; q < pairs_.size(); ++q) {
        if (pairs_[q].key == pairs_[p].key) value = &pairs_[q];
      }
      if (!first) out->push_back(',');
      first = false;
      append_json_string(*out, pairs_[p].key);
      out->push_back(':');
      out->append(values_, value->begin, value->end - value->begin);
    }
    out->push_back('}');
    return LineResult::kRecord;
  }

 private:
  struct Pair {
    std::string_view key;
    std::size_t begin, end;  // its value's JSON text in values_
  };

  // *why = "WHAT at column N", then `advice` if any.
  static LineResult bad(std::string* why, std::string_view what, std::size_t at,
                        std::string_view advice = {}) {
    why->assign(what);
    why->append(" at column ");
    why->append(std::to_string(at + 1));
    why->append(advice);
    return LineResult::kBad;
  }

  // The quoted value at line[*i] (its opening quote) as a JSON string in
  // values_; *i after its closing quote. Its escapes are JSON's, kept as
  // they are; a control character is escaped.
  bool quoted(std::string_view line, std::size_t* i, std::string* why) {
    const std::size_t open = *i;
    const std::size_t n = line.size();
    std::size_t k = open + 1;
    values_.push_back('"');
    for (;;) {
      if (k >= n) {
        bad(why, "a quoted value not closed: its quote is", open,
            " (write a quote inside it as \\\")");
        return false;
      }
      const char c = line[k];
      if (c == '"') break;
      if (c == '\\') {
        const char e = k + 1 < n ? line[k + 1] : '\0';
        if (e == 'u') {
          std::size_t len = escape_u(line, k);
          if (len == 0) {
            bad(why, "an invalid \\u escape", k,
                " (write \\uXXXX; U+10000 and up as a surrogate pair)");
            return false;
          }
          values_.append(line, k, len);
          k += len;
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
            e != 't') {
          bad(why, "an invalid escape", k, " (write \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
          return false;
        }
        values_.append(line, k, 2);
        k += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        values_.append("\\u00");
        values_.push_back(kHex[(c >> 4) & 0xF]);
        values_.push_back(kHex[c & 0xF]);
      } else {
        values_.push_back(c);
      }
      ++k;
    }
    values_.push_back('"');
    *i = k + 1;
    return true;
  }

  // The length of the \u escape at line[k] (12 for a surrogate pair), or 0
  // when it is not valid JSON text for a code point.
  static std::size_t escape_u(std::string_view line, std::size_t k) {
    auto hex4 = [&](std::size_t at) {
      if (at + 6 > line.size() || line[at] != '\\' || line[at + 1] != 'u') return -1;
      for (std::size_t j = at + 2; j < at + 6; ++j) {
        if (!is_hex(line[j])) return -1;
      }
      return static_cast<int>(hex_value(line.substr(at + 2, 4)));
    };
    const int cp = hex4(k);
    if (cp < 0) return 0;
    if (cp >= 0xDC00 && cp < 0xE000) return 0;  // a low surrogate alone
    if (cp < 0xD800 || cp >= 0xDC00) return 6;
    const int lo = hex4(k + 6);
    return lo >= 0xDC00 && lo < 0xE000 ? 12 : 0;
  }

  std::vector<Pair> pairs_;  // the line's pairs, reused
  std::string values_;       // their values' JSON texts, back to back
};

}  // namespace

std::unique_ptr<LineFormat> make_logfmt() { return std::make_unique<LogfmtFormat>(); }

}  // namespace sx::formats
