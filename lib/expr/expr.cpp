// Evaluation of the operators of sx-expr(7), with Spark's non-ANSI semantics
// (spark.sql.ansi.enabled=false): integer arithmetic wraps, `/` is always a
// double, division and remainder by zero are null, strings in arithmetic are
// cast to double, a string compared to a number is cast to that number's
// type, AND/OR/NOT follow SQL's three-valued logic.
#include "expr/expr.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/error.h"
#include "expr/json_value.h"
#include "expr/program.h"

namespace sx::expr {

[[noreturn, gnu::cold]] void type_error(const Program& p, const Node& n, const std::string& what) {
  std::string msg = "expression '" + std::string(p.node_text(n)) + "'";
  if (p.node_text(n) != p.text) msg += " (in '" + p.text + "')";
  throw data_error(msg + ": " + what);
}

namespace {

std::string shown(const Value& v) {
  std::string s;
  if (v.type == Type::kString) {
    append_json(s, v);
  } else {
    append_text(s, v);
  }
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return std::string(type_name(v.type)) + " " + s;
}

const char* op_name(Op op) {
  switch (op) {
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kIntDiv:
      return "div";
    case Op::kNeg:
      return "unary -";
    default:
      return "the operator";
  }
}

// An operand of arithmetic: numbers as they are, strings cast to double
// (Spark's implicit cast), null when that fails. Booleans, timestamps and
// JSON are type errors, as in Spark.
bool numeric_operand(const Program& p, const Node& n, Value& v) {
  const AsNumber r = as_number(v);
  if (r == AsNumber::kOther) {
    type_error(p, n, std::string("cannot apply ") + op_name(n.op) + " to " + shown(v));
  }
  return r == AsNumber::kNumber;
}

std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t wrap_mul(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}
Value integral(bool narrow, std::int64_t v) {
  if (narrow)
    return Value::int32(
        static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(v))));
  return Value::int64(v);
}

Value arithmetic(const Program& p, const Node& n, Value a, Value b) {
  if (a.is_null() || b.is_null()) return Value::null();
  if (!numeric_operand(p, n, a) || !numeric_operand(p, n, b)) return Value::null();
  if (n.op == Op::kDiv) {
    double x, y;
    to_double(a, &x);
    to_double(b, &y);
    if (y == 0) return Value::null();
    return Value::dbl(x / y);
  }
  if (n.op == Op::kIntDiv) {
    std::int64_t x, y;
    to_long(a, &x);
    to_long(b, &y);
    if (y == 0) return Value::null();
    if (y == -1) return Value::int64(wrap_sub(0, x));  // MIN div -1 wraps to MIN
    return Value::int64(x / y);
  }
  if (a.is_integral() && b.is_integral()) {
    const bool narrow = a.type == Type::kInt && b.type == Type::kInt;
    switch (n.op) {
      case Op::kAdd:
        return integral(narrow, wrap_add(a.i, b.i));
      case Op::kSub:
        return integral(narrow, wrap_sub(a.i, b.i));
      case Op::kMul:
        return integral(narrow, wrap_mul(a.i, b.i));
      case Op::kMod:
        if (b.i == 0) return Value::null();
        if (b.i == -1) return integral(narrow, 0);
        return integral(narrow, a.i % b.i);  // the sign of the dividend, as Java
      default:
        break;
    }
  }
  double x, y;
  to_double(a, &x);
  to_double(b, &y);
  switch (n.op) {
    case Op::kAdd:
      return Value::dbl(x + y);
    case Op::kSub:
      return Value::dbl(x - y);
    case Op::kMul:
      return Value::dbl(x * y);
    case Op::kMod:
      if (y == 0) return Value::null();
      return Value::dbl(std::fmod(x, y));
    default:
      return Value::null();
  }
}

