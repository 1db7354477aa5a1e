#include "state/aggregate.h"

#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "json_values.h"

using sx::AggKind;
using sx::JsonType;
using sx::JsonValue;

namespace {

using namespace test_json;

// The state after applying `values` with arrival numbers first_seq, first_seq+1, ...
sx::AggState state(const sx::AggSpec& spec, std::initializer_list<JsonValue> values,
                   std::uint64_t first_seq = 1) {
  sx::AggState s;
  std::uint64_t seq = first_seq;
  for (const JsonValue& v : values) sx::agg_update(spec, s, v, seq++);
  return s;
}

std::string result(const sx::AggSpec& spec, const sx::AggState& s) {
  std::string out;
  sx::agg_result(spec, s, out);
  return out;
}

// The result of aggregate `spec` over `values`.
std::string run(std::string_view spec, std::initializer_list<JsonValue> values) {
  const sx::AggSpec a = sx::parse_agg(spec);
  return result(a, state(a, values));
}

// The result of merging the states of `a` (arrivals 1..) and `b` (arrivals
// b_seq..) into the state of `a`.
std::string merged(std::string_view spec, std::initializer_list<JsonValue> a,
                   std::initializer_list<JsonValue> b, std::uint64_t b_seq = 100) {
  const sx::AggSpec s = sx::parse_agg(spec);
  sx::AggState into = state(s, a, 1);
  sx::AggState from = state(s, b, b_seq);
  sx::agg_merge(s, into, std::move(from));
  return result(s, into);
}

template <class F>
std::optional<sx::Error::Kind> error_kind(F&& f) {
  try {
    f();
  } catch (const sx::Error& e) {
    return e.kind();
  }
  return std::nullopt;
}

std::string double_text(double d) {
  std::string out;
  sx::append_double(out, d);
  return out;
}

std::string canonical(const JsonValue& v) {
  std::string out;
  sx::canonical_text(v, &out);
  return out;
}

constexpr std::string_view kMax64 = "9223372036854775807";
constexpr std::string_view kMin64 = "-9223372036854775808";

}  // namespace

// ---- parse_agg ----

TEST_CASE("parse_agg: functions, fields and default names") {
  auto c = sx::parse_agg("count");
  CHECK(c.kind == AggKind::kCount);
  CHECK(c.name == "count");
  CHECK(c.field.empty());
  CHECK(sx::parse_agg("count(*)").name == "count");
  CHECK(sx::parse_agg("  count ").kind == AggKind::kCount);

  auto s = sx::parse_agg("sum(value)");
  CHECK(s.kind == AggKind::kSum);
  CHECK(s.name == "sum_value");
  CHECK(s.field.text() == "value");
  CHECK(s.text == "sum(value)");

  CHECK(sx::parse_agg("avg(value)").kind == AggKind::kAvg);
  CHECK(sx::parse_agg("avg(value)").name == "avg_value");
  CHECK(sx::parse_agg("mean(value)").kind == AggKind::kAvg);
  CHECK(sx::parse_agg("mean(value)").name == "avg_value");
  CHECK(sx::parse_agg("min(v)").kind == AggKind::kMin);
  CHECK(sx::parse_agg("min(v)").name == "min_v");
  CHECK(sx::parse_agg("max(v)").kind == AggKind::kMax);
  CHECK(sx::parse_agg("max(v)").name == "max_v");
  CHECK(sx::parse_agg("count_distinct(user)").kind == AggKind::kCountDistinct);
  CHECK(sx::parse_agg("count_distinct(user)").name == "count_distinct_user");
  CHECK(sx::parse_agg("first(v)").kind == AggKind::kFirst);
  CHECK(sx::parse_agg("last(v)").kind == AggKind::kLast);
  CHECK(sx::parse_agg("collect_list(v)").kind == AggKind::kCollectList);
  CHECK(sx::parse_agg("collect_list(v)").name == "collect_list_v");

  // Dotted paths reach into objects; the name replaces non-word characters.
  auto n = sx::parse_agg("sum(user.amount)");
  CHECK(n.field.parts() == std::vector<std::string>{"user", "amount"});
  CHECK(n.name == "sum_user_amount");
  CHECK(sx::parse_agg("sum( value )").field.text() == "value");
}

