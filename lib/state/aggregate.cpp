#include "state/aggregate.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "base/did_you_mean.h"
#include "base/error.h"
#include "base/text.h"
#include "base/time_parser.h"

namespace sx {

namespace {

[[noreturn]] void bad_agg(std::string_view text, const std::string& why) {
  throw usage_error("bad --agg '" + std::string(text) + "': " + why +
                    " (write count, sum(F), avg(F), min(F), max(F), count_distinct(F), first(F), "
                    "last(F), collect_list(F), count_if(F=VALUE) or another aggregate of "
                    "sx-window(1), AGGREGATES, optionally followed by 'as NAME')");
}

std::string default_name(std::string_view func, std::string_view arg) {
  std::string name(func);
  if (arg.empty()) return name;
  name += '_';
  for (const char c : arg) {
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    name += word ? c : '_';
  }
  return name;
}

[[noreturn]] void not_numeric(const AggSpec& spec, const JsonValue& v) {
  std::string shown;
  if (v.type == JsonType::kString) {
    append_json_string(shown, v.text.substr(0, 40));
    shown = "the string " + shown;
  } else {
    shown = json_type_name(v.type);
  }
  throw data_error(spec.text + ": the value is " + shown + ", not a number");
}

[[noreturn]] void overflow(const AggSpec& spec) {
  throw data_error(spec.text +
                   ": the integer sum overflows 128 bits (sx keeps integer sums exact; "
                   "scale the values down or make them decimals such as 1.0)");
}

using Wide = __int128;

// The exact integer sum of `s` (not is_double).
Wide wide_value(const AggState& s) {
  if (!s.is_wide) return s.isum;
  const auto lo = static_cast<unsigned __int128>(static_cast<std::uint64_t>(s.isum));
  return static_cast<Wide>(
      (static_cast<unsigned __int128>(static_cast<std::uint64_t>(s.ihi)) << 64) | lo);
}

// Stores an exact integer sum: in isum alone while it fits 64 bits (the
// inline fast path), else wide.
void set_wide(AggState& s, Wide v) {
  if (v >= INT64_MIN && v <= INT64_MAX) {
    s.isum = static_cast<std::int64_t>(v);
    s.is_wide = false;
    s.ihi = 0;
    return;
  }
  const auto u = static_cast<unsigned __int128>(v);
  s.isum = static_cast<std::int64_t>(static_cast<std::uint64_t>(u));
  s.ihi = static_cast<std::int64_t>(static_cast<std::uint64_t>(u >> 64));
  s.is_wide = true;
}

// An integer literal ('-'? digits) into *out; false when it is not one or
// does not fit 128 bits.
bool parse_wide(std::string_view t, Wide* out) {
  const bool neg = !t.empty() && t[0] == '-';
  if (neg) t.remove_prefix(1);
  if (t.empty()) return false;
  Wide v = 0;
  for (const char c : t) {
    if (c < '0' || c > '9') return false;
    if (__builtin_mul_overflow(v, 10, &v) ||
        __builtin_add_overflow(v, neg ? -(c - '0') : c - '0', &v)) {
      return false;
    }
  }
  *out = v;
  return true;
}

// A number from to_number that is an integer (kInt, kUint) as a Wide.
Wide wide_of(const JsonValue& n) {
  if (n.type == JsonType::kInt) return n.i;
  Wide v = 0;
  if (!n.text.empty() && parse_wide(n.text, &v)) return v;
  return static_cast<Wide>(n.u);
}

void append_wide(std::string& out, Wide v) {
  char buf[48];
  char* p = buf + sizeof buf;
  auto u = v < 0 ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  do {
    *--p = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

void append_value_json(const JsonValue& v, std::string& out) {
  switch (v.type) {
    case JsonType::kMissing:
    case JsonType::kNull:
      out += "null";
      break;
    case JsonType::kBool:
      out += v.boolean ? "true" : "false";
      break;
    case JsonType::kString:
      append_json_string(out, v.text);
      break;
    default:
      out += v.text;
  }
}

// Ordering classes for min/max: booleans, numbers, strings, containers.
int order_class(JsonType t) {
  switch (t) {
    case JsonType::kBool:
      return 0;
    case JsonType::kInt:
    case JsonType::kUint:
    case JsonType::kDouble:
      return 1;
    case JsonType::kString:
      return 2;
    default:
      return 3;
  }
}

// The min/max key of a value, in a scratch AggState (no allocation for
// numbers; strings are compared before they are copied).
struct OrderKey {
  int cls;
  double num;
  bool is_time;
  Micros time;
  std::string_view text;
};

OrderKey order_key(const JsonValue& v) {
  OrderKey k{order_class(v.type), 0, false, 0, v.text};
  if (k.cls == 0) k.num = v.boolean ? 1 : 0;
  if (k.cls == 1)
    k.num = v.type == JsonType::kInt    ? static_cast<double>(v.i)
            : v.type == JsonType::kUint ? static_cast<double>(v.u)
                                        : v.d;
  if (k.cls == 2 && v.text.size() >= 10 && v.text[4] == '-') {
    static const TimeParser iso("iso8601", "UTC");
    EventTime t;
    if (iso.parse(v.text, &t)) k.is_time = true, k.time = t.us;
  }
  return k;
}

OrderKey order_key(const AggState& s) {
  return {order_class(s.vtype), s.num, s.is_time, s.time, s.text};
}

int compare(const OrderKey& a, const OrderKey& b) {
  if (a.cls != b.cls) return a.cls < b.cls ? -1 : 1;
  if (a.cls <= 1) return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  if (a.is_time && b.is_time && a.time != b.time) return a.time < b.time ? -1 : 1;
  const int c = a.text.compare(b.text);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

void keep_order_value(AggState& s, const OrderKey& k, JsonType type) {
  s.vtype = type;
  s.num = k.num;
  s.is_time = k.is_time;
  s.time = k.time;
  s.text.assign(k.text);  // strings unescaped; numbers and containers raw
}

// Adds an exact integer: sums stay exact (an error past 128 bits); avg goes
// on in floating point past 64 bits (it never fails).
void add_wide(const AggSpec& spec, AggState& s, Wide v) {
  if (s.is_double) {
    s.dsum += static_cast<double>(v);
    return;
  }
  const Wide before = wide_value(s);
  Wide sum;
  const bool over = __builtin_add_overflow(before, v, &sum);
  if (spec.kind == AggKind::kSum) {
    if (over) overflow(spec);
    set_wide(s, sum);
    return;
  }
  if (!over && sum >= INT64_MIN && sum <= INT64_MAX) {
    set_wide(s, sum);
    return;
  }
  s.is_double = true;
  s.is_wide = false;
  s.dsum = static_cast<double>(before) + static_cast<double>(v);
}

void add_double(AggState& s, double d) {
  if (!s.is_double) {
    s.dsum = static_cast<double>(wide_value(s));
    s.is_double = true;
    s.is_wide = false;
  }
  s.dsum += d;
}

}  // namespace

bool to_number_slow(const JsonValue& v, JsonValue* n) {
  switch (v.type) {
    case JsonType::kInt:
      n->type = JsonType::kInt, n->i = v.i;
      return true;
    case JsonType::kUint:
      n->type = JsonType::kUint, n->u = v.u, n->text = v.text, n->d = static_cast<double>(v.u);
      return true;
    case JsonType::kDouble: {
      // An integer beyond 64 bits (20 digits or more, no '.' or exponent)
      // stays exact; the length test spares ordinary doubles the scan.
      Wide w;
      if (v.text.size() >= 20 && parse_wide(v.text, &w)) {
        n->type = JsonType::kUint, n->u = 0, n->text = v.text, n->d = v.d;
        return true;
      }
      n->type = JsonType::kDouble, n->d = v.d;
      return true;
    }
    case JsonType::kString: {
      const char* b = v.text.data();
      const char* e = b + v.text.size();
      if (b == e) return false;
      auto ri = std::from_chars(b, e, n->i);
      if (ri.ec == std::errc() && ri.ptr == e) return n->type = JsonType::kInt, true;
      auto rd = std::from_chars(b, e, n->d);
      if (rd.ec == std::errc() && rd.ptr == e && std::isfinite(n->d)) {
        Wide w;
        if (v.text.size() >= 19 && parse_wide(v.text, &w)) {  // an integer outside int64, exact
          n->type = JsonType::kUint, n->u = 0, n->text = v.text;
          return true;
        }
        return n->type = JsonType::kDouble, true;
      }
      return false;
    }
    default:
      return false;
  }
}

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The first of `chars` in `s` outside quotes, or npos.
std::size_t find_unquoted(std::string_view s, std::string_view chars) {
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (chars.find(c) != std::string_view::npos) {
      return i;
    }
  }
  return std::string_view::npos;
}

// True when a quote opened in `s` is still open at its end.
bool in_quote_at_end(std::string_view s) {
  char quote = 0;
  for (const char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    }
  }
  return quote != 0;
}

// A field path inside a spec: no characters that would mean an expression.
void check_field(std::string_view text, std::string_view field, const char* what,
                 void (*bad)(std::string_view, const std::string&)) {
  if (field.empty()) bad(text, std::string(what) + " needs a field");
  const std::size_t odd = field.find_first_of("()'\",=<>!");
  if (odd != std::string_view::npos) {
    bad(text, "'" + std::string(field) + "' is not a field name ('" + std::string(1, field[odd]) +
                  "' is not allowed there; sx has no expressions here yet)");
  }
}

[[noreturn]] void bad_by(std::string_view text, const std::string& why) {
  throw usage_error("bad --by '" + std::string(text) + "': " + why +
                    " (write FIELD or FIELD as NAME, e.g. --by 'http.path as path')");
}

void bad_agg_fn(std::string_view text, const std::string& why) { bad_agg(text, why); }
void bad_by_fn(std::string_view text, const std::string& why) { bad_by(text, why); }

// "as NAME" after a spec: the name, or "" when `rest` is empty. Throws via
// `bad` for anything else.
std::string parse_alias(std::string_view text, std::string_view rest, std::string_view after,
                        void (*bad)(std::string_view, const std::string&)) {
  rest = trim_blanks(rest);
  if (rest.empty()) return {};
  const bool as = rest.size() >= 2 && (rest.substr(0, 2) == "as" || rest.substr(0, 2) == "AS") &&
                  (rest.size() == 2 || is_space(rest[2]));
  if (!as) {
    bad(text, "unexpected '" + std::string(rest) + "' after " + std::string(after) +
                  " (to name the result write '... as NAME'; give several aggregates as separate "
                  "--agg flags or separated by commas)");
  }
  const std::string_view name = trim_blanks(rest.substr(2));
  if (name.empty()) bad(text, "'as' needs a name");
  for (const char c : name) {
    if (!is_word_char(c) && c != '.' && c != '-' && c != '@' &&
        static_cast<unsigned char>(c) < 0x80) {
      bad(text, "'" + std::string(name) +
                    "' is not a name after 'as' (one word: letters, digits, '_', '-', '.')");
    }
  }
  return std::string(name);
}

const char* op_word(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "_";
    case CmpOp::kNe:
      return "_ne_";
    case CmpOp::kLt:
      return "_lt_";
    case CmpOp::kLe:
      return "_le_";
    case CmpOp::kGt:
      return "_gt_";
    case CmpOp::kGe:
      return "_ge_";
  }
  return "_";
}

// count_if's argument: FIELD OP VALUE.
void parse_condition(std::string_view text, std::string_view arg, AggSpec& spec) {
  static constexpr std::string_view kOpChars = "=!<>";
  const std::size_t at = find_unquoted(arg, kOpChars);
  if (at == std::string_view::npos) {
    bad_agg(text,
            "count_if needs FIELD OP VALUE with OP one of = != < <= > >=, as in "
            "count_if(status>=500)");
  }
  const std::string_view field = trim_blanks(arg.substr(0, at));
  if (field.empty()) bad_agg(text, "count_if needs a field before the operator");
  check_field(text, field, "count_if", bad_agg_fn);
  std::size_t end = at;
  while (end < arg.size() && kOpChars.find(arg[end]) != std::string_view::npos) ++end;
  const std::string_view op = arg.substr(at, end - at);
  if (op == "=" || op == "==")
    spec.op = CmpOp::kEq;
  else if (op == "!=" || op == "<>")
    spec.op = CmpOp::kNe;
  else if (op == "<")
    spec.op = CmpOp::kLt;
  else if (op == "<=")
    spec.op = CmpOp::kLe;
  else if (op == ">")
    spec.op = CmpOp::kGt;
  else if (op == ">=")
    spec.op = CmpOp::kGe;
  else {
    const std::string hint = op == "=>"                ? " (did you mean '>='?)"
                             : op == "=<"              ? " (did you mean '<='?)"
                             : op == "=!" || op == "!" ? " (did you mean '!='?)"
                                                       : "";
    bad_agg(text, "unknown operator '" + std::string(op) + "'" + hint +
                      "; count_if compares with = != < <= > >=");
  }
  std::string_view value = trim_blanks(arg.substr(end));
  if (value.empty()) bad_agg(text, "count_if needs a value after '" + std::string(op) + "'");
  if (value.front() == '\'' || value.front() == '"') {
    const char q = value.front();
    const std::size_t close = value.find(q, 1);
    if (close == std::string_view::npos) bad_agg(text, "unterminated quote in the value");
    if (close != value.size() - 1) {
      bad_agg(text,
              "unexpected '" + std::string(value.substr(close + 1)) + "' after the quoted value");
    }
    spec.match = std::string(value.substr(1, close - 1));
    spec.lit = JsonType::kString;
  } else {
    const std::size_t odd = value.find_first_of("()'\",=<>!");
    if (odd != std::string_view::npos) {
      bad_agg(text, "'" + std::string(value) + "' is not a value ('" + std::string(1, value[odd]) +
                        "'; quote a value that holds it, as in count_if(F='a,b'); sx has no "
                        "expressions here yet)");
    }
    spec.match = std::string(value);
    if (value == "true" || value == "false") {
      spec.lit = JsonType::kBool;
      spec.lit_bool = value == "true";
    } else if (value == "null") {
      spec.lit = JsonType::kNull;  // Spark: x = NULL is null, never true
    } else if (is_json_number(value)) {
      JsonValue s;
      s.type = JsonType::kString;
      s.text = value;
      if (!to_number(s, &spec.lit_num))
        bad_agg(text, "the number '" + std::string(value) + "' is out of range");
      spec.lit = spec.lit_num.type;
      spec.lit_is_num = true;
    } else {
      spec.lit = JsonType::kString;
    }
  }
  if (spec.lit == JsonType::kString) {
    JsonValue s;
    s.type = JsonType::kString;
    s.text = spec.match;
    spec.lit_is_num = to_number(s, &spec.lit_num);
    if (spec.match.size() >= 10 && spec.match[4] == '-') {
      static const TimeParser iso("iso8601", "UTC");
      EventTime t;
      if (iso.parse(spec.match, &t)) spec.lit_is_time = true, spec.lit_time = t.us;
    }
  }
  std::string name = default_name("count_if", field);
  name += op_word(spec.op);
  name += default_name("", spec.match).substr(spec.match.empty() ? 0 : 1);
  spec.name = name;
}

}  // namespace

