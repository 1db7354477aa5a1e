// Eight bytes at a time in a 64-bit word (SIMD within a register), for the
// hot paths: json_scan's numbers, record_time's fractions, the JSON strings
// the input formats write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sx::swar {

[[gnu::always_inline]] inline std::uint64_t load8(const char* p) {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

// How many of the 8 bytes of x (in memory order) are digits before the first
// that is not (8: all). A byte is a digit when, xor '0', it is below 10:
// adding 0x76 sets its top bit otherwise. A carry only disturbs bytes after
// the first non-digit.
[[gnu::always_inline]] inline int leading_digits(std::uint64_t x) {
  const std::uint64_t t = x ^ 0x3030303030303030u;
  const std::uint64_t m = (t | (t + 0x7676767676767676u)) & 0x8080808080808080u;
  return m == 0 ? 8 : __builtin_ctzll(m) >> 3;
}

// The value of the first k (1..8) bytes of x, all digits: the eight-digit
// conversion, with the digits moved to the end and '0's before them.
[[gnu::always_inline]] inline std::uint64_t digits_value(std::uint64_t x, int k) {
  if (k < 8) x = (x << (8 * (8 - k))) | (0x3030303030303030u >> (8 * k));
  x -= 0x3030303030303030u;
  x = x * 10 + (x >> 8);
  return (((x & 0x000000FF000000FFu) * 0x000F424000000064u) +
          (((x >> 16) & 0x000000FF000000FFu) * 0x0000271000000001u)) >>
         32;
}

inline constexpr std::uint64_t kOnes = 0x0101010101010101u;
inline constexpr std::uint64_t kHighs = 0x8080808080808080u;

// The index of the first byte of s[from..] that JSON must escape in a string
// ('"', '\\' or a control character below 0x20), or s.size().
inline std::size_t find_json_escape(const char* s, std::size_t n, std::size_t from) {
  std::size_t i = from;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t w = load8(s + i);
    const std::uint64_t q = w ^ (0x22 * kOnes);
    const std::uint64_t b = w ^ (0x5c * kOnes);
    // A byte below 0x20, or equal to '"' or '\\' (a zero byte of q or b);
    // exact as a yes/no, then the bytes are looked at one by one.
    if ((((w - 0x20 * kOnes) & ~w) | ((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHighs) break;
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return n;
}

// Whether every byte of s is ASCII (below 0x80).
inline bool all_ascii(const char* s, std::size_t n) {
  std::size_t i = 0;
  std::uint64_t acc = 0;
  for (; i + 8 <= n; i += 8) acc |= load8(s + i);
  for (; i < n; ++i) acc |= static_cast<unsigned char>(s[i]);
  return (acc & kHighs) == 0;
}

inline constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                           100000, 1000000, 10000000, 100000000};

}  // namespace sx::swar
