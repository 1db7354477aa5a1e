// make_agg (state/aggregate.h): an aggregate call parsed by a caller (sx-window's
// expression parser) becomes a spec.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "state/aggregate.h"

namespace {

sx::AggArg field(const std::string& f) {
  sx::AggArg a;
  a.kind = sx::AggArg::Kind::kField;
  a.text = f;
  a.field = sx::FieldPath::parse(f);
  return a;
}

sx::AggArg expr(const std::string& t) {
  sx::AggArg a;
  a.kind = sx::AggArg::Kind::kExpr;
  a.text = t;
  return a;
}

sx::JsonValue num(std::int64_t i) {
  sx::JsonValue v;
  v.type = sx::JsonType::kInt;
  v.i = i;
  return v;
}

}  // namespace

TEST_CASE(
    "issue 14: make_agg builds count, count(F), count(DISTINCT F) and the one-value aggregates") {
  sx::AggSpec c = sx::make_agg("count", {}, true, false, "", "count(*)");
  CHECK(c.kind == sx::AggKind::kCount);
  CHECK(c.name == "count");
  sx::AggSpec nn = sx::make_agg("count", {field("user")}, false, false, "", "count(user)");
  CHECK(nn.kind == sx::AggKind::kCountNonNull);
  CHECK(nn.name == "count_user");
  sx::AggSpec d =
      sx::make_agg("count", {field("user")}, false, true, "users", "count(DISTINCT user)");
  CHECK(d.kind == sx::AggKind::kCountDistinct);
  CHECK(d.name == "users");
  sx::AggSpec s = sx::make_agg("sum", {expr("price * qty")}, false, false, "revenue",
                               "sum(price * qty) AS revenue");
  CHECK(s.kind == sx::AggKind::kSum);
  CHECK(s.field_is_expr);
  CHECK(s.field.text().empty());
  CHECK(s.arg_text == "price * qty");
  CHECK(s.name == "revenue");

  // count(F) counts non-null values; count_if counts true conditions only.
  sx::AggState st;
  sx::JsonValue null;
  null.type = sx::JsonType::kNull;
  sx::agg_update(nn, st, num(3), 1);
  sx::agg_update(nn, st, null, 2);
  CHECK(st.n == 1);
  sx::AggSpec ci = sx::make_agg("count_if", {expr("status >= 500")}, false, false, "", "x");
  CHECK(ci.cond_is_expr);
  sx::AggState st2;
  sx::JsonValue t, f;
  t.type = f.type = sx::JsonType::kBool;
  t.boolean = true;
  f.boolean = false;
  sx::agg_update(ci, st2, t, 1);
  sx::agg_update(ci, st2, f, 2);
  sx::agg_update(ci, st2, null, 3);
  CHECK(st2.n == 1);

  CHECK_THROWS_AS(sx::make_agg("summ", {field("x")}, false, false, "", "summ(x)"), sx::Error);
  CHECK_THROWS_AS(sx::make_agg("sum", {}, false, false, "", "sum()"), sx::Error);
  CHECK_THROWS_AS(sx::make_agg("sum", {field("x")}, false, true, "", "sum(DISTINCT x)"), sx::Error);
}
