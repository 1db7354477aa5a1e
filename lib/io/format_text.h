// Helpers of the hand-written input formats (format_clf.cpp,
// format_syslog.cpp): their per-line paths, 8 bytes at a time.
// Internal to lib/io.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "io/json.h"
#include "io/line_format.h"

namespace sx::formats {

namespace text_detail {
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
// Nonzero when some byte of w is zero (exact as a yes/no).
constexpr std::uint64_t has_zero(std::uint64_t w) { return (w - kOnes) & ~w & kHighs; }
// Nonzero when some byte of w is below n (n <= 128; exact as a yes/no).
constexpr std::uint64_t has_below(std::uint64_t w, std::uint64_t n) {
  return (w - n * kOnes) & ~w & kHighs;
}
inline std::uint64_t load(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
}  // namespace text_detail

// Whether s holds a byte that JSON must escape: '"', '\\' or a control
// character below 0x20.
inline bool needs_json_escape(std::string_view s) {
  using namespace text_detail;
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint64_t w = load(p);
    if (has_below(w, 0x20) | has_zero(w ^ (0x22 * kOnes)) | has_zero(w ^ (0x5c * kOnes))) {
      return true;
    }
  }
  for (; n > 0; ++p, --n) {
    if (static_cast<unsigned char>(*p) < 0x20 || *p == '"' || *p == '\\') return true;
  }
  return false;
}

// Whether s is a "clean" line: ASCII, no control character, no backslash,
// and exactly `quotes` double quotes (at most 8), whose offsets go to at[]
// when given. In such a line no field needs a JSON escape, and a quoted field
// ends at the next quote.
inline bool is_clean_line(std::string_view s, unsigned quotes, std::size_t* at = nullptr) {
  using namespace text_detail;
  constexpr std::uint64_t kLows = 0x7f7f7f7f7f7f7f7fULL;
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t bad = 0;
  unsigned found = 0;
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint64_t w = load(p);
    bad |= (w & kHighs) | has_below(w, 0x20) | has_zero(w ^ (0x5c * kOnes));
    // The quotes, counted exactly: a byte of x is zero iff the byte was '"'.
    const std::uint64_t x = w ^ (0x22 * kOnes);
    std::uint64_t q = ~(((x & kLows) + kLows) | x) & kHighs;
    for (; q != 0; q &= q - 1, ++found) {
      if (at && found < quotes) {
        at[found] = static_cast<std::size_t>(p - s.data()) +
                    static_cast<std::size_t>(__builtin_ctzll(q)) / 8;
      }
    }
  }
  for (; n > 0; ++p, --n) {
    const auto c = static_cast<unsigned char>(*p);
    bad |= c >= 0x80 || c < 0x20 || c == '\\';
    if (c == '"') {
      if (at && found < quotes) at[found] = static_cast<std::size_t>(p - s.data());
      ++found;
    }
  }
  return bad == 0 && found == quotes;
}

// Appends a string literal: its length is known, no strlen per record.
template <std::size_t N>
inline void lit(std::string& o, const char (&s)[N]) {
  o.append(s, N - 1);
}

// append_json_string, with the common case (nothing to escape) as one append.
inline void append_string(std::string& o, std::string_view s) {
  if (needs_json_escape(s)) {
    append_json_string(o, s);
    return;
  }
  o.push_back('"');
  o.append(s);
  o.push_back('"');
}

// The position of the first '"' or '\\' in s from `from`, or s.size().
inline std::size_t find_quote_or_backslash(std::string_view s, std::size_t from) {
  using namespace text_detail;
  std::size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    const std::uint64_t w = load(s.data() + i);
    if (has_zero(w ^ (0x22 * kOnes)) | has_zero(w ^ (0x5c * kOnes))) break;
  }
  while (i < s.size() && s[i] != '"' && s[i] != '\\') ++i;
  return i;
}

// The base of the hand-written text formats (clf, combined, syslog): a
// cursor over the line being converted, and the messages that say where a
// line stopped matching.
class TextFormat : public LineFormat {
 public:
  void want_key(std::string_view key) override { wanted_ = key; }
  std::size_t wanted_at() const override { return wanted_at_; }

 protected:
  // Just after writing '"key":' to o: notes where the value goes when `key`
  // is the one sx-read reads (want_key).
  void mark(const std::string& o, std::string_view key) {
    if (key == wanted_) wanted_at_ = o.size();
  }
  // The same for a record built elsewhere: its value of `key` is at `at`.
  void mark_at(std::size_t at, std::string_view key) {
    wanted_at_ = key == wanted_ ? at : std::string::npos;
  }

  // The start of convert(): drops a final '\r'; a blank line is kSkip, a
  // line that is not UTF-8 kBad; otherwise sets the cursor to the line's
  // start, clears *out and returns kRecord (go on).
  LineResult begin(std::string_view line, std::string* out, std::string* why) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return LineResult::kSkip;
    if (!is_valid_utf8(line)) {
      *why = "invalid UTF-8";
      return LineResult::kBad;
    }
    line_ = line;
    pos_ = 0;
    why_ = why;
    wanted_at_ = std::string::npos;
    out->clear();
    return LineResult::kRecord;
  }

  // *why = "expected WHAT at column N" (N from 1, in bytes); kBad.
  LineResult fail(std::string_view what, std::size_t at) {
    why_->assign("expected ");
    why_->append(what);
    why_->append(" at column ");
    why_->append(std::to_string(at + 1));
    return LineResult::kBad;
  }

  // One space at the cursor, else "expected a space after AFTER".
  bool space(std::string_view after) {
    if (pos_ < line_.size() && line_[pos_] == ' ') {
      ++pos_;
      return true;
    }
    std::string what = "a space after ";
    what.append(after);
    fail(what, pos_);
    return false;
  }

  std::string_view line_;
  std::size_t pos_ = 0;
  std::string* why_ = nullptr;

 private:
  std::string wanted_;
  std::size_t wanted_at_ = std::string::npos;
};

}  // namespace sx::formats
