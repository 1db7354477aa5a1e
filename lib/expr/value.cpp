#include "expr/value.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "base/event_time.h"
#include "base/time_parser.h"

namespace sx::expr {

const char* type_name(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kInt:
      return "int";
    case Type::kLong:
      return "bigint";
    case Type::kDouble:
      return "double";
    case Type::kString:
      return "string";
    case Type::kTime:
      return "timestamp";
    case Type::kJson:
      return "struct/array";
  }
  return "?";
}

Value from_json(const JsonValue& v) {
  switch (v.type) {
    case JsonType::kMissing:
    case JsonType::kNull:
      return Value::null();
    case JsonType::kBool:
      return Value::boolean(v.boolean);
    case JsonType::kInt:
      return Value::int64(v.i);
    case JsonType::kUint:
      if (v.u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return Value::int64(static_cast<std::int64_t>(v.u));
      return Value::dbl(static_cast<double>(v.u));
    case JsonType::kDouble:
      return Value::dbl(v.d);
    case JsonType::kString:
      return Value::str(v.text);
    case JsonType::kObject:
    case JsonType::kArray:
      return Value::json(v.text);
  }
  return Value::null();
}

namespace {

// Spark trims characters <= ' ' before casting a string.
std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// UTF8String.toLong (non-ANSI): [+-]digits[.digits], the fraction dropped;
// anything else, or overflow, is null.
bool string_to_long(std::string_view s, std::int64_t* out) {
  s = trim_ws(s);
  if (s.empty()) return false;
  bool neg = false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  std::uint64_t acc = 0;
  const std::uint64_t limit =
      neg ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
          : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::size_t digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
    const unsigned dgt = static_cast<unsigned>(s[i] - '0');
    if (acc > (limit - dgt) / 10) return false;
    acc = acc * 10 + dgt;
  }
  if (i < s.size()) {
    if (s[i] != '.') return false;
    for (++i; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
  }
  if (digits == 0 && s.size() - (s[0] == '+' || s[0] == '-') <= 1) return false;
  *out = neg ? static_cast<std::int64_t>(0 - acc) : static_cast<std::int64_t>(acc);
  return true;
}

bool string_to_double(std::string_view s, double* out) {
  s = trim_ws(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Java's (long) cast of a double: NaN 0, saturating.
std::int64_t double_to_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<std::int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(d);
}

std::int32_t double_to_int(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return std::numeric_limits<std::int32_t>::max();
  if (d <= -2147483648.0) return std::numeric_limits<std::int32_t>::min();
  return static_cast<std::int32_t>(d);
}

std::int32_t wrap32(std::int64_t v) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(v)));
}

}  // namespace

bool to_long(const Value& v, std::int64_t* out) {
  switch (v.type) {
    case Type::kBool:
      *out = v.b;
      return true;
    case Type::kInt:
    case Type::kLong:
      *out = v.i;
      return true;
    case Type::kDouble:
      *out = double_to_long(v.d);
      return true;
    case Type::kString:
      return string_to_long(v.s, out);
    case Type::kTime:
      *out = floor_div(v.i, kMicrosPerSecond);
      return true;
    default:
      return false;
  }
}

AsNumber as_number(Value& v) {
  if (v.is_numeric()) return AsNumber::kNumber;
  if (v.type != Type::kString) return AsNumber::kOther;
  double d;
  if (!to_double(v, &d)) return AsNumber::kNull;
  v = Value::dbl(d);
  return AsNumber::kNumber;
}

bool to_double(const Value& v, double* out) {
  switch (v.type) {
    case Type::kBool:
      *out = v.b;
      return true;
    case Type::kInt:
    case Type::kLong:
      *out = static_cast<double>(v.i);
      return true;
    case Type::kDouble:
      *out = v.d;
      return true;
    case Type::kString:
      return string_to_double(v.s, out);
    case Type::kTime:
      *out = static_cast<double>(v.i) / 1e6;
      return true;
    default:
      return false;
  }
}

bool to_time(const Value& v, std::int64_t* out) {
  switch (v.type) {
    case Type::kTime:
      *out = v.i;
      return true;
    case Type::kInt:
    case Type::kLong: {
      // TimeUnit.SECONDS.toMicros saturates.
      if (v.i > std::numeric_limits<std::int64_t>::max() / kMicrosPerSecond)
        *out = std::numeric_limits<std::int64_t>::max();
      else if (v.i < std::numeric_limits<std::int64_t>::min() / kMicrosPerSecond)
        *out = std::numeric_limits<std::int64_t>::min();
      else
        *out = v.i * kMicrosPerSecond;
      return true;
    }
    case Type::kDouble:
      if (!std::isfinite(v.d)) return false;
      *out = double_to_long(v.d * 1e6);
      return true;
    case Type::kString: {
      static const TimeParser parser("iso8601", "UTC");
      EventTime t;
      if (!parser.parse(trim_ws(v.s), &t)) return false;
      *out = t.us;
      return true;
    }
    default:
      return false;
  }
}