int cmp_double(double x, double y) {
  // Spark orders NaN above every number and equal to itself.
  const bool nx = std::isnan(x), ny = std::isnan(y);
  if (nx || ny) return nx == ny ? 0 : nx ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

int cmp_int(std::int64_t x, std::int64_t y) { return x < y ? -1 : x > y ? 1 : 0; }

bool boolean_operand(const Program& p, const Node& n, const Value& v) {
  if (v.type == Type::kBool || v.is_null()) return true;
  type_error(p, n, "expected a boolean, got " + shown(v));
}

// Spark checks the whole pattern first: the escape character must be
// followed by '_', '%' or itself.
void check_like_pattern(const Program& p, const Node& n, std::string_view pat, char esc) {
  for (std::size_t i = 0; i < pat.size(); ++i) {
    if (pat[i] != esc) continue;
    if (i + 1 >= pat.size() || (pat[i + 1] != '_' && pat[i + 1] != '%' && pat[i + 1] != esc))
      type_error(p, n,
                 "the escape character must be followed by '_', '%' or itself in '" +
                     std::string(pat) + "'");
    ++i;
  }
}

// LIKE: '_' one character, '%' any, the escape character makes the next
// one literal (only _, % or itself may follow it, as in Spark).
bool like_match(std::string_view s, std::string_view pat, char esc) {
  auto char_len = [](std::string_view t, std::size_t i) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return std::min(len, t.size() - i);
  };
  std::size_t si = 0, pi = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < pat.size()) {
      const char c = pat[pi];
      if (c == '%') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      if (c == '_') {
        si += char_len(s, si);
        ++pi;
        continue;
      }
      std::size_t lit = pi, lit_len;
      if (c == esc) lit = pi + 1;  // check_like_pattern made sure one follows
      lit_len = char_len(pat, lit);
      if (s.compare(si, lit_len, pat.substr(lit, lit_len)) == 0) {
        si += lit_len;
        pi = lit + lit_len;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    star_s += char_len(s, star_s);
    si = star_s;
    pi = star_p;
  }
  while (pi < pat.size() && pat[pi] == '%') ++pi;
  return pi == pat.size();
}

// The text of a value for string functions: strings as they are, others cast.
std::string_view text_of(const Value& v, Scratch& scratch) {
  if (v.type == Type::kString || v.type == Type::kJson) return v.s;
  std::string& out = scratch.next();
  append_text(out, v);
  return out;
}

}  // namespace

