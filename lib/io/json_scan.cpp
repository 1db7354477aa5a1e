#include "io/json_scan.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <system_error>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "base/swar.h"

namespace sx {

namespace {

constexpr int kMaxDepth = 64;
constexpr std::uint64_t kMaxMantissa = std::uint64_t{1} << 53;  // exact in a double

// 1e0..1e22: every one is exact in a double.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

inline bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool is_hex(char c) {
  return is_digit(c) || static_cast<unsigned char>((c | 0x20) - 'a') < 6;
}

// What may follow a number or a literal: whitespace, ',', '}' or ']': a bit of
// two constant words, so no table address is held in a register.
inline bool is_delimiter(char c) {
  constexpr std::uint64_t kLow = std::uint64_t{1} << ' ' | std::uint64_t{1} << '\t' |
                                 std::uint64_t{1} << '\n' | std::uint64_t{1} << '\r' |
                                 std::uint64_t{1} << ',';
  constexpr std::uint64_t kHigh = std::uint64_t{1} << ('}' - 64) | std::uint64_t{1} << (']' - 64);
  const auto u = static_cast<unsigned char>(c);
  const std::uint64_t word = (u & 64) != 0 ? kHigh : kLow;
  return u < 128 && ((word >> (u & 63)) & 1) != 0;
}

// Appends the digits at p (up to end) to *w, eight at a time; returns how
// many. Reads up to 7 bytes past end (the padding).
inline int digit_run(const char*& p, const char* end, std::uint64_t* w) {
  int total = 0;
  for (;;) {
    const std::uint64_t x = swar::load8(p);
    int k = swar::leading_digits(x);
    if (k > end - p) k = static_cast<int>(end - p);
    if (k == 0) return total;
    *w = *w * swar::kPow10[k] + swar::digits_value(x, k);
    p += k;
    total += k;
    if (k < 8) return total;
  }
}

// *v: the integer w (negative: -w) written from start to end. False for
// "-0", which simdjson may read as a double: its call.
bool store_int(JsonValue* v, const char* start, const char* end, bool negative, std::uint64_t w) {
  if (negative && w == 0) return false;
  v->text = std::string_view(start, static_cast<std::size_t>(end - start));
  v->type = JsonType::kInt;
  v->i = negative ? -static_cast<std::int64_t>(w) : static_cast<std::int64_t>(w);
  return true;
}

// *v: the double d (negative: -d) written from start to end.
void store_double(JsonValue* v, const char* start, const char* end, bool negative, double d) {
  v->text = std::string_view(start, static_cast<std::size_t>(end - start));
  v->type = JsonType::kDouble;
  v->d = negative ? -d : d;
}

bool parse_number_general(const char*& p, const char* end, JsonValue* v, const char* start,
                          bool negative);

// A JSON number at p (a '-' or a digit, else false), into *v when v is not
// null; leaves p after it. False also when *v could not be set exactly as
// simdjson would (an integer of 19 digits or more, "-0"). The usual number,
// [-]D[.D] with 1 to 7 digits each, is read here; anything else by
// parse_number_general, whose larger frame the usual number does not pay.
// (Inlined into match_shape, this made fewer instructions but a slower loop
// on the native build: perf, sx-window over 3M events.)
[[gnu::noinline]] bool parse_number(const char*& p, const char* end, JsonValue* v) {
  const char* start = p;
  const bool negative = *p == '-';
  p += negative;
  {
    const std::uint64_t x = swar::load8(p);
    const int k = swar::leading_digits(x);
    if (k >= 1 && k <= 7 && end - p > k && (k == 1 || *p != '0')) {
      const char* after = p + k;
      if (is_delimiter(*after)) {
        if (v != nullptr && !store_int(v, start, after, negative, swar::digits_value(x, k))) {
          return false;
        }
        p = after;
        return true;
      }
      if (*after == '.') {
        const std::uint64_t y = swar::load8(after + 1);
        const int f = swar::leading_digits(y);
        if (f >= 1 && f <= 7 && end - after > f + 1 && is_delimiter(after[1 + f])) {
          if (v != nullptr) {
            // At most 14 digits: exact in a double, as is 10^f, so one
            // correctly rounded division.
            const std::uint64_t w =
                swar::digits_value(x, k) * swar::kPow10[f] + swar::digits_value(y, f);
            store_double(v, start, after + 1 + f, negative, static_cast<double>(w) / kPow10[f]);
          }
          p = after + 1 + f;
          return true;
        }
      }
    }
  }
  return parse_number_general(p, end, v, start, negative);
}

[[gnu::noinline]] bool parse_number_general(const char*& p, const char* end, JsonValue* v,
                                            const char* start, bool negative) {
  const char* digits = p;
  std::uint64_t w = 0;  // wraps beyond 19 digits: counted below
  const int int_digits = digit_run(p, end, &w);
  if (int_digits == 0 || (*digits == '0' && int_digits > 1)) return false;
  if (p == end || is_delimiter(*p)) {   // an integer
    if (int_digits > 18) return false;  // simdjson's call (a big one may be a double or an error)
    return v == nullptr || store_int(v, start, p, negative, w);
  }
  int frac = 0;
  if (*p == '.') {
    ++p;
    frac = digit_run(p, end, &w);
    if (frac == 0) return false;
  }
  int exp = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    if (v == nullptr) {  // rare: convert it anyway, to know whether it is in range
      JsonValue skipped;
      p = start + negative;
      return parse_number_general(p, end, &skipped, start, negative);
    }
    ++p;
    bool exp_negative = false;
    if (p < end && (*p == '+' || *p == '-')) exp_negative = *p++ == '-';
    const char* e = p;
    while (p < end && is_digit(*p)) {
      if (exp < 100000) exp = exp * 10 + (*p - '0');
      ++p;
    }
    if (p == e) return false;
    if (exp_negative) exp = -exp;
  }
  if (p < end && !is_delimiter(*p)) return false;
  if (v == nullptr) return true;
  const int e10 = exp - frac;
  if (int_digits + frac <= 18 && w <= kMaxMantissa && e10 >= -22 && e10 <= 22) {
    // Exact operands and one rounding: correctly rounded (Clinger's fast path).
    store_double(
        v, start, p, negative,
        e10 < 0 ? static_cast<double>(w) / kPow10[-e10] : static_cast<double>(w) * kPow10[e10]);
    return true;
  }
  // Correctly rounded too, as simdjson's; out of range is simdjson's call.
  store_double(v, start, p, false, 0);
  const auto r = std::from_chars(start, p, v->d);
  return r.ec == std::errc() && r.ptr == p && std::isfinite(v->d);
}

bool parse_literal(const char*& p, const char* end, const char* word, std::size_t n, JsonValue* v,
                   JsonType type, bool b) {
  if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, word, n) != 0) return false;
  p += n;
  if (p < end && !is_delimiter(*p)) return false;
  if (v != nullptr) {
    v->type = type;
    v->boolean = b;
  }
  return true;
}