namespace {

[[noreturn]] void bad_call(std::string_view text, const std::string& why) {
  throw usage_error("bad --agg '" + std::string(trim_blanks(text)) + "': " + why);
}

std::string format_number(double d) {
  std::string out;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.assign(buf, r.ptr);
  return out;
}

namespace {

// The issue-14 aggregates (Spark's functions of the same names): the one
// list that parse_agg, make_agg and the did-you-mean read.
struct NewFunc {
  const char* name;
  AggKind kind;
  const char* usage;
};
constexpr NewFunc kNewFuncs[] = {
    {"stddev", AggKind::kStddevSamp, "stddev(value)"},
    {"std", AggKind::kStddevSamp, "std(value)"},
    {"stddev_samp", AggKind::kStddevSamp, "stddev_samp(value)"},
    {"stddev_pop", AggKind::kStddevPop, "stddev_pop(value)"},
    {"variance", AggKind::kVarSamp, "variance(value)"},
    {"var_samp", AggKind::kVarSamp, "var_samp(value)"},
    {"var_pop", AggKind::kVarPop, "var_pop(value)"},
    {"median", AggKind::kMedian, "median(value)"},
    {"percentile", AggKind::kPercentile, "percentile(value, 0.95)"},
    {"percentile_approx", AggKind::kPercentileApprox,
     "percentile_approx(value, 0.95) or percentile_approx(value, array(0.5, 0.95), 1000)"},
    {"approx_percentile", AggKind::kPercentileApprox,
     "approx_percentile(value, 0.95) or approx_percentile(value, array(0.5, 0.95), 1000)"},
    {"approx_count_distinct", AggKind::kApproxCountDistinct,
     "approx_count_distinct(user_id) or approx_count_distinct(user_id, 0.02)"},
    {"min_by", AggKind::kMinBy, "min_by(user, value)"},
    {"max_by", AggKind::kMaxBy, "max_by(user, value)"}};

const NewFunc* new_function(std::string_view name) {
  for (const NewFunc& f : kNewFuncs) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace

// The issue-14 aggregates. False when `function` is none of them.
bool make_new_agg(std::string_view function, const std::vector<AggArg>& args, bool star,
                  std::string_view alias, std::string_view text, AggSpec& spec) {
  const NewFunc* f = new_function(function);
  if (!f) return false;
  spec.kind = f->kind;
  std::size_t min_args = 1, max_args = 1;
  switch (f->kind) {
    case AggKind::kPercentile:
    case AggKind::kMinBy:
    case AggKind::kMaxBy:
      min_args = max_args = 2;
      break;
    case AggKind::kPercentileApprox:
      min_args = 2, max_args = 3;
      break;
    case AggKind::kApproxCountDistinct:
      max_args = 2;
      break;
    default:
      break;
  }
  const std::string fn(function);
  if (star || args.size() < min_args || args.size() > max_args) {
    bad_call(
        text,
        fn + " takes " +
            (min_args == max_args ? std::to_string(min_args)
                                  : std::to_string(min_args) + " or " + std::to_string(max_args)) +
            " argument" + (max_args > 1 ? "s" : "") + ", not " +
            (star ? std::string("*") : std::to_string(args.size())) + "; write " + f->usage);
  }
  const AggArg& a = args[0];
  if (a.kind == AggArg::Kind::kConstant) {
    bad_call(text, fn +
                       " needs a field or an expression as its first argument, not the "
                       "constant '" +
                       a.text + "'; write " + f->usage);
  }
  spec.arg_text = a.text;
  if (a.kind == AggArg::Kind::kField)
    spec.field = a.field;
  else
    spec.field_is_expr = true;
  spec.name = !alias.empty() ? std::string(alias) : default_name(function, spec.arg_text);
  const auto percentages = [&](const AggArg& p) {
    if (p.kind != AggArg::Kind::kConstant || !(p.is_number || p.is_array)) {
      bad_call(text, fn +
                         "'s percentage must be a constant number in [0, 1] or an array of "
                         "them, not '" +
                         p.text + "'; write " + f->usage);
    }
    spec.percentages_array = p.is_array;
    spec.percentages = p.is_array ? p.nums : std::vector<double>{p.num};
    if (spec.percentages.empty()) bad_call(text, fn + "'s array of percentages is empty");
    for (const double x : spec.percentages) {
      if (!(x >= 0 && x <= 1)) {
        bad_call(text, fn + "'s percentage " + format_number(x) +
                           " is outside [0, 1] (write 0.95 for the 95th percentile)");
      }
    }
  };
  switch (f->kind) {
    case AggKind::kMedian:
      spec.percentages = {0.5};
      break;
    case AggKind::kPercentile:
      percentages(args[1]);
      break;
    case AggKind::kPercentileApprox:
      percentages(args[1]);
      if (args.size() == 3) {
        const AggArg& acc = args[2];
        // Spark's ApproximatePercentile: 0 < accuracy <= Int.MaxValue.
        if (acc.kind != AggArg::Kind::kConstant || !acc.is_number ||
            acc.num != std::floor(acc.num) || acc.num <= 0 || acc.num > 2147483647.0) {
          bad_call(text, fn +
                             "'s accuracy must be a positive integer constant up to 2147483647, "
                             "not '" +
                             acc.text +
                             "' (10000 by default; the relative error is "
                             "1 / accuracy)");
        }
        spec.accuracy = static_cast<std::int64_t>(acc.num);
      }
      break;
    case AggKind::kApproxCountDistinct:
      if (args.size() == 2) {
        const AggArg& r = args[1];
        // Spark's HyperLogLogPlusPlus: p = ceil(2 log2(1.106 / rsd)) >= 4,
        // that is rsd <= 0.39; sx also bounds p to 18 (rsd >= 0.0022).
        const int p =
            r.kind == AggArg::Kind::kConstant && r.is_number ? Hll::precision_for(r.num) : 0;
        if (p < 4 || p > kMaxHllPrecision) {
          bad_call(text, fn +
                             "'s relative standard deviation must be a constant between "
                             "0.0022 and 0.39, not '" +
                             r.text + "' (0.05 by default)");
        }
        spec.rsd = r.num;
      }
      break;
    case AggKind::kMinBy:
    case AggKind::kMaxBy: {
      const AggArg& o = args[1];
      if (o.kind == AggArg::Kind::kConstant) {
        bad_call(text, fn + " needs a field or an expression to order by, not the constant '" +
                           o.text + "'; write " + f->usage);
      }
      spec.order_text = o.text;
      if (o.kind == AggArg::Kind::kField)
        spec.order_field = o.field;
      else
        spec.order_is_expr = true;
      break;
    }
    default:
      break;
  }
  return true;
}

// One argument of a legacy --agg call: a quoted string, a number, true,
// false, null, array(n, ...) or a field path.
AggArg legacy_arg(std::string_view text, std::string_view piece, std::string_view fn) {
  AggArg a;
  const std::string_view t = trim_blanks(piece);
  a.text = std::string(t);
  if (t.empty()) bad_call(text, "an empty argument of " + std::string(fn));
  a.kind = AggArg::Kind::kConstant;
  if (t.front() == '\'' || t.front() == '"') {
    if (t.size() < 2 || t.back() != t.front() || t.find(t.front(), 1) != t.size() - 1)
      bad_call(text, "unterminated or misplaced quote in '" + a.text + "'");
    a.is_string = true;
    a.str = std::string(t.substr(1, t.size() - 2));
    return a;
  }
  if (t == "true" || t == "false") {
    a.is_bool = true;
    a.b = t == "true";
    return a;
  }
  if (t == "null") return a;
  {
    double d;
    const char* b = t.data();
    const char* e = b + t.size();
    if (*b == '+') ++b;
    auto r = std::from_chars(b, e, d);
    if (r.ec == std::errc() && r.ptr == e) {
      a.is_number = true;
      a.num = d;
      return a;
    }
  }
  std::string lower(t.substr(0, std::min<std::size_t>(t.size(), 6)));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "array(" || (lower.rfind("array", 0) == 0 && t.find('(') != std::string_view::npos &&
                            trim_blanks(t.substr(5, t.find('(') - 5)).empty())) {
    const std::size_t open = t.find('(');
    if (t.back() != ')') bad_call(text, "'" + a.text + "' is not array(n, ...)");
    const std::string_view inner = t.substr(open + 1, t.size() - open - 2);
    a.is_array = true;
    std::size_t from = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
      if (i < inner.size() && inner[i] != ',') continue;
      const std::string_view item = trim_blanks(inner.substr(from, i - from));
      double d;
      auto r = std::from_chars(item.data(), item.data() + item.size(), d);
      if (item.empty() || r.ec != std::errc() || r.ptr != item.data() + item.size()) {
        bad_call(text, "'" + std::string(item) + "' in " + a.text +
                           " is not a number (an array holds numbers, as in array(0.5, 0.95))");
      }
      a.nums.push_back(d);
      from = i + 1;
    }
    return a;
  }
  a.kind = AggArg::Kind::kField;
  check_field(text, t, fn.data(), bad_agg_fn);
  a.field = FieldPath::parse(t);
  return a;
}

bool is_new_function(std::string_view f) { return new_function(f) != nullptr; }

// The legacy grammar for the issue-14 functions: FUNC(ARG, ARG...) [as NAME],
// the arguments split at top-level commas.
AggSpec parse_new_call(std::string_view text, std::string_view func, std::string_view rest) {
  const std::string fn(func);
  if (rest.empty() || rest.front() != '(') {
    AggSpec dummy;
    make_new_agg(func, {}, false, "", text, dummy);  // throws: the usage
  }
  std::vector<std::string_view> pieces;
  int depth = 0;
  char quote = 0;
  std::size_t from = 1, close = std::string_view::npos;
  for (std::size_t i = 1; i < rest.size() && close == std::string_view::npos; ++i) {
    const char c = rest[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth == 0) {
        pieces.push_back(rest.substr(from, i - from));
        close = i;
      } else {
        --depth;
      }
    } else if (c == ',' && depth == 0) {
      pieces.push_back(rest.substr(from, i - from));
      from = i + 1;
    }
  }
  if (close == std::string_view::npos) {
    if (quote) bad_agg(text, "unterminated quote");
    bad_agg(text, "unbalanced parentheses: no ')' closes '('");
  }
  const std::string_view after = rest.substr(close + 1);
  if (find_unquoted(after, ")") != std::string_view::npos &&
      find_unquoted(after, "(") == std::string_view::npos) {
    bad_agg(text, "unbalanced parentheses: a ')' closes nothing");
  }
  const std::string alias = parse_alias(text, after, "')'", bad_agg_fn);
  std::vector<AggArg> args;
  if (!(pieces.size() == 1 && trim_blanks(pieces[0]).empty())) {
    for (const std::string_view p : pieces) args.push_back(legacy_arg(text, p, func));
  }
  AggSpec spec;
  spec.text = std::string(trim_blanks(text));
  make_new_agg(func, args, false, alias, text, spec);
  return spec;
}

}  // namespace