int compare_values(const Program& p, const Node& n, const Value& a, const Value& b, bool* null) {
  *null = false;
  if (a.is_null() || b.is_null()) {
    *null = true;
    return 0;
  }
  if (a.is_integral() && b.is_integral()) return cmp_int(a.i, b.i);
  if (a.is_numeric() && b.is_numeric())
    return cmp_double(a.type == Type::kDouble ? a.d : a.i, b.type == Type::kDouble ? b.d : b.i);
  if (a.type == Type::kString && b.type == Type::kString) {
    const int c = a.s.compare(b.s);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  // Spark casts the string to the other side's type.
  if (a.type == Type::kString || b.type == Type::kString) {
    const Value& str = a.type == Type::kString ? a : b;
    const Value& other = a.type == Type::kString ? b : a;
    const int sign = a.type == Type::kString ? 1 : -1;
    int c = 0;
    if (other.is_integral()) {
      std::int64_t x;
      if (!to_long(str, &x)) {
        *null = true;
        return 0;
      }
      c = cmp_int(x, other.i);
    } else if (other.type == Type::kDouble) {
      double x;
      if (!to_double(str, &x)) {
        *null = true;
        return 0;
      }
      c = cmp_double(x, other.d);
    } else if (other.type == Type::kTime) {
      std::int64_t x;
      if (!to_time(str, &x)) {
        *null = true;
        return 0;
      }
      c = cmp_int(x, other.i);
    } else if (other.type == Type::kBool) {
      bool x;
      if (!to_bool(str, &x)) {
        *null = true;
        return 0;
      }
      c = cmp_int(x, other.b);
    } else {
      type_error(p, n, "cannot compare " + shown(a) + " with " + shown(b));
    }
    return sign * c;
  }
  if (a.type == Type::kBool && b.type == Type::kBool) return cmp_int(a.b, b.b);
  if (a.type == Type::kTime && b.type == Type::kTime) return cmp_int(a.i, b.i);
  if ((a.type == Type::kBool && b.is_numeric()) || (a.is_numeric() && b.type == Type::kBool)) {
    double x, y;
    to_double(a, &x);
    to_double(b, &y);
    return cmp_double(x, y);
  }
  if (a.type == Type::kJson && b.type == Type::kJson &&
      (n.op == Op::kEq || n.op == Op::kNe || n.op == Op::kEqNullSafe || n.op == Op::kIn ||
       n.op == Op::kCaseOf))
    return a.s == b.s ? 0 : 1;  // same text; see sx-expr(7)
  type_error(p, n, "cannot compare " + shown(a) + " with " + shown(b));
}

namespace {

// The operators met less often, out of eval_node so that its frame stays small.
[[gnu::noinline]] Value eval_rest(const Program& p, const Node& n, const JsonValue* fields,
                                  Scratch& scratch) {
  auto kid = [&](std::size_t k) { return eval_node(p, n.kids[k], fields, scratch); };
  switch (n.op) {
    case Op::kSubscript: {
      const Value base = kid(0);
      const Value idx = kid(1);
      if (base.is_null() || idx.is_null()) return Value::null();
      if (base.type != Type::kJson)
        type_error(p, n, "cannot index into " + shown(base) + " (only arrays and objects)");
      if (idx.type == Type::kString) return json_object_member(base.s, idx.s, scratch);
      std::int64_t i;
      if (!to_long(idx, &i)) return Value::null();
      return json_array_element(base.s, i, scratch);
    }
    case Op::kGetKey: {
      const Value base = kid(0);
      if (base.is_null()) return Value::null();
      if (base.type != Type::kJson)
        type_error(p, n, "cannot read field '" + n.str + "' of " + shown(base));
      return json_object_member(base.s, n.str, scratch);
    }
    case Op::kNeg: {
      Value v = kid(0);
      if (v.is_null() || !numeric_operand(p, n, v)) return Value::null();
      if (v.type == Type::kDouble) return Value::dbl(-v.d);
      return integral(v.type == Type::kInt, wrap_sub(0, v.i));
    }
    case Op::kConcat: {
      const Value a = kid(0), b = kid(1);
      if (a.is_null() || b.is_null()) return Value::null();
      std::string& out = scratch.next();
      append_text(out, a);
      append_text(out, b);
      return Value::str(out);
    }
    case Op::kEqNullSafe: {
      const Value a = kid(0), b = kid(1);
      if (a.is_null() || b.is_null()) return Value::boolean(a.is_null() && b.is_null());
      bool null;
      const int c = compare_values(p, n, a, b, &null);
      return Value::boolean(!null && c == 0);
    }
    case Op::kIn: {
      const Value v = kid(0);
      if (v.is_null()) return v;
      bool saw_null = false;
      for (std::size_t k = 1; k < n.kids.size(); ++k) {
        bool null;
        const int c = compare_values(p, n, v, kid(k), &null);
        if (null) {
          saw_null = true;
        } else if (c == 0) {
          return Value::boolean(!n.negated);
        }
      }
      if (saw_null) return Value::null();
      return Value::boolean(n.negated);
    }
    case Op::kBetween: {
      const Value v = kid(0), lo = kid(1), hi = kid(2);
      bool null_lo, null_hi;
      const int c_lo = compare_values(p, n, v, lo, &null_lo);
      const int c_hi = compare_values(p, n, v, hi, &null_hi);
      // (v >= lo) AND (v <= hi), three-valued, then NOT for NOT BETWEEN.
      const bool false_lo = !null_lo && c_lo < 0, false_hi = !null_hi && c_hi > 0;
      if (false_lo || false_hi) return Value::boolean(n.negated);
      if (null_lo || null_hi) return Value::null();
      return Value::boolean(!n.negated);
    }
    case Op::kLike: {
      const Value a = kid(0), b = kid(1);
      if (a.is_null() || b.is_null()) return Value::null();
      const std::string_view s = text_of(a, scratch), pat = text_of(b, scratch);
      check_like_pattern(p, n, pat, n.escape);
      return Value::boolean(like_match(s, pat, n.escape) != n.negated);
    }
    case Op::kRlike: {
      const Value a = kid(0), b = kid(1);
      if (a.is_null() || b.is_null()) return Value::null();
      const std::string_view s = text_of(a, scratch);
      const std::regex* re = get_regex(p, n, text_of(b, scratch));
      const bool found = std::regex_search(s.begin(), s.end(), *re);
      return Value::boolean(found != n.negated);
    }
    case Op::kIsNull:
      return Value::boolean(kid(0).is_null() != n.negated);
    case Op::kIsTrue:
    case Op::kIsFalse: {
      const Value v = kid(0);
      boolean_operand(p, n, v);
      const bool is = v.type == Type::kBool && v.b == (n.op == Op::kIsTrue);
      return Value::boolean(is != n.negated);
    }
    case Op::kCase: {
      const std::size_t pairs = (n.kids.size() - n.has_else) / 2;
      for (std::size_t k = 0; k < pairs; ++k) {
        const Value c = kid(2 * k);
        boolean_operand(p, n, c);
        if (c.type == Type::kBool && c.b) return kid(2 * k + 1);
      }
      return n.has_else ? kid(n.kids.size() - 1) : Value::null();
    }
    case Op::kCaseOf: {
      const Value subject = kid(0);
      const std::size_t pairs = (n.kids.size() - 1 - n.has_else) / 2;
      for (std::size_t k = 0; k < pairs; ++k) {
        bool null;
        const int c = compare_values(p, n, subject, kid(1 + 2 * k), &null);
        if (!null && c == 0) return kid(2 + 2 * k);
      }
      return n.has_else ? kid(n.kids.size() - 1) : Value::null();
    }
    case Op::kCast:
      return cast_to(kid(0), n.cast_type, scratch);
    case Op::kCall:
      return eval_call(p, n, fields, scratch);
    default:
      break;
  }
  return Value::null();
}

}  // namespace

Value eval_node(const Program& p, int at, const JsonValue* fields, Scratch& scratch) {
  const Node& n = p.nodes[static_cast<std::size_t>(at)];
  auto kid = [&](std::size_t k) { return eval_node(p, n.kids[k], fields, scratch); };
  switch (n.op) {
    case Op::kLiteral:
      return n.literal;
    case Op::kField:
      return from_json(fields[n.field]);
    case Op::kNot: {
      const Value v = kid(0);
      boolean_operand(p, n, v);
      return v.is_null() ? v : Value::boolean(!v.b);
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod:
    case Op::kIntDiv:
      return arithmetic(p, n, kid(0), kid(1));
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      bool null = false;
      int c;
      // A field against a literal of the same kind (status >= 500,
      // event_type = 'purchase'): compared as compare_values would, without
      // making the field a Value.
      const Node& left = p.nodes[static_cast<std::size_t>(n.kids[0])];
      const Node& right = p.nodes[static_cast<std::size_t>(n.kids[1])];
      const JsonValue* f = left.op == Op::kField ? &fields[left.field] : nullptr;
      const Value* lit = right.op == Op::kLiteral ? &right.literal : nullptr;
      if (f && lit && f->type == JsonType::kString && lit->type == Type::kString) {
        const int d = f->text.compare(lit->s);
        c = d < 0 ? -1 : d > 0 ? 1 : 0;
      } else if (f && lit && f->type == JsonType::kInt && lit->is_integral()) {
        c = cmp_int(f->i, lit->i);
      } else if (f && lit && f->type == JsonType::kDouble && lit->is_numeric()) {
        c = cmp_double(f->d, lit->type == Type::kDouble ? lit->d : static_cast<double>(lit->i));
      } else {
        c = compare_values(p, n, kid(0), kid(1), &null);
      }
      if (null) return Value::null();
      switch (n.op) {
        case Op::kEq:
          return Value::boolean(c == 0);
        case Op::kNe:
          return Value::boolean(c != 0);
        case Op::kLt:
          return Value::boolean(c < 0);
        case Op::kLe:
          return Value::boolean(c <= 0);
        case Op::kGt:
          return Value::boolean(c > 0);
        default:
          return Value::boolean(c >= 0);
      }
    }
    case Op::kAnd: {
      const Value a = kid(0);
      boolean_operand(p, n, a);
      if (a.type == Type::kBool && !a.b) return a;
      const Value b = kid(1);
      boolean_operand(p, n, b);
      if (b.type == Type::kBool && !b.b) return b;
      if (a.is_null() || b.is_null()) return Value::null();
      return Value::boolean(true);
    }
    case Op::kOr: {
      const Value a = kid(0);
      boolean_operand(p, n, a);
      if (a.type == Type::kBool && a.b) return a;
      const Value b = kid(1);
      boolean_operand(p, n, b);
      if (b.type == Type::kBool && b.b) return b;
      if (a.is_null() || b.is_null()) return Value::null();
      return Value::boolean(false);
    }
    default:
      return eval_rest(p, n, fields, scratch);
  }
}

void fold_constants(Program* p) {
  Scratch scratch;
  for (std::size_t i = 0; i < p->nodes.size(); ++i) {
    Node& n = p->nodes[i];
    if (n.op == Op::kLiteral || n.op == Op::kField) continue;
    if (n.op == Op::kCall && n.fn == Fn::kUnixTimestamp && n.kids.empty()) continue;  // now
    bool constant = true;
    for (const int k : n.kids)
      constant = constant && p->nodes[static_cast<std::size_t>(k)].op == Op::kLiteral;
    if (!constant) continue;
    Value v;
    try {
      scratch.reset();
      v = eval_node(*p, static_cast<int>(i), nullptr, scratch);
    } catch (const Error& e) {
      throw usage_error(e.what());  // Spark refuses it when analysing the query
    }
    if (v.type == Type::kString || v.type == Type::kJson) {
      p->literals.emplace_back(v.s);
      v.s = p->literals.back();
    }
    n.op = Op::kLiteral;
    n.literal = v;
    n.kids.clear();
    n.regex.reset();
    n.time.reset();
  }
}

Expr::Expr() : p_(std::make_unique<Program>()) {}
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;
Expr::~Expr() = default;
Expr::Expr(const Expr& other) : Expr(parse(other.text())) {
  if (!other.p_->bound.empty()) bind(other.p_->bound);
}
Expr& Expr::operator=(const Expr& other) {
  if (this != &other) *this = Expr(other);
  return *this;
}

void Expr::bind(const std::vector<FieldPath>& stage_fields) {
  std::vector<int> at;
  for (const FieldPath& f : p_->fields) {
    int found = -1;
    for (std::size_t j = 0; j < stage_fields.size() && found < 0; ++j)
      if (stage_fields[j].text() == f.text()) found = static_cast<int>(j);
    if (found < 0)
      throw usage_error("expression '" + p_->text + "': its field '" + f.text() +
                        "' is not among the fields the stage reads (a bug in the caller)");
    at.push_back(found);
  }
  // Re-number from the original positions (bind may be called again).
  for (Node& n : p_->nodes)
    if (n.op == Op::kField) n.field = at[static_cast<std::size_t>(n.path)];
  p_->bound = stage_fields;
}

Expr Expr::parse(std::string_view text) {
  Expr e;
  parse_program(text, e.p_.get());
  return e;
}

const std::string& Expr::text() const { return p_->text; }
const std::string& Expr::name() const { return p_->name; }
bool Expr::named() const { return p_->named; }
const std::vector<FieldPath>& Expr::fields() const { return p_->fields; }
bool Expr::is_field() const {
  return p_->nodes[static_cast<std::size_t>(p_->root)].op == Op::kField;
}

AggregateCall parse_aggregate_call(std::string_view text) {
  AggregateSyntax syntax;
  parse_aggregate(text, &syntax);
  AggregateCall call;
  call.function = std::move(syntax.function);
  call.star = syntax.star;
  call.distinct = syntax.distinct;
  call.name = std::move(syntax.name);
  call.named = syntax.named;
  for (const auto& [begin, end] : syntax.args)
    call.args.push_back(Expr::parse(text.substr(begin, end - begin)));
  return call;
}

Value Expr::eval(const JsonValue* values, Scratch& scratch) const {
  scratch.reset();
  return eval_node(*p_, p_->root, values, scratch);
}

}  // namespace sx::expr
