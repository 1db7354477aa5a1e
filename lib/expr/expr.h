// Spark SQL expressions (sx-expr(7)): parsed and compiled once, evaluated per
// record against the values of the fields they read.
//
// How a stage uses one (sx-map --where, sx-window --agg/--by/--having):
//   Expr e = Expr::parse("status >= 500 AND path LIKE '/api/%'");  // usage_error
//   FieldSet set(e.fields());          // the only fields it reads
//   std::vector<JsonValue> vals(set.size());
//   Scratch scratch;                   // one per stage, reused
//   per record:
//     reader.read_fields(line, set, vals.data(), &why);   // io/json.h
//     Value v = e.eval(vals.data(), scratch);  // data_error on a type error
//     if (is_true(v)) ...;  or append_json(out, v);
// Several expressions of one stage share one read: one FieldSet of all their
// fields, and Expr::bind to its paths.
// Evaluating numbers, booleans, comparisons and field references allocates
// nothing; functions that build strings write into `scratch`, whose views stay
// valid until its next reset (eval resets it: pass a second Scratch to keep a
// result across evaluations). RLIKE and regexp_* allocate inside std::regex.
// An Expr is not safe to evaluate from two threads at once (regular
// expressions and datetime patterns are compiled on first use and cached in
// it); constant subtrees are computed once, by parse().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr/value.h"
#include "io/json.h"

namespace sx::expr {

struct Program;

class Expr {
 public:
  // Parses `text`, which may end in "AS name" (or "AS `name`"). Throws
  // usage_error naming the expression, the column (1-based) and what was
  // expected, e.g. "expression 'a +': column 4: expected a value ... but the
  // expression ends".
  static Expr parse(std::string_view text);
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;
  // A copy is parsed again from the text (and bound to the same positions).
  Expr(const Expr& other);
  Expr& operator=(const Expr& other);
  ~Expr();

  const std::string& text() const;  // as given
  // The output name: the AS name, else the text without it (Spark names an
  // unaliased column by its expression).
  const std::string& name() const;
  bool named() const;  // an AS name was given
  // The field paths it reads, each once; eval() takes their values in this
  // order.
  const std::vector<FieldPath>& fields() const;
  // The expression is one field reference (a.b, `x y`): a stage may keep its
  // bytes instead of evaluating.
  bool is_field() const;

  // Several expressions of one stage can read one array of values: bind each
  // to the stage's list of paths (which holds every path of fields(), matched
  // by text), then eval() takes values[j] = the value of stage_fields[j].
  // Throws usage_error when a path is not in the list.
  void bind(const std::vector<FieldPath>& stage_fields);

  // Evaluates against values[i] = the value of fields()[i] in the record
  // (after bind(), of the stage's fields).
  // Throws data_error for a type error that Spark would refuse (arithmetic on
  // an object, a regular expression that does not compile, ...), naming the
  // sub-expression; the caller adds where the record is.
  Value eval(const JsonValue* values, Scratch& scratch) const;

 private:
  Expr();
  std::unique_ptr<Program> p_;
};

// One aggregate in Spark's form, for sx-window --agg: "sum(price * qty) AS
// revenue", "count(*)", "count(DISTINCT user_id)", "percentile_approx(v, 0.95)".
// Which aggregates exist and what their arguments mean is the caller's; this
// only parses. Throws usage_error as Expr::parse (an argument's error names
// that argument).
struct AggregateCall {
  std::string function;   // lower case: "sum"
  bool star = false;      // count(*)
  bool distinct = false;  // count(DISTINCT x)
  std::vector<Expr> args;
  std::string name;  // the AS name, else the text without it
  bool named = false;
};
AggregateCall parse_aggregate_call(std::string_view text);

// A WHERE/HAVING condition: only true passes (false and null do not).
inline bool is_true(const Value& v) { return v.type == Type::kBool && v.b; }

}  // namespace sx::expr
