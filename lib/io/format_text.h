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

}  // namespace sx::formats