// A number or a literal at p, into *v when v is not null (false for
// anything else: a string, an object, an array).
[[gnu::always_inline]] inline bool parse_scalar(const char*& p, const char* end, JsonValue* v) {
  switch (*p) {
    case 't':
      return parse_literal(p, end, "true", 4, v, JsonType::kBool, true);
    case 'f':
      return parse_literal(p, end, "false", 5, v, JsonType::kBool, false);
    case 'n':
      return parse_literal(p, end, "null", 4, v, JsonType::kNull, false);
    default:
      return parse_number(p, end, v);
  }
}

// The first byte in [p, end) that a string scan must look at: '"', '\\', a
// control character, and (until the line's UTF-8 was checked) any byte from
// 0x80. Returns end when there is none. Reads up to 15 bytes past `end`
// (the line's padding) and ignores them.
inline const char* find_special(const char* p, const char* end, bool high_ok) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; p < end; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
    // Signed compare: below 0x20 or from 0x80. Masked: below 0x20 only.
    m = _mm_or_si128(
        m, high_ok ? _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xE0))),
                                    _mm_setzero_si128())
                   : _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    const unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m));
    if (bits != 0) {
      const char* q = p + __builtin_ctz(bits);
      return q < end ? q : end;
    }
  }
  return end;
#else
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || (c >= 0x80 && !high_ok)) return p;
  }
  return end;