bool to_bool(const Value& v, bool* out) {
  switch (v.type) {
    case Type::kBool:
      *out = v.b;
      return true;
    case Type::kString: {
      // Spark's StringUtils.isTrueString / isFalseString.
      const std::string_view s = trim_ws(v.s);
      auto is = [&](std::string_view w) {
        if (s.size() != w.size()) return false;
        for (std::size_t k = 0; k < s.size(); ++k)
          if ((s[k] | 0x20) != w[k]) return false;
        return true;
      };
      if (is("t") || is("true") || is("y") || is("yes") || is("1")) {
        *out = true;
        return true;
      }
      if (is("f") || is("false") || is("n") || is("no") || is("0")) {
        *out = false;
        return true;
      }
      return false;
    }
    case Type::kInt:
    case Type::kLong:
    case Type::kTime:
      *out = v.i != 0;
      return true;
    case Type::kDouble:
      *out = v.d != 0;
      return true;
    default:
      return false;
  }
}

Value cast_to(const Value& v, Type to, Scratch& scratch) {
  if (v.is_null() || v.type == to) return v;
  switch (to) {
    case Type::kNull:
      return Value::null();
    case Type::kBool: {
      bool b;
      return to_bool(v, &b) ? Value::boolean(b) : Value::null();
    }
    case Type::kInt: {
      if (v.type == Type::kDouble) return Value::int32(double_to_int(v.d));
      std::int64_t l;
      if (!to_long(v, &l)) return Value::null();
      if (v.type == Type::kString && (l > std::numeric_limits<std::int32_t>::max() ||
                                      l < std::numeric_limits<std::int32_t>::min()))
        return Value::null();  // UTF8String.toInt: out of range is null
      return Value::int32(wrap32(l));
    }
    case Type::kLong: {
      std::int64_t l;
      return to_long(v, &l) ? Value::int64(l) : Value::null();
    }
    case Type::kDouble: {
      double d;
      return to_double(v, &d) ? Value::dbl(d) : Value::null();
    }
    case Type::kString: {
      std::string& out = scratch.next();
      append_text(out, v);
      return Value::str(out);
    }
    case Type::kTime: {
      std::int64_t us;
      return to_time(v, &us) ? Value::time(us) : Value::null();
    }
    case Type::kJson:
      return Value::null();
  }
  return Value::null();
}

void append_double(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0.0" : "0.0";
    return;
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  // buf: [-]D[.DDD]e(+|-)XX
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  bool neg = false;
  if (sci[0] == '-') {
    neg = true;
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  digits += sci[0];
  if (e > 1) digits.append(sci.substr(2, e - 2));
  int exp = 0;
  std::string_view es = sci.substr(e + 1);
  if (es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  if (neg) out += '-';
  const double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      const std::size_t int_digits = static_cast<std::size_t>(exp) + 1;
      if (digits.size() <= int_digits) {
        out += digits;
        out.append(int_digits - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_digits);
        out += '.';
        out.append(digits, int_digits);
      }
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out += digits;
    }
  } else {
    out += digits[0];
    out += '.';
    if (digits.size() > 1)
      out.append(digits, 1);
    else
      out += '0';
    out += 'E';
    out += std::to_string(exp);
  }
}

namespace {

void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// Spark's cast of a timestamp to string, in UTC: "2024-01-01 10:00:00" and the
// fraction without trailing zeros.
void append_timestamp_text(std::string& out, std::int64_t us) {
  const std::int64_t days = floor_div(us, kMicrosPerDay);
  const std::int64_t rest = us - days * kMicrosPerDay;
  const CivilDate c = civil_from_days(days);
  char y[24];
  const auto r = std::to_chars(y, y + sizeof y, c.year);
  const std::size_t n = static_cast<std::size_t>(r.ptr - y);
  if (n < 4) out.append(4 - n, '0');
  out.append(y, n);
  out += '-';
  append_2(out, c.month);
  out += '-';
  append_2(out, c.day);
  out += ' ';
  const auto secs = static_cast<unsigned>(rest / kMicrosPerSecond);
  append_2(out, secs / 3600);
  out += ':';
  append_2(out, secs / 60 % 60);
  out += ':';
  append_2(out, secs % 60);
  unsigned frac = static_cast<unsigned>(rest % kMicrosPerSecond);
  if (frac != 0) {
    char f[7];
    for (int k = 5; k >= 0; --k) {
      f[k] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    std::size_t len = 6;
    while (f[len - 1] == '0') --len;
    out += '.';
    out.append(f, len);
  }
}

}  // namespace

void append_text(std::string& out, const Value& v) {
  switch (v.type) {
    case Type::kNull:
      return;
    case Type::kBool:
      out += v.b ? "true" : "false";
      return;
    case Type::kInt:
    case Type::kLong: {
      char buf[24];
      const auto r = std::to_chars(buf, buf + sizeof buf, v.i);
      out.append(buf, static_cast<std::size_t>(r.ptr - buf));
      return;
    }
    case Type::kDouble:
      append_double(out, v.d);
      return;
    case Type::kString:
    case Type::kJson:
      out += v.s;
      return;
    case Type::kTime:
      append_timestamp_text(out, v.i);
      return;
  }
}

void append_json(std::string& out, const Value& v) {
  switch (v.type) {
    case Type::kNull:
      out += "null";
      return;
    case Type::kDouble:
      if (!std::isfinite(v.d)) {
        out += "null";
        return;
      }
      append_double(out, v.d);
      return;
    case Type::kString:
      append_json_string(out, v.s);
      return;
    case Type::kTime: {
      char buf[kMaxTimeText];
      const std::size_t n = format_time(EventTime{v.i}, buf);
      out += '"';
      out.append(buf, n);
      out += '"';
      return;
    }
    default:
      append_text(out, v);
      return;
  }
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace sx::expr