TEST_CASE("parse_agg: count_if") {
  auto c = sx::parse_agg("count_if(event_type=purchase)");
  CHECK(c.kind == AggKind::kCountIf);
  CHECK(c.name == "count_if_event_type_purchase");
  CHECK(c.field.text() == "event_type");
  CHECK(c.match == "purchase");
  CHECK(c.op == sx::CmpOp::kEq);

  auto n = sx::parse_agg("count_if(status!=ok)");
  CHECK(n.op == sx::CmpOp::kNe);
  CHECK(n.field.text() == "status");
  CHECK(n.match == "ok");

  // Quotes around the value are removed.
  CHECK(sx::parse_agg("count_if(x='a b')").match == "a b");
  CHECK(sx::parse_agg("count_if(x=\"7\")").match == "7");
}

TEST_CASE("parse_agg: 'as NAME' renames") {
  auto s = sx::parse_agg("sum(value) as total");
  CHECK(s.kind == AggKind::kSum);
  CHECK(s.name == "total");
  CHECK(s.field.text() == "value");
  CHECK(sx::parse_agg("count as n").name == "n");
  CHECK(sx::parse_agg("avg(price)  as   mean").name == "mean");
  CHECK(sx::parse_agg("count_if(kind=purchase) as buys").name == "buys");
  CHECK(sx::parse_agg("count_if(kind=purchase) as buys").match == "purchase");
  // " as " inside the parentheses is part of the value, not a rename.
  auto v = sx::parse_agg("count_if(title=war as peace)");
  CHECK(v.match == "war as peace");
  CHECK(v.name == "count_if_title_war_as_peace");
}

TEST_CASE("parse_agg: bad specs are usage errors") {
  for (const char* bad :
       {"geomean(x)", "", "sum", "sum()", "sum(x", "count(x)", "count_if(x)", "count_if(=1)",
        "sum(a..b)", "sum(.a)", "avg()", "first", "frist(x)", "sum(x) as"}) {
    CAPTURE(bad);
    CHECK(error_kind([&] { sx::parse_agg(bad); }) == sx::Error::Kind::kUsage);
  }
  // The message quotes the spec and shows the grammar.
  try {
    sx::parse_agg("geomean(x)");
    FAIL("no error");
  } catch (const sx::Error& e) {
    const std::string m = e.what();
    CHECK(m.find("geomean(x)") != std::string::npos);
    CHECK(m.find("count_if(F=VALUE)") != std::string::npos);
  }
}

// ---- helpers ----