#endif
}

class Scanner {
 public:
  Scanner(std::string_view line) : line_(line), p_(line.data()), end_(line.data() + line.size()) {}

  ScanResult top(const std::vector<FieldSet::Node>& nodes, JsonValue* out) {
    if (!ws() || *p_ != '{' || !object(&nodes, out, 0)) return ScanResult::kUnsure;
    ws();
    return p_ == end_ ? ScanResult::kOk : ScanResult::kUnsure;
  }

 private:
  // Skips whitespace; false at the end of the line.
  bool ws() {
    while (p_ < end_ && is_ws(*p_)) ++p_;
    return p_ < end_;
  }

  // p_ just after an opening quote; leaves it after the closing one.
  bool string(bool* escaped) {
    for (;;) {
      const char* q = find_special(p_, end_, utf8_ok_);
      if (q == end_) return false;  // unterminated
      const char c = *q;
      if (c == '"') {
        p_ = q + 1;
        return true;
      }
      if (c == '\\') {
        *escaped = true;
        if (end_ - q < 2) return false;
        const char e = q[1];
        if (e == 'u') {
          if (end_ - q < 6 || !is_hex(q[2]) || !is_hex(q[3]) || !is_hex(q[4]) || !is_hex(q[5])) {
            return false;
          }
          // A surrogate must pair up: simdjson decides.
          const char h = static_cast<char>(q[3] | 0x20);
          if ((q[2] | 0x20) == 'd' && (h == '8' || h == '9' || (h >= 'a' && h <= 'f')))
            return false;
          p_ = q + 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't') {
          p_ = q + 2;
        } else {
          return false;
        }
        continue;
      }
      if (static_cast<unsigned char>(c) >= 0x80 && !utf8_ok_) {
        if (!is_valid_utf8(line_)) return false;
        utf8_ok_ = true;  // the whole line is valid: bytes from 0x80 are ordinary now
        p_ = q;
        continue;
      }
      return false;  // a control character
    }
  }

  // Any value at p_; into *v when v is not null.
  bool value(JsonValue* v, int depth) {
    switch (*p_) {
      case '"': {
        const char* s = ++p_;
        bool escaped = false;
        if (!string(&escaped)) return false;
        if (v != nullptr) {
          if (escaped) return false;  // unescaping is simdjson's job
          v->type = JsonType::kString;
          v->text = std::string_view(s, static_cast<std::size_t>(p_ - 1 - s));
        }
        return true;
      }
      case '{':
      case '[': {
        const char* s = p_;
        if (!(*p_ == '{' ? object(nullptr, nullptr, depth + 1) : array(depth + 1))) return false;
        if (v != nullptr) {  // its raw text, as On-Demand's raw_json()
          v->type = *s == '{' ? JsonType::kObject : JsonType::kArray;
          v->text = std::string_view(s, static_cast<std::size_t>(p_ - s));
        }
        return true;
      }
      default:
        return parse_scalar(p_, end_, v);
    }
  }

  // p_ at a container's opening byte: steps past it and the whitespace
  // after; *done when the container closes at once (`close` consumed).
  bool open(char close, bool* done) {
    ++p_;
    if (!ws()) return false;
    *done = *p_ == close;
    if (*done) ++p_;
    return true;
  }

  // After a member (whitespace skipped): the container's `close` (consumed;
  // then *done), or a comma and the whitespace after it.
  bool next(char close, bool* done) {
    *done = *p_ == close;
    if (*done) {
      ++p_;
      return true;
    }
    if (*p_ != ',') return false;
    ++p_;
    return ws();
  }

  bool array(int depth) {
    bool done;
    if (depth > kMaxDepth || !open(']', &done)) return false;
    while (!done) {
      if (!value(nullptr, depth) || !ws() || !next(']', &done)) return false;
    }
    return true;
  }