namespace {

// The one-value aggregates of the legacy grammar, which make_agg also builds
// (count's other forms first).
struct AggFunc {
  const char* name;
  AggKind kind;
};
constexpr AggFunc kLegacyFuncs[] = {{"count", AggKind::kCount},
                                    {"count_if", AggKind::kCountIf},
                                    {"sum", AggKind::kSum},
                                    {"avg", AggKind::kAvg},
                                    {"mean", AggKind::kAvg},
                                    {"min", AggKind::kMin},
                                    {"max", AggKind::kMax},
                                    {"count_distinct", AggKind::kCountDistinct},
                                    {"first", AggKind::kFirst},
                                    {"last", AggKind::kLast},
                                    {"collect_list", AggKind::kCollectList}};

}  // namespace

AggSpec parse_agg(std::string_view text) {
  AggSpec spec;
  const std::string_view s = trim_blanks(text);
  spec.text = std::string(s);
  if (s.empty()) bad_agg(text, "empty spec");
  std::size_t i = 0;
  while (i < s.size() && is_word_char(s[i])) ++i;
  const std::string_view func = s.substr(0, i);
  if (func.empty()) bad_agg(text, "expected a function name at '" + std::string(s) + "'");
  std::string_view rest = trim_blanks(s.substr(i));
  if (is_new_function(func)) return parse_new_call(text, func, rest);
  std::string_view arg;
  bool parens = false;
  if (!rest.empty() && rest.front() == '(') {
    parens = true;
    const std::size_t close = find_unquoted(rest.substr(1), "()");
    if (close == std::string_view::npos) {
      if (in_quote_at_end(rest)) bad_agg(text, "unterminated quote");
      bad_agg(text, "unbalanced parentheses: no ')' closes '('");
    }
    if (rest[1 + close] == '(') {
      bad_agg(text,
              "nested parentheses: a function takes one field (sx has no expressions here yet)");
    }
    arg = trim_blanks(rest.substr(1, close));
    rest = rest.substr(close + 2);
    if (find_unquoted(rest, ")") != std::string_view::npos &&
        find_unquoted(rest, "(") == std::string_view::npos) {
      bad_agg(text, "unbalanced parentheses: a ')' closes nothing");
    }
  }
  const AggFunc* found = nullptr;
  for (const AggFunc& f : kLegacyFuncs) {
    if (func == f.name) found = &f;
  }
  if (!found) {
    const std::vector<std::string>& names = agg_function_names();
    std::string lower(func);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string near = lower != func && std::find(names.begin(), names.end(), lower) != names.end()
                           ? lower
                           : closest_name(func, names, 2);
    bad_agg(text, "unknown function '" + std::string(func) + "'" +
                      (near.empty() ? "" : " (did you mean " + near + "?)"));
  }
  const std::string alias =
      parse_alias(text, rest, parens ? "')'" : "'" + std::string(func) + "'", bad_agg_fn);
  spec.kind = found->kind;
  std::string name_func = found->kind == AggKind::kAvg ? "avg" : found->name;
  if (spec.kind == AggKind::kCount) {
    if (!arg.empty() && arg != "*")
      bad_agg(text, "count takes no field (use count_if(F=V) or count_distinct(F))");
    spec.name = alias.empty() ? "count" : alias;
    return spec;
  }
  if (arg.empty())
    bad_agg(text, std::string(found->name) + " needs a field, as in " + found->name + "(value)");
  std::string_view field = arg;
  if (spec.kind == AggKind::kCountIf) {
    parse_condition(text, arg, spec);
    field = trim_blanks(arg.substr(0, find_unquoted(arg, "=!<>")));
    spec.field = FieldPath::parse(field);
    if (!alias.empty()) spec.name = alias;
    return spec;
  }
  check_field(text, field, found->name, bad_agg_fn);
  spec.field = FieldPath::parse(field);
  spec.name = alias.empty() ? default_name(name_func, arg) : alias;
  return spec;
}

