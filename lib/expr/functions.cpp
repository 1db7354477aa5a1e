// The functions of sx-expr(7), each with Spark's null rule (non-ANSI mode).
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>

#include "base/error.h"
#include "expr/java_time.h"
#include "expr/json_value.h"
#include "expr/program.h"

namespace sx::expr {
namespace {

struct FnInfo {
  std::string_view name;
  Fn fn;
  int min_args, max_args;  // max -1: any number
};

constexpr FnInfo kFunctions[] = {
    {"coalesce", Fn::kCoalesce, 1, -1},
    {"if", Fn::kIf, 3, 3},
    {"nvl", Fn::kNvl, 2, 2},
    {"ifnull", Fn::kNvl, 2, 2},
    {"abs", Fn::kAbs, 1, 1},
    {"round", Fn::kRound, 1, 2},
    {"floor", Fn::kFloor, 1, 1},
    {"ceil", Fn::kCeil, 1, 1},
    {"ceiling", Fn::kCeil, 1, 1},
    {"lower", Fn::kLower, 1, 1},
    {"lcase", Fn::kLower, 1, 1},
    {"upper", Fn::kUpper, 1, 1},
    {"ucase", Fn::kUpper, 1, 1},
    {"length", Fn::kLength, 1, 1},
    {"char_length", Fn::kLength, 1, 1},
    {"character_length", Fn::kLength, 1, 1},
    {"substring", Fn::kSubstring, 2, 3},
    {"substr", Fn::kSubstring, 2, 3},
    {"concat", Fn::kConcat, 0, -1},
    {"concat_ws", Fn::kConcatWs, 1, -1},
    {"trim", Fn::kTrim, 1, 1},
    {"split", Fn::kSplit, 2, 3},
    {"regexp_extract", Fn::kRegexpExtract, 2, 3},
    {"regexp_replace", Fn::kRegexpReplace, 3, 4},
    {"to_timestamp", Fn::kToTimestamp, 1, 2},
    {"date_trunc", Fn::kDateTrunc, 2, 2},
    {"date_format", Fn::kDateFormat, 2, 2},
    {"hour", Fn::kHour, 1, 1},
    {"minute", Fn::kMinute, 1, 1},
    {"dayofweek", Fn::kDayOfWeek, 1, 1},
    {"unix_timestamp", Fn::kUnixTimestamp, 0, 2},
    {"from_unixtime", Fn::kFromUnixtime, 1, 2},
    {"array", Fn::kArray, 0, -1},
};

std::string shown(const Value& v) {
  std::string s;
  if (v.type == Type::kString)
    append_json(s, v);
  else
    append_text(s, v);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return std::string(type_name(v.type)) + " " + s;
}

std::string_view text_of(const Value& v, Scratch& scratch) {
  if (v.type == Type::kString || v.type == Type::kJson) return v.s;
  std::string& out = scratch.next();
  append_text(out, v);
  return out;
}

// A numeric argument (strings cast to double); false: null.
bool number_arg(const Program& p, const Node& n, Value& v) {
  if (v.is_null()) return false;
  const AsNumber r = as_number(v);
  if (r == AsNumber::kOther) type_error(p, n, "expected a number, got " + shown(v));
  return r == AsNumber::kNumber;
}

// Java's (long) cast.
std::int64_t saturate(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<std::int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(d);
}

// round(d, scale) as Spark: BigDecimal(d) (the decimal text of Double.toString,
// i.e. the shortest one that reads back as d) set to `scale` HALF_UP.
double round_half_up(double d, std::int64_t scale) {
  if (!std::isfinite(d) || d == 0) return d;
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  const bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  const std::size_t e = sci.find('e');
  std::string digits(1, sci[0]);
  if (e > 1) digits.append(sci.substr(2, e - 2));
  int exp = 0;
  std::string_view es = sci.substr(e + 1);
  if (es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  // value = 0.digits * 10^(exp+1); keep the digits before position exp+1+scale.
  const std::int64_t keep = exp + 1 + scale;
  if (keep >= static_cast<std::int64_t>(digits.size())) return d;
  std::string out;
  if (keep < 0) return 0.0;
  bool up = digits[static_cast<std::size_t>(keep)] >= '5';
  digits.resize(static_cast<std::size_t>(keep));
  int top = exp + 1;  // digits[0] has weight 10^(top-1)
  if (up) {
    std::size_t k = digits.size();
    while (k > 0 && digits[k - 1] == '9') digits[--k] = '0';
    if (k == 0) {
      digits.insert(digits.begin(), '1');
      ++top;
    } else {
      ++digits[k - 1];
    }
  }
  if (digits.empty()) return 0.0;
  if (neg) out += '-';
  out += digits;
  out += 'e';
  out += std::to_string(top - static_cast<int>(digits.size()));
  double v = 0;
  std::from_chars(out.data(), out.data() + out.size(), v);
  return v;
}

std::int64_t pow10_or_zero(std::int64_t k) {  // 10^k for 0 <= k <= 18, else 0
  if (k > 18) return 0;
  std::int64_t v = 1;
  while (k-- > 0) v *= 10;
  return v;
}

std::size_t char_len_at(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return std::min(len, s.size() - i);
}

// Byte offset of character `chars` (clamped to the end).
std::size_t byte_offset(std::string_view s, std::int64_t chars) {
  std::size_t i = 0;
  while (chars > 0 && i < s.size()) {
    i += char_len_at(s, i);
    --chars;
  }
  return i;
}

// UTF8String.substringSQL.
std::string_view substring_sql(std::string_view s, std::int64_t pos, std::int64_t len) {
  const auto n = static_cast<std::int64_t>(utf8_length(s));
  std::int64_t start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  std::int64_t end;
  if (start + len > std::numeric_limits<std::int32_t>::max())
    end = std::numeric_limits<std::int32_t>::max();
  else if (start + len < std::numeric_limits<std::int32_t>::min())
    end = std::numeric_limits<std::int32_t>::min();
  else
    end = start + len;
  start = std::max<std::int64_t>(start, 0);
  if (start >= end) return {};
  const std::size_t b = byte_offset(s, start);
  const std::size_t e = b + byte_offset(s.substr(b), end - start);
  return s.substr(b, e - b);
}

// Java's replacement syntax ($1, ${name} unsupported, \x literal) to ECMAScript's.
std::string java_replacement(std::string_view rep) {
  std::string out;
  for (std::size_t i = 0; i < rep.size(); ++i) {
    if (rep[i] == '\\' && i + 1 < rep.size()) {
      ++i;
      if (rep[i] == '$')
        out += "$$";
      else
        out += rep[i];
    } else {
      out += rep[i];
    }
  }
  return out;
}

Value time_field(const Program& p, const Node& n, const Value& v, std::int64_t* us) {
  if (v.is_null()) return Value::null();
  if (v.type == Type::kJson || v.type == Type::kBool)
    type_error(p, n, "expected a timestamp, got " + shown(v));
  if (!to_time(v, us)) return Value::null();
  return Value::boolean(true);
}

// Parses `s` with the Spark pattern `fmt` (cached per pattern); false: null.
bool parse_with_pattern(const Program& p, const Node& n, std::string_view s, std::string_view fmt,
                        std::int64_t* us) {
  TimeCache& c = *n.time;
  if (!c.parser || c.pattern != fmt) {
    c.pattern = std::string(fmt);
    std::string strf;
    c.valid = java_to_strftime(fmt, &strf, &c.why);
    c.parser.reset();
    if (c.valid) {
      if (strf.find('%') == std::string::npos) strf += "%n";  // TimeParser needs a '%'
      c.parser = std::make_unique<TimeParser>(strf, "UTC");
    }
  }
  if (!c.valid) type_error(p, n, c.why);
  EventTime t;
  if (!c.parser->parse(s, &t)) return false;
  *us = t.us;
  return true;
}

Value formatted(const Program& p, const Node& n, std::int64_t us, std::string_view fmt,
                Scratch& scratch) {
  std::string& out = scratch.next();
  std::string why;
  if (!format_java_time(out, us, fmt, &why)) type_error(p, n, why);
  return Value::str(out);
}

}  // namespace

bool lookup_function(std::string_view lower_name, Fn* fn, int* min_args, int* max_args) {
  for (const FnInfo& f : kFunctions) {
    if (f.name == lower_name) {
      *fn = f.fn;
      *min_args = f.min_args;
      *max_args = f.max_args;
      return true;
    }
  }
  return false;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const FnInfo& f : kFunctions) names.emplace_back(f.name);
  names.emplace_back("cast");
  return names;
}

const std::regex* get_regex(const Program& p, const Node& n, std::string_view pattern) {
  RegexCache& c = *n.regex;
  if (!c.valid || c.pattern != pattern) {
    c.valid = false;
    c.pattern = std::string(pattern);
    try {
      c.re = std::regex(c.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      type_error(p, n,
                 "the regular expression '" + c.pattern + "' is not valid (" + e.what() + ")");
    }
    c.valid = true;
  }
  return &c.re;
}

Value eval_call(const Program& p, const Node& n, const JsonValue* fields, Scratch& scratch) {
  auto arg = [&](std::size_t k) { return eval_node(p, n.kids[k], fields, scratch); };
  const std::size_t argc = n.kids.size();
  switch (n.fn) {
    case Fn::kCoalesce:
    case Fn::kNvl:
      for (std::size_t k = 0; k < argc; ++k) {
        const Value v = arg(k);
        if (!v.is_null()) return v;
      }
      return Value::null();
    case Fn::kIf: {
      const Value c = arg(0);
      if (!c.is_null() && c.type != Type::kBool)
        type_error(p, n, "expected a boolean condition, got " + shown(c));
      return c.type == Type::kBool && c.b ? arg(1) : arg(2);
    }
    case Fn::kAbs: {
      Value v = arg(0);
      if (!number_arg(p, n, v)) return Value::null();
      if (v.type == Type::kDouble) return Value::dbl(std::fabs(v.d));
      if (v.i >= 0) return v;
      const std::int64_t neg =
          static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(v.i));  // MIN stays MIN
      if (v.type == Type::kInt)
        return Value::int32(static_cast<std::int32_t>(static_cast<std::uint32_t>(neg)));
      return Value::int64(neg);
    }
    case Fn::kRound: {
      Value v = arg(0);
      std::int64_t scale = 0;
      if (argc > 1) {
        const Value s = arg(1);
        if (s.is_null()) return Value::null();
        if (!s.is_integral()) type_error(p, n, "the scale must be an integer, got " + shown(s));
        scale = s.i;
      }
      if (!number_arg(p, n, v)) return Value::null();
      if (v.type == Type::kDouble) return Value::dbl(round_half_up(v.d, scale));
      if (scale >= 0) return v;
      const std::int64_t m = pow10_or_zero(-scale);
      if (m == 0) return v.type == Type::kInt ? Value::int32(0) : Value::int64(0);
      std::int64_t q = v.i / m;
      const std::int64_t rem = v.i % m;
      if (rem >= m - rem && rem > 0) ++q;
      if (rem < 0 && -rem >= m + rem) --q;
      const std::int64_t r =
          static_cast<std::int64_t>(static_cast<std::uint64_t>(q) * static_cast<std::uint64_t>(m));
      if (v.type == Type::kInt)
        return Value::int32(static_cast<std::int32_t>(static_cast<std::uint32_t>(r)));
      return Value::int64(r);
    }
    case Fn::kFloor:
    case Fn::kCeil: {
      Value v = arg(0);
      if (!number_arg(p, n, v)) return Value::null();
      if (v.is_integral()) return Value::int64(v.i);
      return Value::int64(saturate(n.fn == Fn::kFloor ? std::floor(v.d) : std::ceil(v.d)));
    }
    case Fn::kLower:
    case Fn::kUpper: {
      const Value v = arg(0);
      if (v.is_null()) return v;
      const std::string_view s = text_of(v, scratch);
      std::string& out = scratch.next();
      out.assign(s);
      for (char& c : out) {
        if (n.fn == Fn::kLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (n.fn == Fn::kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      }
      return Value::str(out);
    }
    case Fn::kLength: {
      const Value v = arg(0);
      if (v.is_null()) return v;
      return Value::int32(static_cast<std::int32_t>(utf8_length(text_of(v, scratch))));
    }
    case Fn::kSubstring: {
      const Value v = arg(0), pos = arg(1);
      const Value len = argc > 2 ? arg(2) : Value::int32(std::numeric_limits<std::int32_t>::max());
      if (v.is_null() || pos.is_null() || len.is_null()) return Value::null();
      std::int64_t ps, ln;
      if (!to_long(pos, &ps) || !to_long(len, &ln)) return Value::null();
      return Value::str(substring_sql(text_of(v, scratch), ps, ln));
    }
    case Fn::kConcat: {
      std::string* out = nullptr;
      for (std::size_t k = 0; k < argc; ++k) {
        const Value v = arg(k);
        if (v.is_null()) return Value::null();
        if (!out) out = &scratch.next();
        append_text(*out, v);
      }
      return Value::str(out ? std::string_view(*out) : std::string_view());
    }
    case Fn::kConcatWs: {
      const Value sep = arg(0);
      if (sep.is_null()) return sep;
      const std::string_view sv = text_of(sep, scratch);
      std::string& out = scratch.next();
      bool first = true;
      auto put = [&](const Value& v) {
        if (v.is_null()) return;
        if (!first) out += sv;
        first = false;
        append_text(out, v);
      };
      for (std::size_t k = 1; k < argc; ++k) {
        const Value v = arg(k);
        if (v.type == Type::kJson && json_for_each_element(v.s, scratch, put)) continue;
        put(v);
      }
      return Value::str(out);
    }
    case Fn::kTrim: {
      const Value v = arg(0);
      if (v.is_null()) return v;
      std::string_view s = text_of(v, scratch);
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      return Value::str(s);
    }
    case Fn::kSplit: {
      const Value v = arg(0), pat = arg(1);
      const Value lim = argc > 2 ? arg(2) : Value::int32(-1);
      if (v.is_null() || pat.is_null() || lim.is_null()) return Value::null();
      const std::string_view s = text_of(v, scratch);
      const std::string_view ps = text_of(pat, scratch);
      std::int64_t limit;
      if (!to_long(lim, &limit)) return Value::null();
      std::string& out = scratch.next();
      out += '[';
      std::int64_t parts = 0;
      auto put = [&](std::string_view part) {
        if (parts++) out += ',';
        append_json_string(out, part);
      };
      if (ps.empty()) {  // one element per character
        for (std::size_t i = 0; i < s.size();) {
          if (limit > 0 && parts == limit - 1) {
            put(s.substr(i));
            break;
          }
          const std::size_t l = char_len_at(s, i);
          put(s.substr(i, l));
          i += l;
        }
        if (s.empty()) put({});
        out += ']';
        return Value::json(out);
      }
      const std::regex* re = get_regex(p, n, ps);
      std::size_t start = 0, from = 0;
      std::cmatch m;
      while ((limit <= 0 || parts < limit - 1) && from <= s.size() &&
             std::regex_search(s.data() + from, s.data() + s.size(), m, *re,
                               from > 0 ? std::regex_constants::match_prev_avail
                                        : std::regex_constants::match_default)) {
        const std::size_t ms = from + static_cast<std::size_t>(m.position(0));
        const std::size_t me = ms + static_cast<std::size_t>(m.length(0));
        if (me == ms) {  // a zero-width match: none at 0, else split there
          if (ms >= s.size()) break;
          if (ms > 0) {
            put(s.substr(start, ms - start));
            start = ms;
          }
          from = ms + char_len_at(s, ms);
          continue;
        }
        put(s.substr(start, ms - start));
        start = me;
        from = me;
      }
      put(s.substr(start));
      out += ']';
      return Value::json(out);
    }
    case Fn::kRegexpExtract: {
      const Value v = arg(0), pat = arg(1);
      const Value idx = argc > 2 ? arg(2) : Value::int32(1);
      if (v.is_null() || pat.is_null() || idx.is_null()) return Value::null();
      const std::string_view s = text_of(v, scratch);
      const std::regex* re = get_regex(p, n, text_of(pat, scratch));
      std::int64_t group;
      if (!to_long(idx, &group)) return Value::null();
      const auto groups = static_cast<std::int64_t>(re->mark_count());
      if (group < 0 || group > groups)
        type_error(p, n,
                   "the regular expression has " + std::to_string(groups) +
                       " group(s), but the group index is " + std::to_string(group));
      std::cmatch m;
      if (!std::regex_search(s.data(), s.data() + s.size(), m, *re)) return Value::str({});
      const auto& g = m[static_cast<std::size_t>(group)];
      if (!g.matched) return Value::str({});
      return Value::str(std::string_view(g.first, static_cast<std::size_t>(g.second - g.first)));
    }
    case Fn::kRegexpReplace: {
      const Value v = arg(0), pat = arg(1), rep = arg(2);
      const Value pos = argc > 3 ? arg(3) : Value::int32(1);
      if (v.is_null() || pat.is_null() || rep.is_null() || pos.is_null()) return Value::null();
      const std::string_view s = text_of(v, scratch);
      const std::regex* re = get_regex(p, n, text_of(pat, scratch));
      const std::string fmt = java_replacement(text_of(rep, scratch));
      std::int64_t from;
      if (!to_long(pos, &from)) return Value::null();
      if (from < 1) type_error(p, n, "the position must be 1 or more, got " + std::to_string(from));
      const std::size_t b = byte_offset(s, from - 1);
      std::string& out = scratch.next();
      out.append(s.substr(0, b));
      std::regex_replace(std::back_inserter(out), s.begin() + static_cast<std::ptrdiff_t>(b),
                         s.end(), *re, fmt);
      return Value::str(out);
    }
    case Fn::kToTimestamp: {
      const Value v = arg(0);
      if (v.is_null()) return v;
      if (argc == 1 || v.type != Type::kString) {
        std::int64_t us;
        if (time_field(p, n, v, &us).is_null()) return Value::null();
        return Value::time(us);
      }
      const Value fmt = arg(1);
      if (fmt.is_null()) return fmt;
      std::int64_t us;
      if (!parse_with_pattern(p, n, v.s, text_of(fmt, scratch), &us)) return Value::null();
      return Value::time(us);
    }
    case Fn::kDateTrunc: {
      const Value unit = arg(0), v = arg(1);
      std::int64_t us;
      if (unit.is_null() || time_field(p, n, v, &us).is_null()) return Value::null();
      std::string u(text_of(unit, scratch));
      for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::int64_t days = floor_div(us, kMicrosPerDay);
      const CivilDate c = civil_from_days(days);
      if (u == "year" || u == "yyyy" || u == "yy")
        return Value::time(days_from_civil(c.year, 1, 1) * kMicrosPerDay);
      if (u == "quarter")
        return Value::time(days_from_civil(c.year, (c.month - 1) / 3 * 3 + 1, 1) * kMicrosPerDay);
      if (u == "month" || u == "mm" || u == "mon")
        return Value::time(days_from_civil(c.year, c.month, 1) * kMicrosPerDay);
      if (u == "week")  // Monday
        return Value::time((days - floor_mod(days + 3, 7)) * kMicrosPerDay);
      std::int64_t unit_us = 0;
      if (u == "day" || u == "dd")
        unit_us = kMicrosPerDay;
      else if (u == "hour")
        unit_us = kMicrosPerHour;
      else if (u == "minute")
        unit_us = kMicrosPerMinute;
      else if (u == "second")
        unit_us = kMicrosPerSecond;
      else if (u == "millisecond")
        unit_us = kMicrosPerMilli;
      else if (u == "microsecond")
        unit_us = 1;
      else
        return Value::null();  // Spark: an unknown unit gives null
      return Value::time(floor_div(us, unit_us) * unit_us);
    }
    case Fn::kDateFormat: {
      const Value v = arg(0), fmt = arg(1);
      std::int64_t us;
      if (fmt.is_null() || time_field(p, n, v, &us).is_null()) return Value::null();
      return formatted(p, n, us, text_of(fmt, scratch), scratch);
    }
    case Fn::kHour:
    case Fn::kMinute:
    case Fn::kDayOfWeek: {
      std::int64_t us;
      if (time_field(p, n, arg(0), &us).is_null()) return Value::null();
      const std::int64_t days = floor_div(us, kMicrosPerDay);
      const std::int64_t in_day = us - days * kMicrosPerDay;
      if (n.fn == Fn::kHour)
        return Value::int32(static_cast<std::int32_t>(in_day / kMicrosPerHour));
      if (n.fn == Fn::kMinute)
        return Value::int32(static_cast<std::int32_t>(in_day / kMicrosPerMinute % 60));
      // 1 = Sunday .. 7 = Saturday; 1970-01-01 was a Thursday (5).
      return Value::int32(static_cast<std::int32_t>(floor_mod(days + 4, 7) + 1));
    }
    case Fn::kUnixTimestamp: {
      if (argc == 0) {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return Value::int64(std::chrono::duration_cast<std::chrono::seconds>(now).count());
      }
      const Value v = arg(0);
      if (v.is_null()) return v;
      if (v.type == Type::kTime) return Value::int64(floor_div(v.i, kMicrosPerSecond));
      if (v.type != Type::kString)
        type_error(p, n, "expected a string or a timestamp, got " + shown(v));
      std::string_view fmt = "yyyy-MM-dd HH:mm:ss";
      if (argc > 1) {
        const Value f = arg(1);
        if (f.is_null()) return f;
        fmt = text_of(f, scratch);
      }
      std::int64_t us;
      if (!parse_with_pattern(p, n, v.s, fmt, &us)) return Value::null();
      return Value::int64(floor_div(us, kMicrosPerSecond));
    }
    case Fn::kFromUnixtime: {
      const Value v = arg(0);
      if (v.is_null()) return v;
      std::int64_t secs;
      if (v.type == Type::kJson || v.type == Type::kBool)
        type_error(p, n, "expected a number of seconds, got " + shown(v));
      if (!to_long(v, &secs)) return Value::null();
      std::string_view fmt = "yyyy-MM-dd HH:mm:ss";
      if (argc > 1) {
        const Value f = arg(1);
        if (f.is_null()) return f;
        fmt = text_of(f, scratch);
      }
      if (secs > kMaxEventTime / kMicrosPerSecond || secs < kMinEventTime / kMicrosPerSecond)
        return Value::null();
      return formatted(p, n, secs * kMicrosPerSecond, fmt, scratch);
    }
    case Fn::kArray: {
      // The arguments' own buffers are others (a deque keeps references).
      std::string& out = scratch.next();
      out += '[';
      for (std::size_t k = 0; k < argc; ++k) {
        if (k) out += ',';
        append_json(out, arg(k));
      }
      out += ']';
      return Value::json(out);
    }
  }
  return Value::null();
}

}  // namespace sx::expr