  // p_ at '{'. `nodes`: the wanted fields at this level (null: none).
  bool object(const std::vector<FieldSet::Node>* nodes, JsonValue* out, int depth) {
    bool done;
    if (depth > kMaxDepth || !open('}', &done)) return false;
    std::uint64_t seen = 0;
    while (!done) {
      if (*p_ != '"') return false;
      const char* k = ++p_;
      bool escaped = false;
      if (!string(&escaped)) return false;
      const std::size_t klen = static_cast<std::size_t>(p_ - 1 - k);
      if (!ws() || *p_ != ':') return false;
      ++p_;
      if (!ws()) return false;
      const FieldSet::Node* match = nullptr;
      if (nodes != nullptr) {
        if (escaped) return false;  // how an escaped key compares is simdjson's call
        for (std::size_t i = 0; i < nodes->size(); ++i) {
          const FieldSet::Node& n = (*nodes)[i];
          if (n.name.size() == klen && std::memcmp(n.name.data(), k, klen) == 0) {
            // A repeated wanted key: which one counts is simdjson's call.
            if (i >= 64 || (seen >> i & 1) != 0) return false;
            seen |= std::uint64_t{1} << i;
            match = &n;
            break;
          }
        }
      }
      bool ok;
      if (match == nullptr) {
        ok = value(nullptr, depth);
      } else if (match->leaf >= 0) {
        ok = value(&out[match->leaf], depth);
      } else if (*p_ == '{') {
        ok = object(&match->kids, out, depth + 1);
      } else {
        ok = value(nullptr, depth);  // not an object: the paths below it are missing
      }
      if (!ok || !ws() || !next('}', &done)) return false;
    }
    return true;
  }

  std::string_view line_;
  const char* p_;
  const char* end_;
  bool utf8_ok_ = false;  // the whole line was checked
};

// ---- the flat path: one object of strings, numbers and literals ----

// Bit i of `quote`: byte i of the 64 at p is '"'; of `special`: a backslash,
// a control character or a byte from 0x80. Reads all 64 bytes.
struct Masks {
  std::uint64_t quote, special;
};

inline Masks block_masks(const char* p) {
#if defined(__AVX512BW__)
  const __m512i v = _mm512_loadu_si512(p);
  return {_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')),
          _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\')) |
              _mm512_cmplt_epi8_mask(v, _mm512_set1_epi8(0x20))};
#elif defined(__AVX2__)
  Masks m{0, 0};
  for (int h = 0; h < 2; ++h) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * h));
    const auto q = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"'))));
    const auto x = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')),
                                             _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v))));
    m.quote |= std::uint64_t{q} << (32 * h);
    m.special |= std::uint64_t{x} << (32 * h);
  }
  return m;
#elif defined(__SSE2__)
  Masks m{0, 0};
  for (int h = 0; h < 4; ++h) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * h));
    const auto q =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
    const auto x = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)))));
    m.quote |= std::uint64_t{q} << (16 * h);
    m.special |= std::uint64_t{x} << (16 * h);
  }
  return m;
#else
  Masks m{0, 0};
  for (int i = 0; i < 64; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '"') m.quote |= std::uint64_t{1} << i;
    if (c == '\\' || c < 0x20 || c >= 0x80) m.special |= std::uint64_t{1} << i;
  }
  return m;
#endif
}

// Equal when the `n` bytes at a and b are; reads up to 15 bytes past both
// (a line's padding, a template's).
inline bool bytes_equal(const char* a, const char* b, std::size_t n) {
#if defined(__SSE2__)
  if (n <= 16) {  // the usual separator: ,"key":
    const std::uint32_t want = (std::uint32_t{1} << n) - 1;
    const auto same = static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a)),
                                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(b)))));
    return (same & want) == want;
  }
  for (std::size_t i = 0; i < n; i += 16) {
    auto same = static_cast<std::uint32_t>(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)))));
    if (n - i < 16) same |= ~((std::uint32_t{1} << (n - i)) - 1);
    if ((same & 0xFFFF) != 0xFFFF) return false;
  }
  return true;