const std::vector<std::string>& agg_function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const AggFunc& f : kLegacyFuncs) v.emplace_back(f.name);
    for (const NewFunc& f : kNewFuncs) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

AggSpec make_agg(std::string_view function, const std::vector<AggArg>& args, bool star,
                 bool distinct, std::string_view alias, std::string_view text) {
  AggSpec spec;
  spec.text = std::string(trim_blanks(text));
  const auto one_value = [&](const char* example) -> const AggArg& {
    if (args.size() != 1 || star) {
      bad_agg(text, std::string(function) + " takes one argument, as in " + example);
    }
    const AggArg& a = args[0];
    if (a.kind == AggArg::Kind::kConstant) {
      bad_agg(text, std::string(function) + " needs a field or an expression, not the constant '" +
                        a.text + "'");
    }
    spec.arg_text = a.text;
    if (a.kind == AggArg::Kind::kField) {
      spec.field = a.field;
    } else {
      spec.field_is_expr = true;
    }
    return a;
  };
  const auto name_or = [&](std::string_view func) {
    spec.name = !alias.empty() ? std::string(alias) : default_name(func, spec.arg_text);
  };
  if (function == "count") {
    if (star || args.empty()) {
      if (distinct) bad_agg(text, "count(DISTINCT *) is not a thing; name a field");
      spec.kind = AggKind::kCount;
      spec.name = alias.empty() ? "count" : std::string(alias);
      return spec;
    }
    if (distinct) {
      one_value("count(DISTINCT user_id)");
      spec.kind = AggKind::kCountDistinct;
      name_or("count_distinct");
      return spec;
    }
    one_value("count(user_id)");
    spec.kind = AggKind::kCountNonNull;
    name_or("count");
    return spec;
  }
  if (distinct) bad_agg(text, "DISTINCT goes only with count, as in count(DISTINCT user_id)");
  for (const AggFunc& f : kLegacyFuncs) {
    if (f.kind == AggKind::kCount || function != f.name) continue;
    spec.kind = f.kind;
    one_value((std::string(f.name) + "(value)").c_str());
    if (f.kind == AggKind::kCountIf) {
      // A condition: its value per row, counted when true (a boolean field too).
      spec.cond_is_expr = true;
      spec.field_is_expr = args[0].kind != AggArg::Kind::kField;
    }
    name_or(f.kind == AggKind::kAvg ? "avg" : f.name);
    return spec;
  }
  if (make_new_agg(function, args, star, alias, text, spec)) return spec;
  const std::string near = closest_name(function, agg_function_names(), 2);
  bad_agg(text, "unknown function '" + std::string(function) + "'" +
                    (near.empty() ? "" : " (did you mean " + near + "?)"));
}

