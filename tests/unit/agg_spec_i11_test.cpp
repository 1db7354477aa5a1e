// issue 11 item 3: aggregate and --by specs either mean what they say or are
// usage errors naming them.
#include <doctest/doctest.h>

#include <charconv>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/error.h"
#include "json_values.h"
#include "state/aggregate.h"

using sx::AggKind;
using sx::CmpOp;
using sx::JsonType;
using sx::JsonValue;

namespace {

using namespace test_json;

JsonValue i11_object() {
  JsonValue v;
  v.type = JsonType::kObject;
  v.text = "{\"a\":1}";
  return v;
}

int count(const char* spec, std::initializer_list<JsonValue> values) {
  const sx::AggSpec s = sx::parse_agg(spec);
  int n = 0;
  for (const auto& v : values) n += sx::agg_matches(s, v);
  return n;
}

std::string usage_message(std::string_view spec, bool by = false) {
  try {
    if (by) {
      sx::parse_group_spec(spec);
    } else {
      sx::parse_aggs(spec);
    }
  } catch (const sx::Error& e) {
    if (e.kind() != sx::Error::Kind::kUsage) return "not a usage error: " + std::string(e.what());
    return e.what();
  }
  return "no error";
}

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("issue 11 item 03: count_if parses every comparison operator") {
  struct Case {
    const char* spec;
    CmpOp op;
    const char* field;
    const char* match;
    const char* name;
  };
  for (const Case& c :
       {Case{"count_if(status>=500)", CmpOp::kGe, "status", "500", "count_if_status_ge_500"},
        Case{"count_if(status > 500)", CmpOp::kGt, "status", "500", "count_if_status_gt_500"},
        Case{"count_if(status<=499)", CmpOp::kLe, "status", "499", "count_if_status_le_499"},
        Case{"count_if(status<499)", CmpOp::kLt, "status", "499", "count_if_status_lt_499"},
        Case{"count_if(status==500)", CmpOp::kEq, "status", "500", "count_if_status_500"},
        Case{"count_if(status=500)", CmpOp::kEq, "status", "500", "count_if_status_500"},
        Case{"count_if(status!=500)", CmpOp::kNe, "status", "500", "count_if_status_ne_500"},
        Case{"count_if(status<>500)", CmpOp::kNe, "status", "500", "count_if_status_ne_500"},
        Case{"count_if(http.code >= '5')", CmpOp::kGe, "http.code", "5",
             "count_if_http_code_ge_5"}}) {
    CAPTURE(c.spec);
    const auto s = sx::parse_agg(c.spec);
    CHECK(s.kind == AggKind::kCountIf);
    CHECK(s.op == c.op);
    CHECK(s.field.text() == c.field);
    CHECK(s.match == c.match);
    CHECK(s.name == c.name);
  }
  CHECK(sx::parse_agg("count_if(status>=500) as errors").name == "errors");
}

TEST_CASE("issue 11 item 03: count_if compares numbers numerically with every operator") {
  const auto values = {num("499"), num("500"), num("503"), num("500.5"), null()};
  CHECK(count("count_if(status>=500)", values) == 3);
  CHECK(count("count_if(status>500)", values) == 2);
  CHECK(count("count_if(status<=500)", values) == 2);
  CHECK(count("count_if(status<500)", values) == 1);
  CHECK(count("count_if(status=500)", values) == 1);
  CHECK(count("count_if(status==500)", values) == 1);
  CHECK(count("count_if(status!=500)", values) == 3);  // the null counts nowhere
  // 9 < 10 numerically, though "9" > "10" as text.
  CHECK(count("count_if(n<10)", {num("9"), num("10"), num("-1e3")}) == 2);
}

TEST_CASE("issue 11 item 03: count_if casts like Spark between numbers and strings") {
  // A string holding a number compares as that number (9 < 10 numerically).
  CHECK(count("count_if(n<10)", {str("9"), str("10"), str("9.5")}) == 2);
  // A string holding no number is null after the cast: not counted, not even by !=.
  CHECK(count("count_if(n!=10)", {str("abc"), str("11")}) == 1);
  CHECK(count("count_if(n>=10)", {str("abc")}) == 0);
  // A quoted literal is a string: compared with numbers as a number...
  CHECK(count("count_if(n>='10')", {num("9"), num("10"), num("11")}) == 2);
  // ...with strings byte-wise, as Spark compares two strings.
  CHECK(count("count_if(n>='10')", {str("9"), str("10"), str("100")}) == 3);
  CHECK(count("count_if(n<'10')", {str("09"), str("1")}) == 2);
  // A word literal and a number: never counted.
  CHECK(count("count_if(n!=abc)", {num("1")}) == 0);
}

TEST_CASE("issue 11 item 03: count_if orders strings, times and booleans") {
  CHECK(count("count_if(kind>=m)", {str("apple"), str("m"), str("zebra")}) == 2);
  CHECK(count("count_if(kind<b)", {str("B"), str("a"), str("b")}) == 2);
  // Two ISO-8601 times compare as instants (sx's min/max rule), not as text.
  CHECK(count("count_if(ts>=2024-01-01T10:00:00Z)",
              {str("2024-01-01T11:30:00+02:00"), str("2024-01-01T10:00:00.5Z"),
               str("2024-01-01T09:59:59Z")}) == 1);
  CHECK(count("count_if(ts<'2024-01-01T10:00:00Z')", {str("2024-01-01T11:30:00+02:00")}) == 1);
  // Booleans: false < true; strings cast as Spark casts to boolean.
  CHECK(count("count_if(ok=true)",
              {boolean(true), str("yes"), str("t"), boolean(false), str("maybe")}) == 3);
  CHECK(count("count_if(ok>false)", {boolean(true), boolean(false)}) == 1);
  // Booleans and numbers, objects, nulls: no comparison, whatever the operator.
  CHECK(count("count_if(ok!=1)", {boolean(true), i11_object(), null()}) == 0);
  CHECK(count("count_if(ok!=x)", {i11_object()}) == 0);
  // null as the literal: Spark's x = NULL is null.
  CHECK(count("count_if(x!=null)", {num("1"), str("a")}) == 0);
}

TEST_CASE("issue 11 item 03: several aggregates in one --agg split at top-level commas") {
  const auto list = sx::parse_aggs("sum(a),max(a)");
  REQUIRE(list.size() == 2);
  CHECK(list[0].kind == AggKind::kSum);
  CHECK(list[0].field.text() == "a");
  CHECK(list[1].kind == AggKind::kMax);
  CHECK(list[1].name == "max_a");
  const auto named = sx::parse_aggs("count as n, avg(v) as mean, count_if(x='a,b')");
  REQUIRE(named.size() == 3);
  CHECK(named[0].name == "n");
  CHECK(named[1].name == "mean");
  CHECK(named[2].match == "a,b");
  CHECK(sx::parse_aggs("sum(a)").size() == 1);
}

TEST_CASE("issue 11 item 03: odd aggregate specs are usage errors naming them") {
  struct Case {
    const char* spec;
    const char* says;
  };
  for (const Case& c : {Case{"count_if(status=>500)", "did you mean '>='?"},
                        Case{"count_if(status=<500)", "did you mean '<='?"},
                        Case{"count_if(status=!500)", "did you mean '!='?"},
                        Case{"count_if(a===1)", "unknown operator '==='"},
                        Case{"count_if(a=1 and b=2)", "is not a value"},
                        Case{"count_if(a=b,c)", "quote a value"},
                        Case{"count_if(status>=)", "needs a value"},
                        Case{"count_if(>=5)", "needs a field"},
                        Case{"count_if(x='abc)", "unterminated quote"},
                        Case{"count_if(x='a'b)", "after the quoted value"},
                        Case{"count_if(status)", "FIELD OP VALUE"},
                        Case{"sum(a", "unbalanced parentheses"},
                        Case{"sum(a))", "closes nothing"},
                        Case{"sum((a))", "nested parentheses"},
                        Case{"sum(a) mean", "unexpected 'mean' after ')'"},
                        Case{"sum(a) as", "'as' needs a name"},
                        Case{"sum(a) as x y", "is not a name"},
                        Case{"sum(a b=c)", "is not a field name"},
                        Case{"geomean(x)", "unknown function 'geomean'"},
                        Case{"frist(x)", "did you mean first?"},
                        Case{"SUM(x)", "did you mean sum?"},
                        Case{"sum(a),,max(a)", "an empty aggregate between commas"},
                        Case{"sum(a),", "an empty aggregate between commas"},
                        Case{"(x)", "expected a function name"},
                        Case{"", "empty spec"}}) {
    CAPTURE(c.spec);
    const std::string m = usage_message(c.spec);
    CAPTURE(m);
    CHECK(has(m, c.says));
    CHECK(has(m, "bad --agg '"));
  }
}

TEST_CASE("issue 11 item 03: --by takes FIELD or FIELD as NAME") {
  auto g = sx::parse_group_spec("http.path as path");
  CHECK(g.field.text() == "http.path");
  CHECK(g.name == "path");
  g = sx::parse_group_spec(" user_id ");
  CHECK(g.field.text() == "user_id");
  CHECK(g.name == "user_id");
  g = sx::parse_group_spec("dev.os");
  CHECK(g.name == "dev.os");
  CHECK(sx::parse_group_spec("user name").field.text() == "user name");  // a key with a space
  CHECK(has(usage_message("http.path as", true), "'as' needs a name"));
  CHECK(has(usage_message("date(ts)", true), "is not a field name"));
  CHECK(has(usage_message("a as b c", true), "is not a name"));
  CHECK(has(usage_message("", true), "empty field name"));
  CHECK(has(usage_message("a as b", true), "no error"));
}