#else
  return std::memcmp(a, b, n) == 0;
#endif
}

inline void skip_spaces(const char* s, std::size_t n, std::size_t& i) {
  while (i < n && s[i] == ' ') ++i;
}

}  // namespace

FieldScanner::FieldScanner(const FieldSet& set) : set_(set) {}

// The line's quotes, and whether it has anything that keeps it off the flat
// path (an escape, a control character, a byte from 0x80).
bool FieldScanner::index(std::string_view line) {
  const std::size_t n = line.size();
  if (n == 0 || n > 64 * kBlocks) return false;
  const char* s = line.data();
  std::uint64_t special = 0;
  blocks_ = (n + 63) / 64;
  for (std::size_t b = 0; b < blocks_; ++b) {
    const Masks m = block_masks(s + 64 * b);
    quotes_[b] = m.quote;
    std::uint64_t x = m.special;
    if (b + 1 == blocks_ && n % 64 != 0) {  // the padding after the line is not ours
      const std::uint64_t keep = (std::uint64_t{1} << (n % 64)) - 1;
      quotes_[b] &= keep;
      x &= keep;
    }
    special |= x;
  }
  return special == 0;
}

// The first quote at or after i (the line's size when none).
std::size_t FieldScanner::next_quote(std::size_t i, std::size_t n) const {
  std::size_t b = i / 64;
  if (b >= blocks_) return n;
  std::uint64_t m = quotes_[b] & (~std::uint64_t{0} << (i % 64));
  while (m == 0) {
    if (++b >= blocks_) return n;
    m = quotes_[b];
  }
  return 64 * b + static_cast<std::size_t>(__builtin_ctzll(m));
}

// A value that is not a string at s[i]: a number or a literal; '{' and '['
// are not flat.
[[gnu::always_inline]] inline bool FieldScanner::scalar(const char* s, std::size_t n,
                                                        std::size_t& i, JsonValue* v) {
  const char* p = s + i;
  const bool ok = parse_scalar(p, s + n, v);
  i = static_cast<std::size_t>(p - s);
  return ok;
}

// The line as the last flat line's shape: the same bytes between the values
// (braces, keys, colons, commas, spaces). Then it is valid JSON with the same
// keys when each value is: a string (a value that is null in one line and a
// string in the next keeps the shape), a number or a literal.
bool FieldScanner::match_shape(std::string_view line, JsonValue* out) {
  const char* s = line.data();
  const std::size_t n = line.size();
  const char* seps = shape_seps_.data();
  std::size_t i = 0;
  const auto string_at = [&](const ShapeField& f) {  // i: after the opening quote
    const std::size_t end = next_quote(i, n);
    if (end >= n) return false;
    if (f.leaf >= 0) {
      out[f.leaf].type = JsonType::kString;
      out[f.leaf].text = std::string_view(s + i, end - i);
    }
    i = end + 1;
    return true;
  };
  for (const ShapeField& f : shape_) {
    if (n - i < f.sep_size) return false;
    if (bytes_equal(s + i, seps + f.sep_at, f.sep_size)) {
      i += f.sep_size;
      if (f.string) {  // the separator ended with the opening quote
        if (!string_at(f)) return false;
      } else if (s[i] == '"') {  // a string where the shape had another kind
        ++i;
        if (!string_at(f)) return false;
      } else if (!scalar(s, n, i, f.leaf >= 0 ? &out[f.leaf] : nullptr)) {  // at n: the padding
        return false;
      }
    } else if (f.string && bytes_equal(s + i, seps + f.sep_at, f.sep_size - 1)) {
      // Another kind (a null, say) where the shape had a string: all but the
      // quote matched.
      i += f.sep_size - 1;
      if (!scalar(s, n, i, f.leaf >= 0 ? &out[f.leaf] : nullptr)) return false;
    } else {
      return false;
    }
  }
  return n - i == shape_end_size_ && bytes_equal(s + i, seps + shape_end_at_, shape_end_size_);
}