std::vector<AggSpec> parse_aggs(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  char quote = 0;
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(text.substr(from, i - from));
      from = i + 1;
    }
  }
  if (parts.empty()) return {parse_agg(text)};
  parts.push_back(text.substr(from));
  std::vector<AggSpec> out;
  for (const auto part : parts) {
    if (trim_blanks(part).empty()) bad_agg(text, "an empty aggregate between commas");
    out.push_back(parse_agg(part));
  }
  return out;
}

GroupSpec parse_group_spec(std::string_view text) {
  GroupSpec g;
  std::string_view s = trim_blanks(text);
  if (s.empty()) bad_by(text, "an empty field name");
  std::string_view field = s;
  std::string alias;
  for (std::size_t i = 0; i + 3 < s.size(); ++i) {
    if (is_space(s[i]) && (s.substr(i + 1, 2) == "as" || s.substr(i + 1, 2) == "AS") &&
        (i + 3 == s.size() || is_space(s[i + 3]))) {
      field = trim_blanks(s.substr(0, i));
      alias = parse_alias(text, s.substr(i + 1), "the field", bad_by_fn);
      break;
    }
  }
  if (s.size() >= 3 && (s.substr(s.size() - 3) == " as" || s.substr(s.size() - 3) == " AS")) {
    bad_by(text, "'as' needs a name");
  }
  check_field(text, field, "--by", bad_by_fn);
  g.field = FieldPath::parse(field);
  g.name = alias.empty() ? std::string(field) : alias;
  return g;
}

void canonical_text(const JsonValue& v, std::string* out) {
  out->clear();
  switch (v.type) {
    case JsonType::kMissing:
    case JsonType::kNull:
      *out = "null";
      return;
    case JsonType::kBool:
      *out = v.boolean ? "true" : "false";
      return;
    case JsonType::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.i);
      out->assign(buf, r.ptr);
      return;
    }
    case JsonType::kUint:
      *out = std::to_string(v.u);
      return;
    case JsonType::kDouble: {
      if (std::trunc(v.d) == v.d && std::fabs(v.d) < 9.2e18) {  // exact in int64
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v.d));
        out->assign(buf, r.ptr);
        return;
      }
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, v.d);
      out->assign(buf, r.ptr);
      return;
    }
    default:
      out->assign(v.text);
  }
}

