// sx-window's --agg and --by parsers (issue 14): an aggregate's arguments and
// a group key may be expressions of the expression language (sx-expr(7)).
//
// --agg: the legacy grammar of state/aggregate.h (FUNC(FIELD) [as NAME],
// count_if(FIELD OP VALUE)) is tried first, and keeps its meaning where its
// argument is a plain field name (no white space, no operator character but
// '-', no parenthesis or quote) and, for count_if, its value one word or one
// quoted string: count_if(level=error) compares with the string "error" (sx's
// legacy shorthand). Anything else is parsed as a Spark call,
// expr::parse_aggregate_call: sum(price * qty), count_if(status >= 500 AND
// method = 'GET'), count(DISTINCT user_id), max(length(path)).
//
// --by: a plain field path (today's path, with its byte-keeping fast path),
// or an expression with an optional AS name; an expression without one is
// named by its text, as Spark names an unaliased column.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/expr.h"
#include "io/json.h"
#include "state/aggregate.h"

namespace sx {

// One aggregate of --agg: its spec and the expressions it evaluates per
// record (arg when spec.field_is_expr, order when spec.order_is_expr).
struct WindowAgg {
  AggSpec spec;
  std::optional<expr::Expr> arg;
  std::optional<expr::Expr> order;
};

// Parses one --agg value, which may list several aggregates separated by
// commas outside parentheses and quotes. Throws usage_error: the legacy
// parser's message when the spec is in its shape (e.g. an unknown count_if
// operator, with its "did you mean"), else the expression parser's (with the
// column) or make_agg's (an unknown function, a wrong argument).
std::vector<WindowAgg> parse_window_aggs(std::string_view text);

// One --by entry.
struct WindowGroup {
  FieldPath field;                 // a plain field (expr empty)
  std::optional<expr::Expr> expr;  // an expression
  std::string name;                // the output column
};
// Throws usage_error for an empty entry, a missing name after AS, or an
// expression that does not parse (with its column).
WindowGroup parse_window_group(std::string_view text);

// Splits a flag's value at commas outside parentheses, brackets and quotes
// ("a, lower(b) as c" -> "a", "lower(b) as c"); pieces are trimmed (split_top_level,
// ops/map.h).
std::vector<std::string> split_list(std::string_view text);

// `v` as a JsonValue, for an aggregate or a group key: numbers with their
// JSON text in *buf, timestamps as their ISO-8601 UTC text (a string), a
// NaN or infinity as null. Views point into `v` (its record or Scratch) and
// *buf, valid until either changes. Without `text` a number has no text (for
// sum and avg, which read i or d: formatting a double per record costs more
// than the rest of the expression).
void value_to_json(const expr::Value& v, JsonValue* out, std::string* buf, bool text = true);

}  // namespace sx