// A flat object walked key by key; on success its shape is kept for
// match_shape.
bool FieldScanner::walk_flat(std::string_view line, JsonValue* out) {
  const char* s = line.data();
  const std::size_t n = line.size();
  const auto& keys = set_.roots();  // one key a path (flat)
  std::uint64_t seen = 0;
  walked_.clear();
  std::size_t i = 0;
  skip_spaces(s, n, i);
  if (i >= n || s[i] != '{') return false;
  ++i;
  skip_spaces(s, n, i);
  if (i < n && s[i] == '}') {
    ++i;
  } else {
    for (;;) {
      if (i >= n || s[i] != '"') return false;
      const std::size_t k = i + 1;
      const std::size_t kend = next_quote(k, n);
      if (kend >= n) return false;
      i = kend + 1;
      skip_spaces(s, n, i);
      if (i >= n || s[i] != ':') return false;
      ++i;
      skip_spaces(s, n, i);
      if (i >= n) return false;
      int leaf = -1;
      for (std::size_t j = 0; j < keys.size(); ++j) {
        if (keys[j].name.size() == kend - k &&
            std::memcmp(s + k, keys[j].name.data(), kend - k) == 0) {
          if (j >= 64 || (seen >> j & 1) != 0) return false;  // a repeated key: simdjson's call
          seen |= std::uint64_t{1} << j;
          leaf = keys[j].leaf;
          break;
        }
      }
      JsonValue* v = leaf >= 0 ? &out[leaf] : nullptr;
      const std::size_t start = i;
      const bool string = s[i] == '"';
      if (string) {
        const std::size_t end = next_quote(i + 1, n);
        if (end >= n) return false;
        if (v != nullptr) {
          v->type = JsonType::kString;
          v->text = std::string_view(s + i + 1, end - i - 1);
        }
        i = end + 1;
      } else if (!scalar(s, n, i, v)) {
        return false;
      }
      walked_.push_back({start, i, string, leaf});
      skip_spaces(s, n, i);
      if (i >= n) return false;
      if (s[i] == '}') {
        ++i;
        break;
      }
      if (s[i] != ',') return false;
      ++i;
      skip_spaces(s, n, i);
    }
  }
  skip_spaces(s, n, i);
  if (i != n) return false;
  // Keep the shape: the bytes before each value, and after the last one.
  shape_.clear();
  shape_seps_.clear();
  std::size_t at = 0;
  covered_.assign(set_.size(), false);
  for (const Walked& w : walked_) {
    const std::size_t start = w.start + w.string;  // a string's opening quote is the separator's
    const auto size = static_cast<std::uint32_t>(start - at);
    shape_.push_back({static_cast<std::uint32_t>(shape_seps_.size()), size, w.string, w.leaf});
    shape_seps_.append(s + at, start - at);
    at = w.end;
    if (w.leaf >= 0) covered_[static_cast<std::size_t>(w.leaf)] = true;
  }
  shape_missing_.clear();
  for (std::size_t k = 0; k < covered_.size(); ++k) {
    if (!covered_[k]) shape_missing_.push_back(k);
  }
  shape_end_at_ = shape_seps_.size();
  shape_end_size_ = n - at;
  shape_seps_.append(s + at, n - at);
  shape_seps_.append(16, '\0');  // bytes_equal reads past the end
  return true;
}

ScanResult FieldScanner::scan_set(std::string_view line, JsonValue* out) {
  if (set_.overlap()) return ScanResult::kUnsure;
  const bool flat = set_.flat() && index(line);
  if (flat && !shape_seps_.empty()) {
    for (const std::size_t k : shape_missing_) out[k] = JsonValue{};  // the shape sets the rest
    if (match_shape(line, out)) return ScanResult::kOk;
  }
  for (std::size_t i = 0; i < set_.size(); ++i) out[i] = JsonValue{};
  if (flat) {
    if (walk_flat(line, out)) return ScanResult::kOk;
    for (std::size_t i = 0; i < set_.size(); ++i) out[i] = JsonValue{};
  }
  return Scanner(line).top(set_.roots(), out);
}

}  // namespace sx