namespace {

int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

// a <=> b for two numbers from to_number() (kInt or kDouble).
int compare_numbers(const JsonValue& a, const JsonValue& b) {
  if (a.type == JsonType::kInt && b.type == JsonType::kInt)
    return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  const double x = a.type == JsonType::kInt ? static_cast<double>(a.i) : a.d;
  const double y = b.type == JsonType::kInt ? static_cast<double>(b.i) : b.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

// Spark's cast of a string to boolean: true/t/yes/y/1, false/f/no/n/0 (any
// case, trimmed); anything else is null.
bool string_to_bool(std::string_view s, bool* out) {
  s = trim_blanks(s);
  std::string l(s);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1") return *out = true, true;
  if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0") return *out = false, true;
  return false;
}

// v <=> the count_if literal in *c; false when the comparison is null.
bool compare_with_literal(const AggSpec& spec, const JsonValue& v, int* c) {
  switch (v.type) {
    case JsonType::kInt:
    case JsonType::kUint:
    case JsonType::kDouble: {
      if (!spec.lit_is_num) return false;  // a boolean, null or non-numeric string literal
      JsonValue n;
      to_number(v, &n);
      *c = compare_numbers(n, spec.lit_num);
      return true;
    }
    case JsonType::kBool: {
      bool lit;
      if (spec.lit == JsonType::kBool) {
        lit = spec.lit_bool;
      } else if (spec.lit != JsonType::kString || !string_to_bool(spec.match, &lit)) {
        return false;
      }
      *c = static_cast<int>(v.boolean) - static_cast<int>(lit);
      return true;
    }
    case JsonType::kString: {
      if (spec.lit == JsonType::kInt || spec.lit == JsonType::kDouble) {
        JsonValue n;
        if (!to_number(v, &n)) return false;  // Spark: cast('abc' as int) is null
        *c = compare_numbers(n, spec.lit_num);
        return true;
      }
      if (spec.lit == JsonType::kBool) {
        bool b;
        if (!string_to_bool(v.text, &b)) return false;
        *c = static_cast<int>(b) - static_cast<int>(spec.lit_bool);
        return true;
      }
      if (spec.lit != JsonType::kString) return false;
      if (spec.lit_is_time && v.text.size() >= 10 && v.text[4] == '-') {
        static const TimeParser iso("iso8601", "UTC");
        EventTime t;
        if (iso.parse(v.text, &t)) {
          *c = t.us < spec.lit_time ? -1 : t.us > spec.lit_time ? 1 : 0;
          return true;
        }
      }
      *c = sign(v.text.compare(spec.match));
      return true;
    }
    default:
      return false;  // null, missing, objects and arrays
  }
}

}  // namespace

bool agg_matches(const AggSpec& spec, const JsonValue& v) {
  int c;
  if (!compare_with_literal(spec, v, &c)) return false;  // SQL: a null comparison is not true
  switch (spec.op) {
    case CmpOp::kEq:
      return c == 0;
    case CmpOp::kNe:
      return c != 0;
    case CmpOp::kLt:
      return c < 0;
    case CmpOp::kLe:
      return c <= 0;
    case CmpOp::kGt:
      return c > 0;
    case CmpOp::kGe:
      return c >= 0;
  }
  return false;
}

void agg_sum_overflow(const AggSpec& spec, AggState& s, std::int64_t i) {
  // isum holds the wrapped sum; unwrap it in unsigned arithmetic (no signed
  // overflow). A sum goes on in 128 bits, exact; avg never fails: it goes on
  // in floating point.
  const auto before =
      static_cast<std::int64_t>(static_cast<std::uint64_t>(s.isum) - static_cast<std::uint64_t>(i));
  if (spec.kind == AggKind::kSum) {
    set_wide(s, static_cast<Wide>(before) + i);
    return;
  }
  s.is_double = true;
  s.dsum = static_cast<double>(before) + static_cast<double>(i);
}

void agg_add_number_slow(const AggSpec& spec, AggState& s, const JsonValue& n) {
  if (n.type == JsonType::kInt || (n.type == JsonType::kUint && spec.kind == AggKind::kSum)) {
    add_wide(spec, s, wide_of(n));
    return;
  }
  add_double(s, n.type == JsonType::kInt ? static_cast<double>(n.i) : n.d);
}

namespace {

// A value of F as a double for the statistical aggregates: numbers and
// strings holding one (as sum/avg); anything else is an error.
double stat_number(const AggSpec& spec, const JsonValue& v, bool* is_double) {
  JsonValue n;
  if (!to_number(v, &n)) not_numeric(spec, v);
  if (n.type == JsonType::kInt) return static_cast<double>(n.i);
  if (n.type == JsonType::kDouble) *is_double = true;
  return n.d;  // kDouble, or kUint (an integer beyond int64: its nearest double)
}

AggSketch& sketch_of(AggState& s, AggSketch::Kind kind) {
  if (!s.sketch) {
    s.sketch = std::make_unique<AggSketch>();
    s.sketch->kind = kind;
  }
  return *s.sketch;
}

std::uint64_t sketch_bytes(const AggSketch& k) {
  switch (k.kind) {
    case AggSketch::kHll:
      return k.hll.bytes();
    case AggSketch::kQuantiles:
      return k.q.bytes();
    case AggSketch::kValues:
      return k.values.size() * sizeof(double);
    case AggSketch::kBy:
      return k.by_value.size();
  }
  return 0;
}

// Spark's HyperLogLogPlusPlus hashes a value with XxHash64Function, seed 42:
// strings by their UTF-8 bytes, longs as 8 bytes, doubles by their bits
// (-0.0 as 0.0), booleans as the int 1 or 0. sx hashes a double that holds
// an integer as that integer (1.0 and 1 are one value, as count_distinct
// counts them), an integer beyond int64 by its digits, a container by its
// JSON text.
std::uint64_t hll_hash(const JsonValue& v) {
  constexpr std::uint64_t kSeed = 42;
  switch (v.type) {
    case JsonType::kInt:
      return xxh64_long(v.i, kSeed);
    case JsonType::kDouble: {
      if (std::trunc(v.d) == v.d && std::fabs(v.d) < 9.2e18)
        return xxh64_long(static_cast<std::int64_t>(v.d), kSeed);
      std::int64_t bits;
      std::memcpy(&bits, &v.d, sizeof bits);
      return xxh64_long(bits, kSeed);
    }
    case JsonType::kBool: {
      const std::uint32_t b = v.boolean ? 1 : 0;
      return xxh64(&b, sizeof b, kSeed);
    }
    default:
      return xxh64(v.text.data(), v.text.size(), kSeed);
  }
}

// Welford's update (Spark's CentralMomentAgg): n, mean (num), M2 (dsum).
void moment_add(AggState& s, double x) {
  ++s.n;
  const double delta = x - s.num;
  const double delta_n = delta / static_cast<double>(s.n);
  s.num += delta_n;
  s.dsum += delta * (delta - delta_n);
}

}  // namespace

void agg_update(const AggSpec& spec, AggState& s, const JsonValue& v, std::uint64_t seq) {
  switch (spec.kind) {
    case AggKind::kCount:
      ++s.n;
      return;
    case AggKind::kCountIf:
      if (spec.cond_is_expr ? v.type == JsonType::kBool && v.boolean : agg_matches(spec, v)) ++s.n;
      return;
    case AggKind::kFirst:
      if (s.seq == 0 || seq < s.seq) {
        s.seq = seq;
        s.text.clear();
        append_value_json(v, s.text);
      }
      return;
    case AggKind::kLast:
      if (seq >= s.seq) {
        s.seq = seq;
        s.text.clear();
        append_value_json(v, s.text);
      }
      return;
    default:
      break;
  }
  if (v.type == JsonType::kMissing || v.type == JsonType::kNull) return;
  switch (spec.kind) {
    case AggKind::kCountNonNull:
      ++s.n;
      return;
    case AggKind::kSum:
    case AggKind::kAvg: {
      JsonValue n;
      if (!to_number(v, &n)) not_numeric(spec, v);
      agg_add_number(spec, s, n);
      return;
    }
    case AggKind::kMin:
    case AggKind::kMax: {
      const OrderKey k = order_key(v);
      if (s.n == 0) {
        keep_order_value(s, k, v.type);
      } else {
        const int c = compare(k, order_key(s));
        if (spec.kind == AggKind::kMin ? c < 0 : c > 0) keep_order_value(s, k, v.type);
      }
      ++s.n;
      return;
    }
    case AggKind::kCountDistinct: {
      if (!s.distinct) s.distinct = std::make_unique<std::unordered_set<std::string>>();
      thread_local std::string key;
      canonical_text(v, &key);
      key.insert(key.begin(), v.type == JsonType::kString ? 's' : 'v');
      if (s.distinct->insert(key).second) ++s.n, s.value_bytes += key.size() + kDistinctEntryBytes;
      return;
    }
    case AggKind::kCollectList: {
      const std::size_t before = s.text.size();
      if (s.n++ > 0) s.text += ',';
      append_value_json(v, s.text);
      s.value_bytes += s.text.size() - before;
      return;
    }
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop: {
      bool d = false;
      moment_add(s, stat_number(spec, v, &d));
      return;
    }
    case AggKind::kPercentile:
    case AggKind::kMedian: {
      bool d = false;
      const double x = stat_number(spec, v, &d);
      sketch_of(s, AggSketch::kValues).values.push_back(x);
      ++s.n;
      s.value_bytes += sizeof(double);
      return;
    }
    case AggKind::kPercentileApprox: {
      const double x = stat_number(spec, v, &s.is_double);
      AggSketch& k = sketch_of(s, AggSketch::kQuantiles);
      if (s.n == 0) k.q.eps = 1.0 / static_cast<double>(spec.accuracy);
      k.q.insert(x);
      ++s.n;
      s.value_bytes = k.q.bytes();
      return;
    }
    case AggKind::kApproxCountDistinct: {
      if (!s.sketch || s.sketch->hll.words.empty()) {
        AggSketch& k = sketch_of(s, AggSketch::kHll);
        k.hll.init(Hll::precision_for(spec.rsd));
        s.value_bytes = k.hll.bytes();
      }
      s.sketch->hll.add_hash(hll_hash(v));
      return;
    }
    default:
      return;
  }
}

// Spark's MaxBy / MinBy: a row whose ORDER is null is skipped; F may be
// null; a tie keeps the row seen first.
void agg_update_by(const AggSpec& spec, AggState& s, const JsonValue& v, const JsonValue& order,
                   std::uint64_t seq) {
  if (order.type == JsonType::kMissing || order.type == JsonType::kNull) return;
  const OrderKey k = order_key(order);
  AggSketch& sk = sketch_of(s, AggSketch::kBy);
  bool take = s.n == 0;
  if (!take) {
    const int c = compare(k, order_key(s));
    take = spec.kind == AggKind::kMinBy ? c < 0 : c > 0;
  }
  ++s.n;
  if (!take) return;
  keep_order_value(s, k, order.type);
  s.seq = seq;
  sk.by_value.clear();
  append_value_json(v, sk.by_value);
  s.value_bytes = s.text.size() + sk.by_value.size();
}

void agg_merge(const AggSpec& spec, AggState& into, AggState&& from) {
  switch (spec.kind) {
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop: {
      // Spark's CentralMomentAgg merge.
      if (from.n == 0) return;
      const double n1 = static_cast<double>(into.n), n2 = static_cast<double>(from.n);
      const double n = n1 + n2;
      const double delta = from.num - into.num;
      const double delta_n = delta / n;
      into.num += delta_n * n2;
      into.dsum += from.dsum + delta * delta_n * n1 * n2;
      into.n += from.n;
      return;
    }
    case AggKind::kPercentile:
    case AggKind::kMedian:
      if (!from.sketch) return;
      if (!into.sketch) {
        into = std::move(from);
        return;
      }
      into.sketch->values.insert(into.sketch->values.end(), from.sketch->values.begin(),
                                 from.sketch->values.end());
      into.n += from.n;
      into.value_bytes += from.value_bytes;
      return;
    case AggKind::kPercentileApprox:
      if (!from.sketch) return;
      if (!into.sketch) {
        into = std::move(from);
        return;
      }
      into.sketch->q.merge(std::move(from.sketch->q));
      into.n += from.n;
      into.is_double = into.is_double || from.is_double;
      into.value_bytes = into.sketch->q.bytes();
      return;
    case AggKind::kApproxCountDistinct:
      if (!from.sketch) return;
      if (!into.sketch) {
        into = std::move(from);
        return;
      }
      into.sketch->hll.merge(from.sketch->hll);
      return;
    case AggKind::kMinBy:
    case AggKind::kMaxBy: {
      if (from.n == 0) return;
      if (into.n == 0) {
        into = std::move(from);
        return;
      }
      const int c = compare(order_key(from), order_key(into));
      const bool take = (spec.kind == AggKind::kMinBy ? c < 0 : c > 0) ||
                        (c == 0 && from.seq < into.seq);  // a tie: the row seen first
      const std::int64_t n = into.n + from.n;
      if (take) into = std::move(from);
      into.n = n;
      return;
    }
    case AggKind::kCount:
    case AggKind::kCountIf:
    case AggKind::kCountNonNull:
      into.n += from.n;
      return;
    case AggKind::kSum:
    case AggKind::kAvg:
      if (from.is_double)
        add_double(into, from.dsum);
      else
        add_wide(spec, into, wide_value(from));
      into.n += from.n;
      return;
    case AggKind::kMin:
    case AggKind::kMax: {
      if (from.n == 0) return;
      if (into.n == 0) {
        into = std::move(from);
        return;
      }
      const int c = compare(order_key(from), order_key(into));
      const std::int64_t n = into.n + from.n;
      if (spec.kind == AggKind::kMin ? c < 0 : c > 0) into = std::move(from);
      into.n = n;
      return;
    }
    case AggKind::kFirst:
      if (from.seq != 0 && (into.seq == 0 || from.seq < into.seq)) into = std::move(from);
      return;
    case AggKind::kLast:
      if (from.seq > into.seq) into = std::move(from);
      return;
    case AggKind::kCountDistinct:
      if (!from.distinct) return;
      if (!into.distinct) {
        into = std::move(from);
        return;
      }
      for (const auto& k : *from.distinct) {
        if (into.distinct->insert(k).second) into.value_bytes += k.size() + kDistinctEntryBytes;
      }
      into.n = static_cast<std::int64_t>(into.distinct->size());
      return;
    case AggKind::kCollectList:
      if (from.n == 0) return;
      if (into.n > 0) into.text += ',';
      into.text += from.text;
      into.value_bytes += from.value_bytes + 1;
      into.n += from.n;
      return;
  }
}

// Layout: i64 n, i64 isum, f64 dsum, u8 number kind (0: integer sum in isum,
// 1: double, 2: a 128-bit integer sum, isum its low 64 bits and the next u64
// its high 64 bits in place of seq, which sums do not use), u64 seq, u8 vtype, f64 num,
// i64 time, u8 is_time, string text, u8 has_distinct [, u64 count, strings
// in byte order]: 60 bytes at least.
void agg_save(const AggState& s, PayloadWriter& w) {
  w.put_i64(s.n);
  w.put_i64(s.isum);
  w.put_f64(s.dsum);
  w.put_u8(s.is_double ? 1 : s.is_wide ? 2 : 0);
  w.put_u64(s.is_wide ? static_cast<std::uint64_t>(s.ihi) : s.seq);
  w.put_u8(static_cast<std::uint8_t>(s.vtype));
  w.put_f64(s.num);
  w.put_i64(s.time);
  w.put_u8(s.is_time ? 1 : 0);
  w.put_string(s.text);
  w.put_u8(s.distinct ? 1 : s.sketch ? 2 : 0);
  if (s.distinct) {
    std::vector<const std::string*> items;
    items.reserve(s.distinct->size());
    for (const auto& k : *s.distinct) items.push_back(&k);
    std::sort(items.begin(), items.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    w.put_u64(items.size());
    for (const std::string* k : items) w.put_string(*k);
  }
  if (s.sketch && !s.distinct) {
    // Flag 2 (in the distinct-set flag's place): u8 kind, then
    //   kHll: u8 p, u64 words, u64 each
    //   kQuantiles: f64 eps, i64 count, u64 samples, (f64 value, i64 g,
    //     i64 delta) each, u64 head values, f64 each
    //   kValues: u64 values, f64 each
    //   kBy: string F
    const AggSketch& k = *s.sketch;
    w.put_u8(k.kind);
    switch (k.kind) {
      case AggSketch::kHll:
        w.put_u8(static_cast<std::uint8_t>(k.hll.p));
        w.put_u64(k.hll.words.size());
        for (const std::uint64_t x : k.hll.words) w.put_u64(x);
        break;
      case AggSketch::kQuantiles:
        w.put_f64(k.q.eps);
        w.put_i64(k.q.count);
        w.put_u64(k.q.sampled.size());
        for (const Quantiles::Stat& st : k.q.sampled) {
          w.put_f64(st.value);
          w.put_i64(st.g);
          w.put_i64(st.delta);
        }
        w.put_u64(k.q.head.size());
        for (const double x : k.q.head) w.put_f64(x);
        break;
      case AggSketch::kValues:
        w.put_u64(k.values.size());
        for (const double x : k.values) w.put_f64(x);
        break;
      case AggSketch::kBy:
        w.put_string(k.by_value);
        break;
    }
  }
}

namespace {

[[noreturn]] void bad_saved(const std::string& problem) {
  throw data_error("checkpoint payload is malformed (" + problem +
                   "); it was written by an incompatible sx \xE2\x80\x94 start over with a new "
                   "--checkpoint directory");
}

bool get_bool(PayloadReader& r, const char* what) {
  const std::uint8_t b = r.get_u8();
  if (b > 1)
    bad_saved(std::string(what) + " flag " + std::to_string(b) + " at offset " +
              std::to_string(r.position() - 1));
  return b == 1;
}

}  // namespace

namespace {

// A value a sketch keeps: never NaN or infinite (JSON has none; sorting one
// would break the order).
double get_finite(PayloadReader& r) {
  const double x = r.get_f64();
  if (!std::isfinite(x))
    bad_saved("a value that is not a finite number at offset " + std::to_string(r.position() - 8));
  return x;
}

void load_sketch(PayloadReader& r, AggState& s) {
  auto k = std::make_unique<AggSketch>();
  const std::uint8_t kind = r.get_u8();
  switch (kind) {
    case AggSketch::kHll: {
      const int p = r.get_u8();
      if (p < 4 || p > kMaxHllPrecision) {
        bad_saved("an approx_count_distinct precision " + std::to_string(p) + " at offset " +
                  std::to_string(r.position() - 1));
      }
      k->hll.init(p);
      const std::size_t n = r.get_count(8);
      if (n != k->hll.words.size()) {
        bad_saved("an approx_count_distinct of " + std::to_string(n) + " words at offset " +
                  std::to_string(r.position()));
      }
      for (std::uint64_t& x : k->hll.words) x = r.get_u64();
      break;
    }
    case AggSketch::kQuantiles: {
      k->q.eps = r.get_f64();
      if (!(k->q.eps > 0 && k->q.eps <= 1)) {
        bad_saved("a percentile_approx relative error at offset " +
                  std::to_string(r.position() - 8));
      }
      k->q.count = r.get_i64();
      const std::size_t n = r.get_count(24);
      k->q.sampled.resize(n);
      for (Quantiles::Stat& st : k->q.sampled) {
        st.value = get_finite(r);
        st.g = r.get_i64();
        st.delta = r.get_i64();
      }
      const std::size_t h = r.get_count(8);
      k->q.head.resize(h);
      for (double& x : k->q.head) x = get_finite(r);
      break;
    }
    case AggSketch::kValues: {
      const std::size_t n = r.get_count(8);
      k->values.resize(n);
      for (double& x : k->values) x = get_finite(r);
      break;
    }
    case AggSketch::kBy:
      k->by_value.assign(r.get_string());
      break;
    default:
      bad_saved("an aggregate's sketch kind " + std::to_string(kind) + " at offset " +
                std::to_string(r.position() - 1));
  }
  k->kind = static_cast<AggSketch::Kind>(kind);
  s.value_bytes += sketch_bytes(*k);
  s.sketch = std::move(k);
}

}  // namespace

void agg_load(PayloadReader& r, AggState& s) {
  s = AggState{};
  s.n = r.get_i64();
  s.isum = r.get_i64();
  s.dsum = r.get_f64();
  const std::uint8_t number_kind = r.get_u8();
  if (number_kind > 2) {
    bad_saved("an aggregate's number kind " + std::to_string(number_kind) + " at offset " +
              std::to_string(r.position() - 1));
  }
  s.is_double = number_kind == 1;
  s.seq = r.get_u64();
  if (number_kind == 2) {  // a wide sum: seq's place holds its high 64 bits
    s.is_wide = true;
    s.ihi = static_cast<std::int64_t>(s.seq);
    s.seq = 0;
  }
  const std::uint8_t t = r.get_u8();
  if (t > static_cast<std::uint8_t>(JsonType::kArray)) {
    bad_saved("an aggregate's value type " + std::to_string(t) + " at offset " +
              std::to_string(r.position() - 1));
  }
  s.vtype = static_cast<JsonType>(t);
  s.num = r.get_f64();
  s.time = r.get_i64();
  s.is_time = get_bool(r, "an aggregate's is_time");
  s.text.assign(r.get_string());
  const std::uint8_t extra = r.get_u8();
  if (extra > 2) {
    bad_saved("an aggregate's distinct-set flag " + std::to_string(extra) + " at offset " +
              std::to_string(r.position() - 1));
  }
  if (extra == 2) {
    load_sketch(r, s);
  } else if (extra == 1) {
    const std::size_t n = r.get_count(8);
    s.distinct = std::make_unique<std::unordered_set<std::string>>();
    s.distinct->reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view k = r.get_string();
      s.distinct->emplace(k);
      s.value_bytes += k.size() + kDistinctEntryBytes;
    }
  }
  s.value_bytes += s.text.size();
}

void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  const std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  out += s;
  if (s.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void agg_result(const AggSpec& spec, const AggState& s, std::string& out) {
  switch (spec.kind) {
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop: {
      // Spark 3 (spark.sql.legacy.statisticalAggregate off): no value gives
      // null, one value null for the sample statistics (a division by zero).
      const bool samp = spec.kind == AggKind::kStddevSamp || spec.kind == AggKind::kVarSamp;
      if (s.n == 0 || (samp && s.n == 1)) {
        out += "null";
        return;
      }
      double var = s.dsum / static_cast<double>(samp ? s.n - 1 : s.n);
      if (var < 0) var = 0;  // rounding
      append_double(out, spec.kind == AggKind::kStddevSamp || spec.kind == AggKind::kStddevPop
                             ? std::sqrt(var)
                             : var);
      return;
    }
    case AggKind::kApproxCountDistinct: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, s.sketch ? s.sketch->hll.estimate() : 0);
      out.append(buf, r.ptr);
      return;
    }
    case AggKind::kPercentileApprox: {
      if (s.n == 0 || !s.sketch) {
        out += "null";
        return;
      }
      Quantiles q = s.sketch->q;
      q.flush();
      if (spec.percentages_array) out += '[';
      for (std::size_t i = 0; i < spec.percentages.size(); ++i) {
        if (i > 0) out += ',';
        const double x = q.query(spec.percentages[i]);
        if (!s.is_double && std::fabs(x) < 9.2e18) {
          char buf[24];
          auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(x));
          out.append(buf, r.ptr);
        } else {
          append_double(out, x);
        }
      }
      if (spec.percentages_array) out += ']';
      return;
    }
    case AggKind::kPercentile:
    case AggKind::kMedian: {
      if (!s.sketch || s.sketch->values.empty()) {
        out += "null";
        return;
      }
      // Spark's Percentile: the value at position p * (n - 1) of the sorted
      // values, linearly interpolated between its two neighbours.
      std::vector<double> v = s.sketch->values;
      std::sort(v.begin(), v.end());
      if (spec.percentages_array) out += '[';
      for (std::size_t i = 0; i < spec.percentages.size(); ++i) {
        if (i > 0) out += ',';
        const double pos = spec.percentages[i] * static_cast<double>(v.size() - 1);
        const double lo = std::floor(pos), hi = std::ceil(pos);
        const double a = v[static_cast<std::size_t>(lo)], b = v[static_cast<std::size_t>(hi)];
        append_double(out, hi == lo || a == b ? a : (hi - pos) * a + (pos - lo) * b);
      }
      if (spec.percentages_array) out += ']';
      return;
    }
    case AggKind::kMinBy:
    case AggKind::kMaxBy:
      if (s.n == 0 || !s.sketch || s.sketch->by_value.empty())
        out += "null";
      else
        out += s.sketch->by_value;
      return;
    case AggKind::kCount:
    case AggKind::kCountIf:
    case AggKind::kCountNonNull:
    case AggKind::kCountDistinct: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, s.n);
      out.append(buf, r.ptr);
      return;
    }
    case AggKind::kSum:
      if (s.n == 0) {
        out += "null";
      } else if (s.is_double) {
        append_double(out, s.dsum);
      } else if (s.is_wide) {
        append_wide(out, wide_value(s));
      } else {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, s.isum);
        out.append(buf, r.ptr);
      }
      return;
    case AggKind::kAvg:
      if (s.n == 0)
        out += "null";
      else
        append_double(out, (s.is_double ? s.dsum : static_cast<double>(wide_value(s))) /
                               static_cast<double>(s.n));
      return;
    case AggKind::kMin:
    case AggKind::kMax:
      if (s.n == 0)
        out += "null";
      else if (s.vtype == JsonType::kString)
        append_json_string(out, s.text);
      else if (s.vtype == JsonType::kBool)
        out += s.num != 0 ? "true" : "false";
      else
        out += s.text;
      return;
    case AggKind::kFirst:
    case AggKind::kLast:
      out += s.seq == 0 ? std::string_view("null") : std::string_view(s.text);
      return;
    case AggKind::kCollectList:
      out += '[';
      out += s.text;
      out += ']';
      return;
  }
}

}  // namespace sx
