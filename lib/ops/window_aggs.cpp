#include "ops/window_aggs.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "base/error.h"
#include "base/text.h"
#include "expr/json_value.h"
#include "ops/map.h"

namespace sx {

namespace {

// A field name as the legacy grammar reads it and the expression language
// would not: no white space, no operator character but '-' (not first), no
// parenthesis, bracket, quote or comma.
bool plain_name(std::string_view s) {
  s = trim_blanks(s);
  if (s.empty() || s[0] == '-') return false;
  for (const char c : s) {
    if (is_blank(c) || std::strchr("()[]'\"`*/+%<>=!|&^~,", c) != nullptr) return false;
  }
  return true;
}

// count_if's legacy value: one quoted string, or one word (a number, a time
// such as 2024-01-01T00:00:00+01:00, a bare word compared as a string).
bool plain_value(std::string_view s) {
  s = trim_blanks(s);
  if (s.empty()) return true;  // the legacy parser's message
  if ((s[0] == '\'' || s[0] == '"') && s.size() >= 2 && s.back() == s[0]) {
    return s.substr(1, s.size() - 2).find(s[0]) == std::string_view::npos;
  }
  for (const char c : s) {
    if (is_blank(c) || std::strchr("()[]'\"`*/%<>=!|&^~,", c) != nullptr) return false;
  }
  return true;
}

// The spec is in the legacy grammar's shape: a bare word (count), or
// FUNC(ARG) [tail] with ARG a plain field, or for count_if a plain field, an
// operator and a plain value.
bool legacy_shape(std::string_view text) {
  text = trim_blanks(text);
  const std::size_t open = text.find('(');
  if (open == std::string_view::npos) return true;  // count, count as n
  const std::size_t close = text.rfind(')');
  if (close == std::string_view::npos || close < open) return true;  // the legacy message
  const std::string_view func = trim_blanks(text.substr(0, open));
  const std::string_view args = text.substr(open + 1, close - open - 1);
  if (func.size() == 8 && (func == "count_if" || func == "COUNT_IF")) {
    const std::size_t op = args.find_first_of("=!<>");
    if (op == std::string_view::npos) return plain_name(args);
    std::size_t v = op;
    while (v < args.size() && std::strchr("=!<>", args[v]) != nullptr) ++v;
    return plain_name(args.substr(0, op)) && plain_value(args.substr(v));
  }
  return plain_name(args);
}

// One argument of a parsed call, classified for make_agg.
AggArg classify(const expr::Expr& e, const std::string& spec_text) {
  AggArg a;
  a.text = std::string(trim_blanks(e.text()));
  if (e.is_field()) {
    a.kind = AggArg::Kind::kField;
    a.field = e.fields()[0];
    return a;
  }
  if (!e.fields().empty()) {
    a.kind = AggArg::Kind::kExpr;
    return a;
  }
  a.kind = AggArg::Kind::kConstant;
  expr::Scratch scratch;
  expr::Value v;
  try {
    v = e.eval(nullptr, scratch);
  } catch (const Error& err) {
    throw usage_error("bad --agg '" + spec_text + "': " + err.what());
  }
  switch (v.type) {
    case expr::Type::kNull:
      break;
    case expr::Type::kBool:
      a.is_bool = true, a.b = v.b;
      break;
    case expr::Type::kInt:
    case expr::Type::kLong:
    case expr::Type::kDouble:
      a.is_number = true;
      a.num = v.type == expr::Type::kDouble ? v.d : static_cast<double>(v.i);
      break;
    case expr::Type::kString:
    case expr::Type::kTime:
      a.is_string = true;
      expr::append_text(a.str, v);
      break;
    case expr::Type::kJson: {
      // An array of numbers (percentages); anything else is a string to
      // make_agg, which refuses it where a number is needed.
      bool numbers = true;
      std::vector<double> nums;
      const bool array = expr::json_for_each_element(v.s, scratch, [&](const expr::Value& x) {
        double d;
        if (x.is_numeric() && expr::to_double(x, &d)) {
          nums.push_back(d);
        } else {
          numbers = false;
        }
      });
      if (array && numbers) {
        a.is_array = true;
        a.nums = std::move(nums);
      } else {
        a.is_string = true;
        a.str = std::string(v.s);
      }
      break;
    }
  }
  return a;
}

WindowAgg parse_call(const std::string& text) {
  expr::AggregateCall call;
  try {
    call = expr::parse_aggregate_call(text);
  } catch (const Error& e) {
    throw usage_error(std::string("--agg: ") + e.what());
  }
  std::vector<AggArg> args;
  args.reserve(call.args.size());
  for (const expr::Expr& e : call.args) args.push_back(classify(e, text));
  WindowAgg w;
  w.spec = make_agg(call.function, args, call.star, call.distinct,
                    call.named ? std::string_view(call.name) : std::string_view(), text);
  if (w.spec.field_is_expr && !call.args.empty()) w.arg = std::move(call.args[0]);
  if (w.spec.order_is_expr && call.args.size() > 1) w.order = std::move(call.args[1]);
  if (w.spec.cond_is_expr && args[0].kind == AggArg::Kind::kExpr && !w.arg) {
    w.spec.field_is_expr = true;
    w.arg = std::move(call.args[0]);
  }
  return w;
}

WindowAgg parse_one(const std::string& text) {
  if (!legacy_shape(text)) return parse_call(text);
  std::string legacy_error;
  try {
    WindowAgg w;
    w.spec = parse_agg(text);
    return w;
  } catch (const Error& e) {
    if (e.kind() != Error::Kind::kUsage) throw;
    legacy_error = e.what();
  }
  // count(v), count(DISTINCT ...), the functions the legacy grammar does not
  // know: the expression parser's call. When that does not parse either, the
  // legacy message (it knows the shorthand: "unknown operator '=>' (did you
  // mean '>='?)").
  try {
    (void)expr::parse_aggregate_call(text);
  } catch (const Error&) {
    throw usage_error(legacy_error);
  }
  return parse_call(text);
}

}  // namespace

std::vector<std::string> split_list(std::string_view text) { return split_top_level(text); }

std::vector<WindowAgg> parse_window_aggs(std::string_view text) {
  std::vector<WindowAgg> out;
  const std::vector<std::string> parts = split_list(text);
  if (parts.size() == 1) {
    out.push_back(parse_one(std::string(trim_blanks(text))));
    return out;
  }
  for (const std::string& p : parts) {
    if (trim_blanks(p).empty()) {
      // The legacy parser's message for an empty item.
      (void)parse_aggs(text);
      throw usage_error("bad --agg '" + std::string(text) + "': an empty aggregate between commas");
    }
    out.push_back(parse_one(std::string(trim_blanks(p))));
  }
  return out;
}

WindowGroup parse_window_group(std::string_view text) {
  WindowGroup g;
  const std::string_view t = trim_blanks(text);
  // The legacy form: a plain field path, optionally "as NAME".
  std::string_view head = t;
  for (std::size_t i = 0; i + 4 <= t.size(); ++i) {
    if (is_blank(t[i]) && (t[i + 1] == 'a' || t[i + 1] == 'A') &&
        (t[i + 2] == 's' || t[i + 2] == 'S') && is_blank(t[i + 3])) {
      head = t.substr(0, i);
      break;
    }
  }
  if (t.empty() || plain_name(head)) {
    GroupSpec s = parse_group_spec(text);
    g.field = std::move(s.field);
    g.name = std::move(s.name);
    return g;
  }
  expr::Expr e = [&] {
    try {
      return expr::Expr::parse(t);
    } catch (const Error& err) {
      throw usage_error(std::string("--by: ") + err.what());
    }
  }();
  g.name = e.name();
  if (e.is_field()) {
    g.field = e.fields()[0];
    if (!e.named()) g.name = g.field.text();
    return g;
  }
  g.expr = std::move(e);
  return g;
}

void value_to_json(const expr::Value& v, JsonValue* out, std::string* buf, bool text) {
  *out = JsonValue{};
  switch (v.type) {
    case expr::Type::kNull:
      out->type = JsonType::kNull;
      return;
    case expr::Type::kBool:
      out->type = JsonType::kBool;
      out->boolean = v.b;
      return;
    case expr::Type::kInt:
    case expr::Type::kLong: {
      out->type = JsonType::kInt;
      out->i = v.i;
      out->d = static_cast<double>(v.i);
      if (!text) return;
      buf->resize(24);
      const auto r = std::to_chars(buf->data(), buf->data() + buf->size(), v.i);
      buf->resize(static_cast<std::size_t>(r.ptr - buf->data()));
      out->text = *buf;
      return;
    }
    case expr::Type::kDouble:
      if (!std::isfinite(v.d)) {
        out->type = JsonType::kNull;
        return;
      }
      out->type = JsonType::kDouble;
      out->d = v.d;
      if (!text) return;
      buf->clear();
      expr::append_json(*buf, v);
      out->text = *buf;
      return;
    case expr::Type::kString:
      out->type = JsonType::kString;
      out->text = v.s;
      return;
    case expr::Type::kTime:
      // As append_json writes it, without the quotes.
      buf->clear();
      expr::append_json(*buf, v);
      out->type = JsonType::kString;
      out->text = std::string_view(*buf).substr(1, buf->size() - 2);
      return;
    case expr::Type::kJson:
      out->type = !v.s.empty() && v.s[0] == '[' ? JsonType::kArray : JsonType::kObject;
      out->text = v.s;
      return;
  }
}

}  // namespace sx
