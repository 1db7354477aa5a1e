// Issue 14: the expression language (lib/expr). Expected values are worked out
// by hand from Spark's documented semantics (non-ANSI mode, UTC session zone),
// cited per group.
#include "expr/expr.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "io/json.h"

namespace {

using sx::expr::Expr;
using sx::expr::Scratch;
using sx::expr::Value;

// The value of `text` on the record `json`, written as JSON, with its type:
// "int 3", "double 3.5", "string \"a\"", "null null".
std::string ev(std::string_view text, std::string_view json = "{}") {
  const Expr e = Expr::parse(text);
  const sx::FieldSet set(e.fields());
  std::vector<sx::JsonValue> vals(set.size());
  sx::PaddedLine line(json);
  sx::RecordReader reader;
  std::string why;
  REQUIRE(reader.read_fields(line.view(), set, vals.data(), &why));
  Scratch scratch;
  const Value v = e.eval(vals.data(), scratch);
  std::string out = sx::expr::type_name(v.type);
  out += ' ';
  sx::expr::append_json(out, v);
  return out;
}

// The message of the error `text` throws (parse or evaluation), with its kind.
std::string err(std::string_view text, std::string_view json = "{}") {
  try {
    ev(text, json);
  } catch (const sx::Error& e) {
    return std::string(e.kind() == sx::Error::Kind::kUsage ? "usage: " : "data: ") + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("issue 14: literals as Spark types them") {
  CHECK(ev("1") == "int 1");
  CHECK(ev("2147483647") == "int 2147483647");
  CHECK(ev("2147483648") == "bigint 2147483648");  // beyond INT: BIGINT
  CHECK(ev("10L") == "bigint 10");
  CHECK(ev("1.5") == "double 1.5");  // Spark DECIMAL, read as a double here
  CHECK(ev("1e3") == "double 1000.0");
  CHECK(ev(".5") == "double 0.5");
  CHECK(ev("2D") == "double 2.0");
  CHECK(ev("'it\\'s'") == "string \"it's\"");
  CHECK(ev("\"double quoted\"") == "string \"double quoted\"");
  CHECK(ev("'a' 'b'") == "string \"ab\"");  // adjacent literals are one
  CHECK(ev("'tab\\there'") == "string \"tab\\there\"");
  CHECK(ev("'\\u00e9'") == "string \"\xc3\xa9\"");
  CHECK(ev("true") == "boolean true");
  CHECK(ev("FALSE") == "boolean false");
  CHECK(ev("null") == "null null");
}

TEST_CASE("issue 14: arithmetic, / always double, div, %, division by zero is null") {
  CHECK(ev("1 + 2") == "int 3");
  CHECK(ev("1 + 2.5") == "double 3.5");
  CHECK(ev("7 - 10") == "int -3");
  CHECK(ev("6 * 7") == "int 42");
  CHECK(ev("7 / 2") == "double 3.5");
  CHECK(ev("4 / 2") == "double 2.0");
  CHECK(ev("7 div 2") == "bigint 3");
  CHECK(ev("-7 div 2") == "bigint -3");  // truncated, as Java
  CHECK(ev("7 % 3") == "int 1");
  CHECK(ev("-7 % 3") == "int -1");  // the sign of the dividend
  CHECK(ev("7 % -3") == "int 1");
  CHECK(ev("7.5 % 2") == "double 1.5");
  CHECK(ev("1 / 0") == "null null");
  CHECK(ev("1.0 / 0.0") == "null null");
  CHECK(ev("1 % 0") == "null null");
  CHECK(ev("1 div 0") == "null null");
  CHECK(ev("null + 1") == "null null");
  CHECK(ev("-a", R"({"a":5})") == "bigint -5");
  CHECK(ev("a + b", R"({"a":1,"b":2.5})") == "double 3.5");
  CHECK(ev("a * 2", R"({"a":21})") == "bigint 42");  // JSON integers are BIGINT
}

TEST_CASE("issue 14: strings in arithmetic are cast to double, null when not numbers") {
  CHECK(ev("'1' + 2") == "double 3.0");
  CHECK(ev("a * 2", R"({"a":"1.5"})") == "double 3.0");
  CHECK(ev("'x' + 1") == "null null");
}

TEST_CASE("issue 14: integer overflow wraps (non-ANSI)") {
  CHECK(ev("2147483647 + 1") == "int -2147483648");  // INT + INT stays INT
  CHECK(ev("2147483647L + 1") == "bigint 2147483648");
  CHECK(ev("a + 1", R"({"a":9223372036854775807})") == "bigint -9223372036854775808");
  CHECK(ev("a * 2", R"({"a":9223372036854775807})") == "bigint -2");
  CHECK(ev("-a", R"({"a":-9223372036854775808})") == "bigint -9223372036854775808");
  CHECK(ev("a div -1", R"({"a":-9223372036854775808})") == "bigint -9223372036854775808");
  CHECK(ev("a % -1", R"({"a":-9223372036854775808})") == "bigint 0");
}

TEST_CASE("issue 14: precedence as Spark's grammar") {
  CHECK(ev("1 + 2 * 3") == "int 7");
  CHECK(ev("(1 + 2) * 3") == "int 9");
  CHECK(ev("10 - 2 - 3") == "int 5");
  CHECK(ev("2 * 3 % 4") == "int 2");
  CHECK(ev("-2 * 3") == "int -6");
  CHECK(ev("1 < 2 = true") == "boolean true");          // comparisons left to right
  CHECK(ev("NOT 1 = 2") == "boolean true");             // NOT below comparisons
  CHECK(ev("NOT false AND false") == "boolean false");  // NOT above AND
  CHECK(ev("true OR false AND false") == "boolean true");
  CHECK(ev("1 + 1 IN (2, 3)") == "boolean true");
  CHECK(ev("a = 1 IS NULL") == "boolean true");  // (a = 1) IS NULL
  CHECK(ev("'a' || 'b' = 'ab'") == "boolean true");
  CHECK(ev("!true") == "boolean false");
}

TEST_CASE("issue 14: comparisons, string against number casts the string") {
  CHECK(ev("1 = 1") == "boolean true");
  CHECK(ev("1 == 2") == "boolean false");
  CHECK(ev("1 != 2") == "boolean true");
  CHECK(ev("1 <> 1") == "boolean false");
  CHECK(ev("2 = 2.0") == "boolean true");
  CHECK(ev("1 < 2") == "boolean true");
  CHECK(ev("2 <= 2") == "boolean true");
  CHECK(ev("3 > 2.5") == "boolean true");
  CHECK(ev("2 >= 3") == "boolean false");
  CHECK(ev("'10' > 9") == "boolean true");     // '10' cast to a number
  CHECK(ev("'10' > '9'") == "boolean false");  // two strings: byte order
  CHECK(ev("'1.5' = 1") == "boolean true");    // Spark casts '1.5' to INT: 1
  CHECK(ev("'1.5' = 1.5") == "boolean true");
  CHECK(ev("'abc' = 1") == "null null");
  CHECK(ev("status >= 500", R"({"status":503})") == "boolean true");
  CHECK(ev("status >= '500'", R"({"status":404})") == "boolean false");
  CHECK(ev("b = 'true'", R"({"b":true})") == "boolean true");
  CHECK(ev("1 = null") == "null null");
  CHECK(ev("null <=> null") == "boolean true");
  CHECK(ev("1 <=> null") == "boolean false");
  CHECK(ev("1 <=> 1") == "boolean true");
}

TEST_CASE("issue 14: three-valued logic") {
  CHECK(ev("null AND false") == "boolean false");
  CHECK(ev("false AND null") == "boolean false");
  CHECK(ev("null AND true") == "null null");
  CHECK(ev("null OR true") == "boolean true");
  CHECK(ev("null OR false") == "null null");
  CHECK(ev("NOT null") == "null null");
  CHECK(ev("true AND true") == "boolean true");
  CHECK(ev("false OR false") == "boolean false");
  CHECK(ev("missing > 1 OR true") == "boolean true");
}

TEST_CASE("issue 14: IN, BETWEEN, IS [NOT] NULL") {
  CHECK(ev("1 IN (1, 2)") == "boolean true");
  CHECK(ev("3 IN (1, 2)") == "boolean false");
  CHECK(ev("1 IN (2, null)") == "null null");
  CHECK(ev("1 IN (1, null)") == "boolean true");
  CHECK(ev("null IN (1)") == "null null");
  CHECK(ev("1 NOT IN (2, 3)") == "boolean true");
  CHECK(ev("1 NOT IN (2, null)") == "null null");
  CHECK(ev("e IN ('purchase', 'refund')", R"({"e":"refund"})") == "boolean true");
  CHECK(ev("5 BETWEEN 1 AND 10") == "boolean true");
  CHECK(ev("5 BETWEEN 5 AND 5") == "boolean true");
  CHECK(ev("5 NOT BETWEEN 1 AND 10") == "boolean false");
  CHECK(ev("5 BETWEEN null AND 3") == "boolean false");
  CHECK(ev("5 BETWEEN null AND 10") == "null null");
  CHECK(ev("a IS NULL") == "boolean true");
  CHECK(ev("a IS NULL", R"({"a":null})") == "boolean true");
  CHECK(ev("a IS NOT NULL", R"({"a":0})") == "boolean true");
  CHECK(ev("null IS TRUE") == "boolean false");
  CHECK(ev("null IS NOT FALSE") == "boolean true");
}

TEST_CASE("issue 14: LIKE with escapes, RLIKE") {
  CHECK(ev("'abc' LIKE 'a%'") == "boolean true");
  CHECK(ev("'abc' LIKE '_b_'") == "boolean true");
  CHECK(ev("'abc' LIKE 'b%'") == "boolean false");
  CHECK(ev("'abc' LIKE '%c'") == "boolean true");
  CHECK(ev("'abc' LIKE 'a%b%c'") == "boolean true");
  CHECK(ev("'abc' LIKE 'abcd'") == "boolean false");
  CHECK(ev("'' LIKE '%'") == "boolean true");
  CHECK(ev("'a_c' LIKE 'a\\_c'") == "boolean true");
  CHECK(ev("'abc' LIKE 'a\\_c'") == "boolean false");
  CHECK(ev("'50%' LIKE '50!%' ESCAPE '!'") == "boolean true");
  CHECK(ev("'501' LIKE '50!%' ESCAPE '!'") == "boolean false");
  CHECK(ev("'\xc3\xa9' LIKE '_'") == "boolean true");  // one character, two bytes
  CHECK(ev("'ab' NOT LIKE 'a%'") == "boolean false");
  CHECK(ev("null LIKE 'a'") == "null null");
  CHECK(ev("p LIKE '/api/%'", R"({"p":"/api/v1"})") == "boolean true");
  CHECK(err("'a' LIKE 'a!x' ESCAPE '!'").find("usage: expression ''a' LIKE 'a!x' ESCAPE '!''") ==
        0);  // constant: refused when parsing
  CHECK(err("s LIKE 'a!x' ESCAPE '!'", R"({"s":"a"})")
            .find("data: expression 's LIKE 'a!x' ESCAPE '!'': the escape character must be "
                  "followed by '_', '%' or itself") == 0);
  CHECK(ev("'abc123' RLIKE '[0-9]+'") == "boolean true");  // found anywhere
  CHECK(ev("'abc' RLIKE '^b'") == "boolean false");
  CHECK(ev("'abc' NOT RLIKE '^b'") == "boolean true");
  CHECK(ev("'abc' REGEXP 'b'") == "boolean true");
  CHECK(ev("null RLIKE 'a'") == "null null");
  CHECK(err("'abc' RLIKE '('")
            .find("usage: expression ''abc' RLIKE '('': the regular "
                  "expression '(' is not valid") == 0);
  CHECK(err("s RLIKE '('", R"({"s":"a"})")
            .find("data: expression 's RLIKE '('': the regular "
                  "expression '(' is not valid") == 0);
}

TEST_CASE("issue 14: CASE, both forms") {
  CHECK(ev("CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END") == "string \"b\"");
  CHECK(ev("CASE WHEN 1 > 2 THEN 'a' END") == "null null");
  CHECK(ev("CASE WHEN null THEN 1 ELSE 2 END") == "int 2");
  CHECK(ev("case x when 1 then 'one' when 2 then 'two' end", R"({"x":2})") == "string \"two\"");
  CHECK(ev("CASE null WHEN null THEN 1 ELSE 2 END") == "int 2");  // null = null is not true
}

TEST_CASE("issue 14: field references: dotted paths, backticks, a[0], fields read") {
  const std::string rec = R"({"a":{"b":[10,{"c":"x"}]},"user id":5,"m":{"k\u0031":1}})";
  CHECK(ev("a.b[0]", rec) == "bigint 10");
  CHECK(ev("a.b[1].c", rec) == "string \"x\"");
  CHECK(ev("a.b[5]", rec) == "null null");
  CHECK(ev("a['b'][0]", rec) == "bigint 10");
  CHECK(ev("`user id` + 1", rec) == "bigint 6");
  CHECK(ev("m.k1", rec) == "bigint 1");
  CHECK(ev("m['k1']", rec) == "bigint 1");
  CHECK(ev("a.b", rec) == "struct/array [10,{\"c\":\"x\"}]");
  CHECK(ev("nope.deeper") == "null null");
  const Expr e = Expr::parse("a.b[0] + `user id` * a.b[1] - a.b[0]");
  REQUIRE(e.fields().size() == 2);
  CHECK(e.fields()[0].text() == "a.b");
  CHECK(e.fields()[1].text() == "user id");
  CHECK(Expr::parse("a.b").is_field());
  CHECK_FALSE(Expr::parse("a.b + 1").is_field());
}

TEST_CASE("issue 14: AS names") {
  const Expr e = Expr::parse("price * qty AS revenue");
  CHECK(e.name() == "revenue");
  CHECK(e.named());
  CHECK(Expr::parse("a + 1 as `error count`").name() == "error count");
  CHECK(Expr::parse(" price * qty ").name() == "price * qty");
  CHECK_FALSE(Expr::parse("price").named());
  CHECK(Expr::parse("price * qty revenue").name() == "revenue");  // AS is optional, as Spark
  CHECK(err("a AS").find("column 5: expected a name after AS") != std::string::npos);
}

TEST_CASE("issue 14: parse errors name the expression, the column and what was expected") {
  CHECK(err("a +") ==
        "usage: expression 'a +': column 4: expected a value (a field, a literal, a function "
        "call or '('), but the expression ends (see sx-expr(7))");
  CHECK(err("a = = b") ==
        "usage: expression 'a = = b': column 5: expected a value (a field, a literal, a function "
        "call or '('), but found '=' (see sx-expr(7))");
  CHECK(err("zzz(1)") ==
        "usage: expression 'zzz(1)': column 1: unknown function 'zzz' (see "
        "sx-expr(7))");
  CHECK(err("lowr(a)").find("unknown function 'lowr' (did you mean 'lower'?)") !=
        std::string::npos);
  CHECK(err("substring('a')").find("column 1: substring takes 2 to 3 arguments, not 1") !=
        std::string::npos);
  CHECK(err("CASE WHEN 1 THEN 2").find("column 19: expected WHEN, ELSE or END") !=
        std::string::npos);
  CHECK(err("'abc").find("column 1: unterminated string") != std::string::npos);
  CHECK(err("cast(a AS date)").find("column 11: expected a type: int, bigint") !=
        std::string::npos);
  CHECK(err("a b c").find("column 5: expected an operator, AS name or the end") !=
        std::string::npos);
  CHECK(err("end + 1").find("quote it: `end`") != std::string::npos);
  CHECK(err("'\xc3\xa9' = = 1").find("column 7: expected a value") != std::string::npos);
  CHECK(err(std::string(300, '(') + "1" + std::string(300, ')'))
            .find("nests deeper than 256 levels") != std::string::npos);
  CHECK(err(std::string(300, '-') + "1").find("nests deeper") != std::string::npos);
  CHECK(ev(std::string(100, '(') + "1" + std::string(100, ')')) == "int 1");
  std::string chain = "1";
  for (int i = 0; i < 1200; ++i) chain += " + 1";
  CHECK(err(chain).find("more than 1000 operators deep") != std::string::npos);
  CHECK(err("(1 + 2").find("column 7: expected ')'") != std::string::npos);
  CHECK(err("x IS 1").find("expected NULL, NOT NULL, TRUE or FALSE after IS") != std::string::npos);
}

TEST_CASE("issue 14: type errors name the expression") {
  CHECK(err("true + 1") == "usage: expression 'true + 1': cannot apply + to boolean true");
  CHECK(err("b + 1", R"({"b":true})") ==
        "data: expression 'b + 1': cannot apply + to boolean true");
  CHECK(err("x > 1 AND a * 2 > 0", R"({"x":2,"a":{"b":1}})") ==
        "data: expression 'a * 2' (in 'x > 1 AND a * 2 > 0'): cannot apply * to struct/array "
        "{\"b\":1}");
  CHECK(err("'x' AND true") ==
        "usage: expression ''x' AND true': expected a boolean, got string \"x\"");
  CHECK(err("s AND true", R"({"s":"x"})") ==
        "data: expression 's AND true': expected a boolean, got string \"x\"");
  CHECK(err("lower(a) = 1 OR abs(b)", R"({"a":"A","b":true})").find("data: expression 'abs(b)'") ==
        0);
}

TEST_CASE("issue 14: coalesce, if, nvl") {
  CHECK(ev("coalesce(null, 2, 3)") == "int 2");
  CHECK(ev("coalesce(null)") == "null null");
  CHECK(ev("coalesce(a, b, 'none')", R"({"b":"x"})") == "string \"x\"");
  CHECK(ev("nvl(null, 'x')") == "string \"x\"");
  CHECK(ev("nvl(1, 'x')") == "int 1");
  CHECK(ev("if(1 > 2, 'a', 'b')") == "string \"b\"");
  CHECK(ev("if(null, 1, 2)") == "int 2");
  CHECK(ev("IF(true, null, 2)") == "null null");
}

TEST_CASE("issue 14: abs, round (HALF_UP), floor, ceil") {
  CHECK(ev("abs(-5)") == "int 5");
  CHECK(ev("abs(-2.5)") == "double 2.5");
  CHECK(ev("abs(null)") == "null null");
  CHECK(ev("abs(a)", R"({"a":-9223372036854775808})") == "bigint -9223372036854775808");
  CHECK(ev("round(2.5)") == "double 3.0");
  CHECK(ev("round(-2.5)") == "double -3.0");  // HALF_UP: away from zero
  CHECK(ev("round(0.5)") == "double 1.0");
  CHECK(ev("round(1.45, 1)") == "double 1.5");
  CHECK(ev("round(2.675, 2)") == "double 2.68");  // the decimal 2.675, not its binary value
  CHECK(ev("round(1234.5678, -2)") == "double 1200.0");
  CHECK(ev("round(9.99, 1)") == "double 10.0");
  CHECK(ev("round(125, -1)") == "int 130");
  CHECK(ev("round(-125, -1)") == "int -130");
  CHECK(ev("round(124, -1)") == "int 120");
  CHECK(ev("round(7, 2)") == "int 7");
  CHECK(ev("round(null)") == "null null");
  CHECK(ev("round(a, 1)", R"({"a":"3.14159"})") == "double 3.1");
  CHECK(ev("floor(2.7)") == "bigint 2");
  CHECK(ev("floor(-2.7)") == "bigint -3");
  CHECK(ev("ceil(2.1)") == "bigint 3");
  CHECK(ev("ceil(-2.1)") == "bigint -2");
  CHECK(ev("floor(5)") == "bigint 5");
  CHECK(ev("ceil(null)") == "null null");
}

TEST_CASE("issue 14: lower, upper, length (characters), trim") {
  CHECK(ev("lower('AbC')") == "string \"abc\"");
  CHECK(ev("upper('aBc')") == "string \"ABC\"");
  CHECK(ev("lower(null)") == "null null");
  CHECK(ev("length('h\xc3\xa9llo')") == "int 5");  // 6 bytes, 5 characters
  CHECK(ev("length('')") == "int 0");
  CHECK(ev("length(12345)") == "int 5");
  CHECK(ev("length(null)") == "null null");
  CHECK(ev("trim('  a b  ')") == "string \"a b\"");
  CHECK(ev("trim(null)") == "null null");
}

TEST_CASE("issue 14: substring is 1-based, negative from the end") {
  CHECK(ev("substring('Spark SQL', 5)") == "string \"k SQL\"");
  CHECK(ev("substring('Spark SQL', -3)") == "string \"SQL\"");
  CHECK(ev("substring('Spark SQL', 5, 1)") == "string \"k\"");
  CHECK(ev("substring('Spark SQL', 0, 3)") == "string \"Spa\"");  // 0 reads as 1
  CHECK(ev("substring('Spark SQL', 1, 3)") == "string \"Spa\"");
  CHECK(ev("substring('abc', -5, 3)") == "string \"a\"");
  CHECK(ev("substring('abc', 2, -1)") == "string \"\"");
  CHECK(ev("substr('h\xc3\xa9llo', 2, 2)") == "string \"\xc3\xa9l\"");
  CHECK(ev("substring(null, 1)") == "null null");
  CHECK(ev("substring('abc', null)") == "null null");
}

TEST_CASE("issue 14: concat (null if any), concat_ws (skips nulls), split") {
  CHECK(ev("concat('a', 1, 'b')") == "string \"a1b\"");
  CHECK(ev("concat('a', null)") == "null null");
  CHECK(ev("concat_ws('-', 'a', null, 'b')") == "string \"a-b\"");
  CHECK(ev("concat_ws(null, 'a')") == "null null");
  CHECK(ev("concat_ws(',', split('a b', ' '), 'c')") == "string \"a,b,c\"");
  CHECK(ev("split('a,b,,c,', ',')") == R"(struct/array ["a","b","","c",""])");
  CHECK(ev("split('a1b22c', '[0-9]+')") == R"(struct/array ["a","b","c"])");
  CHECK(ev("split('a,b,c', ',', 2)") == R"(struct/array ["a","b,c"])");
  CHECK(ev("split('abc', '')") == R"(struct/array ["a","b","c"])");
  CHECK(ev("split(null, ',')") == "null null");
  CHECK(ev("split('a,b', ',')[1]") == "string \"b\"");
  CHECK(ev("array(0.5, 'a', null, 1 + 1)") == R"(struct/array [0.5,"a",null,2])");
  CHECK(ev("array()") == "struct/array []");
}

TEST_CASE("issue 14: regexp_extract, regexp_replace") {
  CHECK(ev(R"x(regexp_extract('100-200', '(\\d+)-(\\d+)', 2))x") == "string \"200\"");
  CHECK(ev(R"x(regexp_extract('100-200', '(\\d+)-(\\d+)'))x") == "string \"100\"");
  CHECK(ev(R"x(regexp_extract('100-200', '(\\d+)-(\\d+)', 0))x") == "string \"100-200\"");
  CHECK(ev(R"x(regexp_extract('abc', '(\\d+)', 1))x") == "string \"\"");
  CHECK(ev(R"x(regexp_extract(null, '(a)', 1))x") == "null null");
  CHECK(
      err(R"x(regexp_extract('a', '(a)', 2))x").find("has 1 group(s), but the group index is 2") !=
      std::string::npos);
  CHECK(ev(R"x(regexp_replace('100-200', '(\\d+)', 'num'))x") == "string \"num-num\"");
  CHECK(ev(R"x(regexp_replace('a1b2', '([0-9])', '<$1>'))x") == "string \"a<1>b<2>\"");
  CHECK(ev(R"x(regexp_replace('a1b2', '[0-9]', 'X', 3))x") == "string \"a1bX\"");
  CHECK(ev(R"x(regexp_replace(null, 'a', 'b'))x") == "null null");
  CHECK(ev(R"x(regexp_replace('a1', '[0-9]', '\\$'))x") == "string \"a$\"");
}

TEST_CASE("issue 14: cast (non-ANSI: null when it cannot)") {
  CHECK(ev("cast('12' AS int)") == "int 12");
  CHECK(ev("cast(' 12 ' AS int)") == "int 12");
  CHECK(ev("cast('1.9' AS int)") == "int 1");
  CHECK(ev("cast('x' AS int)") == "null null");
  CHECK(ev("cast('3000000000' AS int)") == "null null");
  CHECK(ev("cast(3000000000L AS int)") == "int -1294967296");  // wraps
  CHECK(ev("cast(3.9 AS int)") == "int 3");
  CHECK(ev("cast(-3.9 AS bigint)") == "bigint -3");
  CHECK(ev("cast(1e20 AS int)") == "int 2147483647");  // saturates, as Java
  CHECK(ev("cast(1 AS string)") == "string \"1\"");
  CHECK(ev("cast(1.0 AS string)") == "string \"1.0\"");
  CHECK(ev("cast(1e20 AS string)") == "string \"1.0E20\"");
  CHECK(ev("cast(0.0001 AS string)") == "string \"1.0E-4\"");
  CHECK(ev("cast(1234567.0 AS string)") == "string \"1234567.0\"");
  CHECK(ev("cast(12345678.0 AS string)") == "string \"1.2345678E7\"");
  CHECK(ev("cast(true AS int)") == "int 1");
  CHECK(ev("cast(123 AS double)") == "double 123.0");
  CHECK(ev("cast('1e3' AS double)") == "double 1000.0");
  CHECK(ev("cast('yes' AS boolean)") == "boolean true");
  CHECK(ev("cast('F' AS boolean)") == "boolean false");
  CHECK(ev("cast('maybe' AS boolean)") == "null null");
  CHECK(ev("cast(0 AS boolean)") == "boolean false");
  CHECK(ev("cast('2024-01-02T03:04:05Z' AS timestamp)") == "timestamp \"2024-01-02T03:04:05Z\"");
  CHECK(ev("cast('2024-01-02 03:04:05' AS timestamp)") == "timestamp \"2024-01-02T03:04:05Z\"");
  CHECK(ev("cast('nope' AS timestamp)") == "null null");
  CHECK(ev("cast(0 AS timestamp)") == "timestamp \"1970-01-01T00:00:00Z\"");
  CHECK(ev("cast(cast('2024-01-02T03:04:05.5Z' AS timestamp) AS string)") ==
        "string \"2024-01-02 03:04:05.5\"");
  CHECK(ev("cast(cast('2024-01-02T03:04:05Z' AS timestamp) AS bigint)") == "bigint 1704164645");
  CHECK(ev("cast(null AS int)") == "null null");
}

TEST_CASE("issue 14: time functions (UTC)") {
  CHECK(ev("to_timestamp('2024-01-02 03:04:05')") == "timestamp \"2024-01-02T03:04:05Z\"");
  CHECK(ev("to_timestamp('02/01/2024 03:04', 'dd/MM/yyyy HH:mm')") ==
        "timestamp \"2024-01-02T03:04:00Z\"");
  CHECK(ev("to_timestamp('garbage')") == "null null");
  CHECK(ev("to_timestamp('x', 'dd/MM/yyyy')") == "null null");
  CHECK(ev("to_timestamp(null)") == "null null");
  const std::string rec = R"({"ts":"2024-01-03T03:04:05.123Z"})";
  CHECK(ev("date_trunc('hour', ts)", rec) == "timestamp \"2024-01-03T03:00:00Z\"");
  CHECK(ev("date_trunc('MINUTE', ts)", rec) == "timestamp \"2024-01-03T03:04:00Z\"");
  CHECK(ev("date_trunc('day', ts)", rec) == "timestamp \"2024-01-03T00:00:00Z\"");
  CHECK(ev("date_trunc('week', ts)", rec) == "timestamp \"2024-01-01T00:00:00Z\"");  // Monday
  CHECK(ev("date_trunc('MONTH', ts)", rec) == "timestamp \"2024-01-01T00:00:00Z\"");
  CHECK(ev("date_trunc('quarter', '2024-05-10T00:00:00Z')") ==
        "timestamp \"2024-04-01T00:00:00Z\"");
  CHECK(ev("date_trunc('year', ts)", rec) == "timestamp \"2024-01-01T00:00:00Z\"");
  CHECK(ev("date_trunc('bogus', ts)", rec) == "null null");
  CHECK(ev("date_trunc('hour', null)") == "null null");
  CHECK(ev("date_format(ts, 'yyyy-MM-dd HH:mm')", rec) == "string \"2024-01-03 03:04\"");
  CHECK(ev("date_format(ts, 'EEE, d MMM yyyy HH:mm:ss.SSS')", rec) ==
        "string \"Wed, 3 Jan 2024 03:04:05.123\"");
  CHECK(ev("date_format(ts, \"yyyy-MM-dd'T'HH\")", rec) == "string \"2024-01-03T03\"");
  CHECK(ev("date_format(null, 'yyyy')") == "null null");
  // '' inside quoted text is an apostrophe (java.time), parsing as formatting.
  CHECK(ev("date_format(ts, \"H 'o''clock'\")", rec) == "string \"3 o'clock\"");
  CHECK(ev("to_timestamp(\"2024-01-02 5 o'clock\", \"yyyy-MM-dd H 'o''clock'\")") ==
        "timestamp \"2024-01-02T05:00:00Z\"");
  CHECK(ev("hour(ts)", rec) == "int 3");
  CHECK(ev("minute(ts)", rec) == "int 4");
  CHECK(ev("dayofweek(ts)", rec) == "int 4");       // Sunday 1 .. Saturday 7: Wednesday
  CHECK(ev("dayofweek('1970-01-01')") == "int 5");  // a Thursday
  CHECK(ev("hour(null)") == "null null");
  CHECK(ev("unix_timestamp('2024-01-02 03:04:05')") == "bigint 1704164645");
  CHECK(ev("unix_timestamp('2024/01/02', 'yyyy/MM/dd')") == "bigint 1704153600");
  CHECK(ev("unix_timestamp('garbage')") == "null null");
  CHECK(ev("unix_timestamp(to_timestamp('2024-01-02 03:04:05'))") == "bigint 1704164645");
  CHECK(ev("unix_timestamp() > 1704164645") == "boolean true");
  CHECK(ev("from_unixtime(0)") == "string \"1970-01-01 00:00:00\"");
  CHECK(ev("from_unixtime(1704164645, 'yyyy/MM/dd')") == "string \"2024/01/02\"");
  CHECK(ev("from_unixtime(null)") == "null null");
}

TEST_CASE("issue 14: the seed's expressions") {
  const std::string rec = R"({"event_type":"purchase","value":150,"status":503})";
  CHECK(ev("event_type = \"purchase\" AND value > 100", rec) == "boolean true");
  CHECK(ev("value > 10", rec) == "boolean true");
  CHECK(ev("(value > 200) OR (status >= 500)", rec) == "boolean true");
  CHECK(ev("CASE WHEN status >= 500 THEN 1 ELSE 0 END", rec) == "int 1");
  CHECK(sx::expr::is_true(Value::boolean(true)));
  CHECK_FALSE(sx::expr::is_true(Value::null()));
}

TEST_CASE("issue 14: aggregate calls for sx-window --agg") {
  const sx::expr::AggregateCall c = sx::expr::parse_aggregate_call("SUM(price * qty) AS revenue");
  CHECK(c.function == "sum");
  CHECK(c.name == "revenue");
  CHECK(c.named);
  REQUIRE(c.args.size() == 1);
  CHECK(c.args[0].text() == "price * qty");
  CHECK(c.args[0].fields().size() == 2);
  const auto star = sx::expr::parse_aggregate_call("count(*)");
  CHECK(star.star);
  CHECK(star.args.empty());
  CHECK(star.name == "count(*)");
  CHECK_FALSE(star.named);
  const auto p = sx::expr::parse_aggregate_call("percentile_approx(value, array(0.5, 0.95)) x");
  CHECK(p.function == "percentile_approx");
  CHECK(p.name == "x");
  CHECK(p.args[1].text() == "array(0.5, 0.95)");
  const auto d = sx::expr::parse_aggregate_call("count(DISTINCT user_id) as users");
  CHECK(d.distinct);
  CHECK(d.args[0].text() == "user_id");
  const auto f = sx::expr::parse_aggregate_call("max(distinct)");
  CHECK_FALSE(f.distinct);
  CHECK(f.args[0].text() == "distinct");
  const auto a = sx::expr::parse_aggregate_call(
      "avg(CASE WHEN status >= 500 THEN 1 ELSE 0 END) AS error_rate");
  CHECK(a.args[0].text() == "CASE WHEN status >= 500 THEN 1 ELSE 0 END");
  const auto two = sx::expr::parse_aggregate_call("min_by(path, (latency))");
  REQUIRE(two.args.size() == 2);
  CHECK(two.args[1].text() == "(latency)");
  CHECK(sx::expr::parse_aggregate_call("count_if(status >= 500)").args[0].text() ==
        "status >= 500");
  CHECK(err("x").find("bogus") == std::string::npos);
  try {
    sx::expr::parse_aggregate_call("sum(a +)");
    FAIL("no error");
  } catch (const sx::Error& e) {
    CHECK(std::string(e.what()).find("expression 'sum(a +)': column 8: expected a value") == 0);
  }
}

TEST_CASE("issue 14: constants are folded when parsing") {
  const Expr e = Expr::parse("ts >= to_timestamp('2024-01-01') AND n > 100 * 1000");
  CHECK(e.fields().size() == 2);
  CHECK(ev("ts >= to_timestamp('2024-01-01') AND n > 100 * 1000",
           R"({"ts":"2024-06-01T00:00:00Z","n":100001})") == "boolean true");
  CHECK(ev("concat('a', 'b') || s", R"({"s":"c"})") == "string \"abc\"");
  CHECK(ev("split('a,b', ',')[1] = s", R"({"s":"b"})") == "boolean true");
  CHECK(ev("unix_timestamp() > 0") == "boolean true");  // not folded: the time now
  const Expr copy = e;
  CHECK(copy.text() == e.text());
}

TEST_CASE("issue 14: several expressions read one array of values (bind), copies") {
  Expr where = Expr::parse("status >= 500 AND path LIKE '/api/%'");
  Expr set = Expr::parse("concat(method, ' ', path) AS what");
  const std::vector<sx::FieldPath> all = {
      sx::FieldPath::parse("method"), sx::FieldPath::parse("path"), sx::FieldPath::parse("status")};
  where.bind(all);
  set.bind(all);
  const sx::FieldSet fs(all);
  std::vector<sx::JsonValue> vals(fs.size());
  sx::PaddedLine line(R"({"status":503,"path":"/api/x","method":"GET"})");
  sx::RecordReader reader;
  std::string why;
  REQUIRE(reader.read_fields(line.view(), fs, vals.data(), &why));
  Scratch s1, s2;
  CHECK(sx::expr::is_true(where.eval(vals.data(), s1)));
  const Value v = set.eval(vals.data(), s2);
  CHECK(v.s == "GET /api/x");
  const Expr copy = where;  // parsed again, bound again
  CHECK(copy.text() == where.text());
  CHECK(sx::expr::is_true(copy.eval(vals.data(), s1)));
  Expr other = Expr::parse("nope = 1");
  CHECK_THROWS_AS(other.bind(all), sx::Error);
}

TEST_CASE("a field compared with a literal (the fast path) agrees with the literal on the left") {
  // FIELD OP LITERAL takes a shortcut for string/string, int/int and
  // double/number; LITERAL OP' FIELD (the mirrored operator) does not.
  const char* records[] = {R"({"x":"purchase"})",
                           R"({"x":"a"})",
                           R"({"x":""})",
                           R"({"x":5})",
                           R"({"x":-7})",
                           R"({"x":2.5})",
                           R"({"x":100.0})",
                           R"({"x":null})",
                           R"({})",
                           R"({"x":"5"})",
                           R"({"x":true})",
                           R"({"x":1e300})",
                           R"({"x":18446744073709551615})"};
  const char* literals[] = {"'purchase'", "'a'", "''", "5", "-7", "2.5", "100", "1e300", "'5'"};
  const std::pair<const char*, const char*> ops[] = {{"=", "="},   {"!=", "!="}, {"<", ">"},
                                                     {"<=", ">="}, {">", "<"},   {">=", "<="}};
  int checked = 0;
  for (const char* r : records) {
    for (const char* lit : literals) {
      for (const auto& [op, mirror] : ops) {
        const std::string fast = std::string("x ") + op + " " + lit;
        const std::string slow = std::string(lit) + " " + mirror + " x";
        CAPTURE(r);
        CAPTURE(fast);
        const std::string a = err(fast, r), b = err(slow, r);
        if (a == "no error") {
          CHECK(ev(fast, r) == ev(slow, r));
        } else {
          CHECK(b != "no error");
        }
        ++checked;
      }
    }
  }
  CHECK(checked == 13 * 9 * 6);
}
