// Issue 14: sx-window's --agg and --by parsers (ops/window_aggs.h): the legacy
// grammar where a spec is in its shape, the expression language otherwise;
// each argument classified as a field, a constant or an expression.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "expr/expr.h"
#include "ops/window_aggs.h"

namespace {

sx::WindowAgg one(const std::string& text) {
  std::vector<sx::WindowAgg> v = sx::parse_window_aggs(text);
  REQUIRE(v.size() == 1);
  return std::move(v[0]);
}

std::string usage_message(const std::string& text) {
  try {
    (void)sx::parse_window_aggs(text);
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    return e.what();
  }
  FAIL("no error for " << text);
  return "";
}

}  // namespace

TEST_CASE("issue 14: --agg in the legacy shape keeps the legacy meaning") {
  sx::WindowAgg a = one("sum(value)");
  CHECK(a.spec.kind == sx::AggKind::kSum);
  CHECK(a.spec.field.text() == "value");
  CHECK_FALSE(a.arg);
  CHECK(a.spec.name == "sum_value");
  // count_if(F=word) compares with the string "word" (sx's shorthand), not a field.
  a = one("count_if(level=error)");
  CHECK(a.spec.kind == sx::AggKind::kCountIf);
  CHECK_FALSE(a.spec.cond_is_expr);
  CHECK(a.spec.match == "error");
  a = one("count_if(status>=500) as errors");
  CHECK_FALSE(a.spec.cond_is_expr);
  CHECK(a.spec.name == "errors");
  a = one("count_if(level = \"error\")");
  CHECK_FALSE(a.spec.cond_is_expr);
  CHECK(a.spec.match == "error");
  // A field name with '-' stays one field (user-id), as before.
  a = one("max(user-id)");
  CHECK(a.spec.field.text() == "user-id");
  CHECK_FALSE(a.arg);
  CHECK(one("count").spec.kind == sx::AggKind::kCount);
  CHECK(one("count as lines").spec.name == "lines");
  CHECK(one("count(*)").spec.kind == sx::AggKind::kCount);
}

TEST_CASE("issue 14: --agg arguments that are expressions") {
  sx::WindowAgg a = one("sum(price * qty) as revenue");
  CHECK(a.spec.kind == sx::AggKind::kSum);
  CHECK(a.spec.field_is_expr);
  CHECK(a.spec.field.empty());
  REQUIRE(a.arg);
  CHECK(a.arg->fields().size() == 2);
  CHECK(a.spec.name == "revenue");
  CHECK(a.spec.arg_text == "price * qty");

  a = one("count_if(status >= 500 AND method = 'GET')");
  CHECK(a.spec.kind == sx::AggKind::kCountIf);
  CHECK(a.spec.cond_is_expr);
  REQUIRE(a.arg);

  a = one("avg(CASE WHEN status >= 500 THEN 1 ELSE 0 END) AS error_rate");
  CHECK(a.spec.kind == sx::AggKind::kAvg);
  CHECK(a.spec.name == "error_rate");
  REQUIRE(a.arg);

  a = one("max(length(path))");
  CHECK(a.spec.kind == sx::AggKind::kMax);
  REQUIRE(a.arg);

  // count(F) and count(DISTINCT F): fields, through make_agg.
  a = one("count(DISTINCT user_id)");
  CHECK(a.spec.kind == sx::AggKind::kCountDistinct);
  CHECK(a.spec.field.text() == "user_id");
  CHECK_FALSE(a.arg);
  a = one("count(v)");
  CHECK(a.spec.kind == sx::AggKind::kCountNonNull);
  CHECK_FALSE(a.arg);

  // A field written as the expression language quotes it: a field, not an
  // expression (the fast path).
  a = one("sum(`v`)");
  CHECK_FALSE(a.spec.field_is_expr);
  CHECK(a.spec.field.text() == "v");

  // count_if of a boolean field (no operator): a field the operator reads,
  // counted when true.
  a = one("count_if(ok)");
  CHECK(a.spec.cond_is_expr);
  CHECK_FALSE(a.spec.field_is_expr);
  CHECK(a.spec.field.text() == "ok");

  // A value beyond one word is no longer the legacy string: an expression.
  a = one("count_if(x = 1 + 1)");
  CHECK(a.spec.cond_is_expr);
  REQUIRE(a.arg);
}