TEST_CASE("append_double always shows a decimal point or an exponent") {
  CHECK(double_text(2.0) == "2.0");
  CHECK(double_text(0.0) == "0.0");
  CHECK(double_text(-3.0) == "-3.0");
  CHECK(double_text(0.1) == "0.1");
  CHECK(double_text(1.5) == "1.5");
  CHECK(double_text(1e21) == "1e+21");
  CHECK(double_text(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(double_text(std::numeric_limits<double>::infinity()) == "null");
  CHECK(double_text(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("canonical_text normalises numbers") {
  CHECK(canonical(num("1")) == "1");
  CHECK(canonical(num("1.0")) == "1");
  CHECK(canonical(num("1e0")) == "1");
  CHECK(canonical(num("-7")) == "-7");
  CHECK(canonical(num("2.5")) == "2.5");
  CHECK(canonical(num("18446744073709551615")) == "18446744073709551615");
  CHECK(canonical(str("a\"b")) == "a\"b");
  CHECK(canonical(boolean(true)) == "true");
  CHECK(canonical(null()) == "null");
  CHECK(canonical(missing()) == "null");
}

// ---- count ----

TEST_CASE("count counts rows, nulls included") {
  CHECK(run("count", {}) == "0");
  CHECK(run("count", {num("1"), null(), missing(), str("x")}) == "4");
  CHECK(merged("count", {num("1"), num("2")}, {num("3")}) == "3");
  CHECK(merged("count", {}, {}) == "0");
}

// ---- sum ----

TEST_CASE("sum of integers is exact") {
  // 2^53 + 1 is not a double: a floating-point sum would give ...992.
  CHECK(run("sum(v)", {num("9007199254740993"), num("1")}) == "9007199254740994");
  CHECK(run("sum(v)", {num("1"), num("2"), num("3")}) == "6");
  CHECK(run("sum(v)", {num("-5"), num("2")}) == "-3");
  CHECK(run("sum(v)", {num(kMax64), num("-1"), num("1")}) == std::string(kMax64));
  CHECK(run("sum(v)", {num(kMin64)}) == std::string(kMin64));
}

TEST_CASE("sum of no values is null; nulls and missing values are ignored") {
  CHECK(run("sum(v)", {}) == "null");
  CHECK(run("sum(v)", {null(), missing()}) == "null");
  CHECK(run("sum(v)", {num("4"), null(), missing(), num("5")}) == "9");
}

// Issue 11 item 6: past 64 bits an integer sum goes on exactly in 128 bits
// (it used to be an error); past 128 bits it is a data error.
constexpr const char* kMax128 = "170141183460469231731687303715884105727";
constexpr const char* kMin128 = "-170141183460469231731687303715884105728";

TEST_CASE("integer sum overflow is a data error") {
  CHECK(error_kind([] { run("sum(v)", {str(kMax128), num("1")}); }) == sx::Error::Kind::kData);
  CHECK(error_kind([] { run("sum(v)", {str(kMin128), num("-1")}); }) == sx::Error::Kind::kData);
  CHECK(error_kind([] { merged("sum(v)", {str(kMax128)}, {num("1")}); }) == sx::Error::Kind::kData);
  try {
    run("sum(v)", {str(kMax128), num("1")});
    FAIL("no error");
  } catch (const sx::Error& e) {
    CHECK(std::string(e.what()).find("sum(v)") != std::string::npos);
    CHECK(std::string(e.what()).find("overflow") != std::string::npos);
  }
}

TEST_CASE("a non-integer makes the sum a double") {
  CHECK(run("sum(v)", {num("1"), num("2.5")}) == "3.5");
  CHECK(run("sum(v)", {num("2.5"), num("1")}) == "3.5");
  CHECK(run("sum(v)", {num("1"), num("2.0")}) == "3.0");
  CHECK(run("sum(v)", {num("0.5"), num("0.5")}) == "1.0");
  // The shortest form that reads back, with a '.0' when it has no point.
  CHECK(run("sum(v)", {num("18446744073709551615"), num("0.0")}) == "18446744073709551616.0");
  CHECK(merged("sum(v)", {num("1")}, {num("2.5")}) == "3.5");
  CHECK(merged("sum(v)", {num("0.5")}, {num("1")}) == "1.5");
  CHECK(merged("sum(v)", {num("2")}, {num("3")}) == "5");
  CHECK(merged("sum(v)", {}, {num("3")}) == "3");
  CHECK(merged("sum(v)", {num("3")}, {}) == "3");
  CHECK(merged("sum(v)", {}, {}) == "null");
}

TEST_CASE("sum reads strings holding numbers and refuses other values") {
  CHECK(run("sum(v)", {str("12"), num("3")}) == "15");
  CHECK(run("sum(v)", {str("12.5"), num("1")}) == "13.5");
  CHECK(error_kind([] { run("sum(v)", {num("1"), str("abc")}); }) == sx::Error::Kind::kData);
  CHECK(error_kind([] { run("sum(v)", {str("")}); }) == sx::Error::Kind::kData);
  CHECK(error_kind([] { run("sum(v)", {boolean(true)}); }) == sx::Error::Kind::kData);
  CHECK(error_kind([] { run("avg(v)", {str("x1")}); }) == sx::Error::Kind::kData);
}

// ---- avg ----

TEST_CASE("avg is always a double") {
  CHECK(run("avg(v)", {num("1"), num("2"), num("3")}) == "2.0");
  CHECK(run("avg(v)", {num("2")}) == "2.0");
  CHECK(run("avg(v)", {num("1"), num("2")}) == "1.5");
  CHECK(run("avg(v)", {num("1"), num("2.5")}) == "1.75");
  CHECK(run("avg(v)", {num("4"), null(), missing()}) == "4.0");
  CHECK(run("avg(v)", {}) == "null");
  CHECK(run("avg(v)", {null()}) == "null");
  CHECK(merged("avg(v)", {num("1"), num("2")}, {num("3")}) == "2.0");
  CHECK(merged("avg(v)", {}, {num("3")}) == "3.0");
}

TEST_CASE("avg does not fail where the integer sum would overflow") {
  std::string r;
  CHECK(error_kind([&] { r = run("avg(v)", {num(kMax64), num(kMax64)}); }) == std::nullopt);
  CHECK(r == "9223372036854775808.0");
}

// ---- min / max ----

TEST_CASE("min and max of numbers compare numerically") {
  CHECK(run("min(v)", {num("3"), num("-1.5"), num("10")}) == "-1.5");
  CHECK(run("max(v)", {num("3"), num("-1.5"), num("10")}) == "10");
  // Not by text: "9" > "10" byte-wise.
  CHECK(run("max(v)", {num("9"), num("10")}) == "10");
  CHECK(run("min(v)", {num("9"), num("10")}) == "9");
  CHECK(run("max(v)", {num("2"), num("2.5")}) == "2.5");
  CHECK(run("min(v)", {num("2"), num("2.5")}) == "2");
  CHECK(run("min(v)", {num(kMin64), num("0")}) == std::string(kMin64));
}

TEST_CASE("min and max ignore nulls; none gives null") {
  CHECK(run("min(v)", {}) == "null");
  CHECK(run("max(v)", {null(), missing()}) == "null");
  CHECK(run("min(v)", {null(), num("5"), missing(), num("7")}) == "5");
  CHECK(run("max(v)", {null(), num("5"), missing(), num("7")}) == "7");
}

TEST_CASE("min and max of strings compare byte-wise") {
  CHECK(run("min(v)", {str("b"), str("a"), str("c")}) == "\"a\"");
  CHECK(run("max(v)", {str("b"), str("a"), str("c")}) == "\"c\"");
  CHECK(run("min(v)", {str("B"), str("a")}) == "\"B\"");
  CHECK(run("max(v)", {str("ab"), str("a")}) == "\"ab\"");
  // The result is a JSON string, escaped.
  CHECK(run("max(v)", {str("a\"b"), str("a")}) == R"("a\"b")");
}

TEST_CASE("min and max of ISO-8601 strings compare by time") {
  // Byte-wise 'Z' > '.', but 10:00:00Z is the earlier instant.
  const auto a = str("2023-07-30T10:00:00Z");
  const auto b = str("2023-07-30T10:00:00.5Z");
  CHECK(run("min(v)", {b, a}) == "\"2023-07-30T10:00:00Z\"");
  CHECK(run("min(v)", {a, b}) == "\"2023-07-30T10:00:00Z\"");
  CHECK(run("max(v)", {a, b}) == "\"2023-07-30T10:00:00.5Z\"");
  CHECK(run("max(v)", {b, a}) == "\"2023-07-30T10:00:00.5Z\"");
  // Offsets are applied: 11:30+02:00 is 09:30Z.
  const auto c = str("2023-07-30T11:30:00+02:00");
  CHECK(run("min(v)", {a, c, b}) == "\"2023-07-30T11:30:00+02:00\"");
  CHECK(run("max(v)", {c, a}) == "\"2023-07-30T10:00:00Z\"");
  // And merged states too.
  CHECK(merged("max(v)", {a}, {b}) == "\"2023-07-30T10:00:00.5Z\"");
  CHECK(merged("min(v)", {b}, {a}) == "\"2023-07-30T10:00:00Z\"");
}

TEST_CASE("min and max put numbers before strings") {
  CHECK(run("min(v)", {str("a"), num("5")}) == "5");
  CHECK(run("max(v)", {num("5"), str("a")}) == "\"a\"");
  CHECK(run("max(v)", {boolean(false), boolean(true)}) == "true");
  CHECK(run("min(v)", {boolean(true), boolean(false)}) == "false");
}

TEST_CASE("min and max merge") {
  CHECK(merged("min(v)", {num("5")}, {num("3")}) == "3");
  CHECK(merged("max(v)", {num("5")}, {num("3")}) == "5");
  CHECK(merged("min(v)", {num("3")}, {num("5")}) == "3");
  CHECK(merged("max(v)", {num("3")}, {num("5")}) == "5");
  CHECK(merged("min(v)", {}, {num("4")}) == "4");
  CHECK(merged("max(v)", {num("4")}, {}) == "4");
  CHECK(merged("max(v)", {}, {}) == "null");
  CHECK(merged("max(v)", {str("a")}, {str("b")}) == "\"b\"");
}

// ---- count_distinct ----

TEST_CASE("count_distinct counts distinct non-null values exactly") {
  CHECK(run("count_distinct(v)", {}) == "0");
  CHECK(run("count_distinct(v)", {null(), missing()}) == "0");
  CHECK(run("count_distinct(v)", {str("a"), str("a"), str("b"), null(), missing()}) == "2");
  // 1 and 1.0 are the same number.
  CHECK(run("count_distinct(v)", {num("1"), num("1.0"), num("2")}) == "2");
  // A string "1" is not the number 1.
  CHECK(run("count_distinct(v)", {num("1"), str("1")}) == "2");
  CHECK(merged("count_distinct(v)", {num("1"), num("2")}, {num("2"), num("3")}) == "3");
  CHECK(merged("count_distinct(v)", {}, {num("2"), num("3")}) == "2");
  CHECK(merged("count_distinct(v)", {num("2")}, {}) == "1");
}

// ---- first / last ----

TEST_CASE("first and last follow arrival order, nulls included") {
  CHECK(run("first(v)", {str("x"), num("2"), null()}) == "\"x\"");
  CHECK(run("last(v)", {str("x"), num("2"), null()}) == "null");
  CHECK(run("last(v)", {str("x"), num("2")}) == "2");
  CHECK(run("first(v)", {missing(), num("2")}) == "null");
  CHECK(run("first(v)", {}) == "null");
  CHECK(run("last(v)", {}) == "null");
  CHECK(run("first(v)", {boolean(true)}) == "true");
}

TEST_CASE("first and last compare arrival numbers, not update order") {
  const auto first = sx::parse_agg("first(v)");
  const auto last = sx::parse_agg("last(v)");
  sx::AggState f, l;
  sx::agg_update(first, f, str("late"), 5);
  sx::agg_update(first, f, str("early"), 2);
  sx::agg_update(last, l, str("late"), 5);
  sx::agg_update(last, l, str("early"), 2);
  CHECK(result(first, f) == "\"early\"");
  CHECK(result(last, l) == "\"late\"");
}

TEST_CASE("first and last merge by arrival number") {
  // Session A saw arrivals 1 and 3, session B arrival 2.
  for (const bool a_into_b : {false, true}) {
    CAPTURE(a_into_b);
    const auto first = sx::parse_agg("first(v)");
    const auto last = sx::parse_agg("last(v)");
    sx::AggState fa, fb, la, lb;
    sx::agg_update(first, fa, str("x"), 1);
    sx::agg_update(first, fa, str("z"), 3);
    sx::agg_update(first, fb, str("y"), 2);
    sx::agg_update(last, la, str("x"), 1);
    sx::agg_update(last, la, str("z"), 3);
    sx::agg_update(last, lb, str("y"), 2);
    if (a_into_b) {
      sx::agg_merge(first, fb, std::move(fa));
      sx::agg_merge(last, lb, std::move(la));
      CHECK(result(first, fb) == "\"x\"");
      CHECK(result(last, lb) == "\"z\"");
    } else {
      sx::agg_merge(first, fa, std::move(fb));
      sx::agg_merge(last, la, std::move(lb));
      CHECK(result(first, fa) == "\"x\"");
      CHECK(result(last, la) == "\"z\"");
    }
  }
  CHECK(merged("first(v)", {}, {num("7")}) == "7");
  CHECK(merged("last(v)", {num("7")}, {}) == "7");
}

// ---- collect_list ----

TEST_CASE("collect_list keeps non-null values in arrival order") {
  CHECK(run("collect_list(v)", {}) == "[]");
  CHECK(run("collect_list(v)", {null(), missing()}) == "[]");
  CHECK(run("collect_list(v)", {num("1"), str("a"), null(), num("2.5"), missing(), num("1")}) ==
        R"([1,"a",2.5,1])");
  CHECK(run("collect_list(v)", {boolean(false), str("q\"")}) == R"([false,"q\""])");
  CHECK(merged("collect_list(v)", {num("1"), num("2")}, {num("3")}) == "[1,2,3]");
  CHECK(merged("collect_list(v)", {}, {num("3")}) == "[3]");
  CHECK(merged("collect_list(v)", {num("1")}, {}) == "[1]");
  CHECK(merged("collect_list(v)", {}, {}) == "[]");
}

// ---- count_if ----

TEST_CASE("count_if compares numbers numerically") {
  // 7 matches 7, 7.0 and "7"; 8, null and a missing field do not.
  const std::initializer_list<JsonValue> values = {num("7"), str("7"),  num("7.0"), num("8"),
                                                   null(),   missing(), num("70")};
  CHECK(run("count_if(x=7)", values) == "3");
  CHECK(run("count_if(x=7.0)", {num("7"), num("7.0"), num("7.5")}) == "2");
  CHECK(run("count_if(x=7)", {num("7e0")}) == "1");
  // != counts the non-null others.
  CHECK(run("count_if(x!=7)", {num("7"), num("7.0"), num("8"), str("7")}) == "1");
  CHECK(merged("count_if(x=7)", {num("7")}, {num("7"), num("1")}) == "2");
}

TEST_CASE("count_if compares other values by text") {
  CHECK(run("count_if(event_type=purchase)", {str("purchase"), str("view"), str("purchase"), null(),
                                              missing(), str("Purchase")}) == "2");
  CHECK(run("count_if(flag=true)", {boolean(true), str("true"), boolean(false), null()}) == "2");
  CHECK(run("count_if(kind!=view)", {str("purchase"), str("view"), str("cart")}) == "2");
  // A null never equals anything, not even the word null.
  CHECK(run("count_if(x=null)", {null(), missing()}) == "0");
  CHECK(run("count_if(x=purchase)", {}) == "0");
}

// Spark reads a JSON field holding both 10000000000000000 and 1e16 as one
// double column, in which they are the same value: canonical_text (used by
// count_distinct and group keys) writes a whole double in int64 range in full.
TEST_CASE("count_distinct: a large integer and the same double are one value") {
  CHECK(run("count_if(x=10000000000000000)", {num("1e16")}) == "1");
  CHECK(canonical(num("1e16")) == canonical(num("10000000000000000")));
  CHECK(run("count_distinct(v)", {num("10000000000000000"), num("1e16")}) == "1");
}

// SQL: NULL = x and NULL != x are both not true, so Spark's
// sum(when(col != 'x', 1)) skips nulls; count_if does the same.
TEST_CASE("count_if: a null or missing field matches neither = nor !=") {
  CHECK(run("count_if(x!=purchase)", {null(), missing()}) == "0");
  CHECK(run("count_if(x!=purchase)", {str("view"), null(), str("purchase")}) == "1");
}

TEST_CASE("issue 11 item 6: integer sums past 64 bits stay exact, in 128 bits") {
  CHECK(run("sum(v)", {num(kMax64), num("1")}) == "9223372036854775808");
  CHECK(run("sum(v)", {num(kMin64), num("-1")}) == "-9223372036854775809");
  CHECK(run("sum(v)", {num("18446744073709551615")}) == "18446744073709551615");
  CHECK(run("sum(v)", {num("18446744073709551615"), num("1")}) == "18446744073709551616");
  // Integers beyond 64 bits: as strings, and as JSON numbers (kDouble with
  // their text, however the parser types them) count exactly.
  CHECK(run("sum(v)", {str("100000000000000000000"), num("1")}) == "100000000000000000001");
  JsonValue big;
  big.type = JsonType::kDouble;
  big.text = "100000000000000000000";
  big.d = 1e20;
  CHECK(run("sum(v)", {big, num("-1")}) == "99999999999999999999");
  // Back below 2^63 the sum is an ordinary 64-bit one again.
  CHECK(run("sum(v)", {num(kMax64), num("1"), num("-2")}) == "9223372036854775806");
  CHECK(run("sum(v)", {str(kMax128)}) == std::string(kMax128));
  CHECK(run("sum(v)", {str(kMin128)}) == std::string(kMin128));
  // Merging sessions, both ways.
  CHECK(merged("sum(v)", {num(kMax64)}, {num(kMax64)}) == "18446744073709551614");
  CHECK(merged("sum(v)", {num(kMax64), num(kMax64)}, {num("-1")}) == "18446744073709551613");
  // A non-integer still makes it a double.
  CHECK(run("sum(v)", {num(kMax64), num("1"), num("0.5")}) == "9223372036854775808.0");
  // avg never fails; a wide integer is read as its nearest double there.
  CHECK(run("avg(v)", {num("18446744073709551615"), num("1")}) == "9223372036854775808.0");
}

TEST_CASE("issue 11 item 6: a 128-bit sum survives a checkpoint") {
  const sx::AggSpec spec = sx::parse_agg("sum(v)");
  const sx::AggState s = state(spec, {num(kMax64), num(kMax64), num("5")});
  sx::PayloadWriter w;
  sx::agg_save(s, w);
  sx::PayloadReader r(w.bytes(), "test");
  sx::AggState back;
  sx::agg_load(r, back);
  CHECK(result(spec, back) == "18446744073709551619");
  CHECK(result(spec, back) == result(spec, s));
  // A negative one.
  const sx::AggState neg = state(spec, {num(kMin64), num(kMin64)});
  sx::PayloadWriter w2;
  sx::agg_save(neg, w2);
  sx::PayloadReader r2(w2.bytes(), "test");
  sx::agg_load(r2, back);
  CHECK(result(spec, back) == "-18446744073709551616");
}