TEST_CASE("issue 14: --agg lists split at top-level commas") {
  std::vector<sx::WindowAgg> v =
      sx::parse_window_aggs("sum(a), max(coalesce(b, c)) as m, count_if(s = 'x,y')");
  REQUIRE(v.size() == 3);
  CHECK(v[0].spec.field.text() == "a");
  CHECK(v[1].spec.name == "m");
  REQUIRE(v[1].arg);
  CHECK(v[2].spec.kind == sx::AggKind::kCountIf);
  CHECK(sx::split_list("a, lower(b) as c").size() == 2);
  CHECK(sx::split_list("date_trunc(\"hour\", ts) as hour")[0] ==
        "date_trunc(\"hour\", ts) as hour");
}

TEST_CASE("issue 14: --agg errors: which parser's message") {
  // In the legacy shape, a spec neither parser takes: the legacy message (its hint).
  CHECK(usage_message("count_if(status=>500)").find("did you mean '>='?") != std::string::npos);
  // Not in the legacy shape: the expression parser's message, with the column.
  const std::string m = usage_message("sum(price + )");
  CHECK(m.find("--agg: expression 'sum(price + )': column 13") == 0);
  // A call that parses but names no aggregate: make_agg's message.
  CHECK(usage_message("nosuch(a * 2)").find("unknown function 'nosuch'") != std::string::npos);
  // A constant where a value is needed.
  CHECK(usage_message("sum(1 + 2)").find("not the constant") != std::string::npos);
  CHECK(usage_message("sum(a, b)").find("takes one argument") != std::string::npos);
}

TEST_CASE("issue 14: --by entries: fields and expressions") {
  sx::WindowGroup g = sx::parse_window_group("host");
  CHECK_FALSE(g.expr);
  CHECK(g.field.text() == "host");
  CHECK(g.name == "host");
  g = sx::parse_window_group("http.path as path");
  CHECK_FALSE(g.expr);
  CHECK(g.name == "path");
  g = sx::parse_window_group("lower(host) as host");
  REQUIRE(g.expr);
  CHECK(g.name == "host");
  // Unnamed: named by its text, as Spark.
  g = sx::parse_window_group("lower(host)");
  REQUIRE(g.expr);
  CHECK(g.name == "lower(host)");
  g = sx::parse_window_group("date_trunc('hour', ts) AS hour");
  REQUIRE(g.expr);
  CHECK(g.name == "hour");
  CHECK_THROWS_AS(sx::parse_window_group("lower(host"), sx::Error);
  CHECK_THROWS_AS(sx::parse_window_group(""), sx::Error);
}

TEST_CASE("issue 14: value_to_json for aggregates and keys") {
  std::string buf;
  sx::JsonValue j;
  sx::value_to_json(sx::expr::Value::int64(-42), &j, &buf);
  CHECK(j.type == sx::JsonType::kInt);
  CHECK(j.i == -42);
  CHECK(j.text == "-42");
  sx::value_to_json(sx::expr::Value::dbl(1.5), &j, &buf);
  CHECK(j.type == sx::JsonType::kDouble);
  CHECK(j.d == 1.5);
  sx::value_to_json(sx::expr::Value::dbl(0.0 / 0.0 * 0), &j, &buf);
  CHECK(j.type == sx::JsonType::kNull);
  sx::value_to_json(sx::expr::Value::null(), &j, &buf);
  CHECK(j.type == sx::JsonType::kNull);
  sx::value_to_json(sx::expr::Value::boolean(true), &j, &buf);
  CHECK(j.type == sx::JsonType::kBool);
  CHECK(j.boolean);
  sx::value_to_json(sx::expr::Value::str("a\"b"), &j, &buf);
  CHECK(j.type == sx::JsonType::kString);
  CHECK(j.text == "a\"b");
  sx::value_to_json(sx::expr::Value::time(3600000000), &j, &buf);
  CHECK(j.type == sx::JsonType::kString);
  CHECK(j.text == "1970-01-01T01:00:00Z");
  sx::value_to_json(sx::expr::Value::json("[1,2]"), &j, &buf);
  CHECK(j.type == sx::JsonType::kArray);
  sx::value_to_json(sx::expr::Value::json("{\"a\":1}"), &j, &buf);
  CHECK(j.type == sx::JsonType::kObject);
}
