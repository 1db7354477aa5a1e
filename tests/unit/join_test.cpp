// sx-join: the CSV parser, the flags and the operator (the static table: static_table_test).
#include "ops/join.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/csv_reader.h"
#include "io/json.h"
#include "io/output.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "test_files.h"

namespace {

using sx::CsvParser;

std::vector<std::string> texts(const CsvParser& p) {
  std::vector<std::string> v;
  for (const auto& f : p.fields()) v.emplace_back(f.text);
  return v;
}

// A file in a fresh temp directory, named `name`, holding `content`.
using sx_test::TempFile;

// Runs an operator over `lines` (control records recognised by prefix) and
// returns what it wrote.
std::string run_join(const sx::JoinOptions& opt, const std::vector<std::string>& lines,
                     const std::function<void(std::size_t)>& before = nullptr) {
  return sx_test::capture([&](sx::Output& out) {
    sx::BadInputPolicy bad("fail");
    sx::JoinOperator op(opt, out, bad);
    sx_test::feed(op, lines, before);
    op.on_end();
  });
}

sx::JoinOptions options(const TempFile& f, const std::string& on,
                        sx::JoinHow how = sx::JoinHow::kInner) {
  sx::JoinOptions o;
  o.table.path = f.path;
  o.on.push_back(sx::parse_join_key(on));
  o.how = how;
  return o;
}

}  // namespace

// ---- CSV ----

TEST_CASE("join CSV parser: plain, quoted, escaped and empty fields") {
  CsvParser p;
  std::string why;
  REQUIRE(p.feed("a,b,c", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(p.feed(R"("x, y","say ""hi""",z)", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"x, y", "say \"hi\"", "z"});
  REQUIRE(p.feed(R"(,"",)", &why) == CsvParser::Result::kRecord);
  REQUIRE(p.fields().size() == 3);
  CHECK(p.fields()[0].text.empty());
  CHECK_FALSE(p.fields()[0].quoted);
  CHECK(p.fields()[1].text.empty());
  CHECK(p.fields()[1].quoted);
  CHECK_FALSE(p.fields()[2].quoted);
  // A lone empty line is one empty field; a quote inside an unquoted field is literal.
  REQUIRE(p.feed("", &why) == CsvParser::Result::kRecord);
  CHECK(p.fields().size() == 1);
  REQUIRE(p.feed(R"(5'10",x)", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"5'10\"", "x"});
  // """" is one quote.
  REQUIRE(p.feed(R"("""")", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"\""});
}

TEST_CASE("join CSV parser: a quoted field spans lines") {
  CsvParser p;
  std::string why;
  CHECK_FALSE(p.in_record());
  REQUIRE(p.feed(R"(1,"first)", &why) == CsvParser::Result::kMore);
  CHECK(p.in_record());
  REQUIRE(p.feed("", &why) == CsvParser::Result::kMore);
  REQUIRE(p.feed(R"(third",x)", &why) == CsvParser::Result::kRecord);
  CHECK_FALSE(p.in_record());
  CHECK(texts(p) == std::vector<std::string>{"1", "first\n\nthird", "x"});
  // The next record starts afresh.
  REQUIRE(p.feed("2,b", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"2", "b"});
}

TEST_CASE("join CSV parser: text after a closing quote is an error") {
  CsvParser p;
  std::string why;
  CHECK(p.feed(R"(a,"b"c,d)", &why) == CsvParser::Result::kError);
  CHECK(why.find("field 2") != std::string::npos);
  CHECK_FALSE(p.in_record());
  REQUIRE(p.feed("e", &why) == CsvParser::Result::kRecord);
  CHECK(texts(p) == std::vector<std::string>{"e"});
}

// ---- keys and flags ----

TEST_CASE("join flags: --on, --how, formats and prefixes") {
  auto k = sx::parse_join_key("user_id");
  CHECK(k.stream == "user_id");
  CHECK(k.table == "user_id");
  k = sx::parse_join_key("user.id=id");
  CHECK(k.stream == "user.id");
  CHECK(k.table == "id");
  CHECK_THROWS_AS(sx::parse_join_key("=id"), sx::Error);
  CHECK_THROWS_AS(sx::parse_join_key("id="), sx::Error);
  CHECK_THROWS_AS(sx::parse_join_key("a..b=c"), sx::Error);

  CHECK(sx::parse_join_how("inner") == sx::JoinHow::kInner);
  CHECK(sx::parse_join_how("left_outer") == sx::JoinHow::kLeft);
  CHECK(sx::parse_join_how("left_semi") == sx::JoinHow::kSemi);
  CHECK(sx::parse_join_how("anti") == sx::JoinHow::kAnti);
  try {
    sx::parse_join_how("right");
    FAIL("right join accepted");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    CHECK(std::string(e.what()).find("use inner, left, semi or anti") != std::string::npos);
  }
}

// ---- the operator ----

TEST_CASE("join operator: inner, left, semi and anti (a fruit example)") {
  TempFile f("categories.csv", "id,category\n1,fruit\n2,fruit\n4,vegetable\n");
  const std::vector<std::string> in = {R"({"id":"1","value":"apple"})",
                                       R"({"id":"2","value":"banana"})",
                                       R"({"id":"3","value":"carrot"})"};
  CHECK(run_join(options(f, "id"), in) ==
        "{\"id\":\"1\",\"value\":\"apple\",\"category\":\"fruit\"}\n"
        "{\"id\":\"2\",\"value\":\"banana\",\"category\":\"fruit\"}\n");
  CHECK(run_join(options(f, "id", sx::JoinHow::kLeft), in) ==
        "{\"id\":\"1\",\"value\":\"apple\",\"category\":\"fruit\"}\n"
        "{\"id\":\"2\",\"value\":\"banana\",\"category\":\"fruit\"}\n"
        "{\"id\":\"3\",\"value\":\"carrot\",\"category\":null}\n");
  CHECK(run_join(options(f, "id", sx::JoinHow::kSemi), in) == in[0] + "\n" + in[1] + "\n");
  CHECK(run_join(options(f, "id", sx::JoinHow::kAnti), in) == in[2] + "\n");
}

TEST_CASE("join operator: 1, 1.0, \"1\" and true match; null and missing keys never do") {
  TempFile f("t.csv", "k,v\n1,one\ntrue,yes\n,nothing\n");
  const std::vector<std::string> in = {R"({"k":1})",    R"({"k":1.0})",  R"({"k":"1"})",
                                       R"({"k":1e0})",  R"({"k":true})", R"({"k":"01"})",
                                       R"({"k":null})", R"({"x":1})",    R"({"k":""})"};
  CHECK(run_join(options(f, "k", sx::JoinHow::kLeft), in) ==
        "{\"k\":1,\"v\":\"one\"}\n"
        "{\"k\":1.0,\"v\":\"one\"}\n"
        "{\"k\":\"1\",\"v\":\"one\"}\n"
        "{\"k\":1e0,\"v\":\"one\"}\n"
        "{\"k\":true,\"v\":\"yes\"}\n"
        "{\"k\":\"01\",\"v\":null}\n"
        "{\"k\":null,\"v\":null}\n"
        "{\"x\":1,\"v\":null}\n"
        "{\"k\":\"\",\"v\":null}\n");
  CHECK(run_join(options(f, "k", sx::JoinHow::kAnti), in) ==
        "{\"k\":\"01\"}\n{\"k\":null}\n{\"x\":1}\n{\"k\":\"\"}\n");
}

TEST_CASE("join operator: clashing names get the prefix, per record") {
  TempFile f("users.csv", "id,name,tier\n1,Alice,gold\n");
  const std::vector<std::string> in = {R"({"id":1,"name":"a1"})", R"({"id":1})",
                                       R"({"name":"x","id":1,"tier":null})"};
  CHECK(
      run_join(options(f, "id"), in) ==
      "{\"id\":1,\"name\":\"a1\",\"users_name\":\"Alice\",\"tier\":\"gold\"}\n"
      "{\"id\":1,\"name\":\"Alice\",\"tier\":\"gold\"}\n"
      "{\"name\":\"x\",\"id\":1,\"tier\":null,\"users_name\":\"Alice\",\"users_tier\":\"gold\"}\n");
  auto o = options(f, "id", sx::JoinHow::kLeft);
  o.prefix = "u_";
  CHECK(run_join(o, {R"({"id":2,"tier":0})"}) ==
        "{\"id\":2,\"tier\":0,\"name\":null,\"u_tier\":null}\n");
}

// Spark's df.join(static, df.a == static.b) keeps both columns.
TEST_CASE("join operator: --on a=b keeps b; dotted stream keys; spaces and {}") {
  TempFile f("t.ndjson", "{\"uid\":7,\"name\":\"Gus\"}\n");
  auto o = options(f, "user.id=uid", sx::JoinHow::kLeft);
  CHECK(run_join(o, {R"({"user":{"id":7},"n":1})", R"(  { "user" : { "id" : "7" } }  )", "{}",
                     " { } "}) ==
        "{\"user\":{\"id\":7},\"n\":1,\"uid\":7,\"name\":\"Gus\"}\n"
        "  { \"user\" : { \"id\" : \"7\" } ,\"uid\":7,\"name\":\"Gus\"}\n"
        "{\"uid\":null,\"name\":null}\n"
        " { \"uid\":null,\"name\":null}\n");
}

TEST_CASE("join operator: several static rows give several records in file order") {
  TempFile f("t.csv", "k,v\na,1\nb,2\na,3\n");
  CHECK(run_join(options(f, "k"), {R"({"k":"a"})", R"({"k":"b"})"}) ==
        "{\"k\":\"a\",\"v\":\"1\"}\n{\"k\":\"a\",\"v\":\"3\"}\n{\"k\":\"b\",\"v\":\"2\"}\n");
  // semi writes a record once, however many rows match.
  CHECK(run_join(options(f, "k", sx::JoinHow::kSemi), {R"({"k":"a"})"}) == "{\"k\":\"a\"}\n");
}

TEST_CASE("join operator: control records pass through in order") {
  TempFile f("t.csv", "k,v\na,1\n");
  const std::vector<std::string> in = {
      R"({"@sx":"stream","v":1,"source":"sx-read","time_field":"t","time_format":"auto","time_zone":"UTC"})",
      R"({"k":"a","t":1})",
      R"({"@sx":"epoch","id":0})",
      R"({"@sx":"watermark","t":"2023-07-30T10:00:00Z"})",
      R"({"@sx":"custom","x":[1]})",
      R"({"k":"b","t":2})",
      R"({"@sx":"epoch","id":1})"};
  CHECK(run_join(options(f, "k"), in) == in[0] + "\n" + R"({"k":"a","t":1,"v":"1"})" + "\n" +
                                             in[2] + "\n" + in[3] + "\n" + in[4] + "\n" + in[6] +
                                             "\n");
}

TEST_CASE("join operator: a header that lists columns is announced with the joined columns") {
  TempFile f("users.csv", "user_id,count,tier\n1,9,gold\n");
  const std::string header =
      R"({"@sx":"stream","v":1,"source":"sx-window","time_field":"window_end","time_format":"iso8601","time_zone":"UTC","time_shift_us":-1,"columns":["window_end","user_id","count"]})";
  const std::string out =
      run_join(options(f, "user_id"), {header, R"({"window_end":"x","user_id":1,"count":2})"});
  CHECK(
      out ==
      R"({"@sx":"stream","v":1,"source":"sx-join","time_field":"window_end","time_format":"iso8601","time_zone":"UTC","time_shift_us":-1,"columns":["window_end","user_id","count","users_count","tier"]})"
      "\n"
      R"({"window_end":"x","user_id":1,"count":2,"users_count":"9","tier":"gold"})"
      "\n");
  // semi and anti do not change the records, nor the header.
  CHECK(run_join(options(f, "user_id", sx::JoinHow::kSemi), {header}) == header + "\n");
}

TEST_CASE("join operator: --reload swaps the table at an epoch, atomically") {
  TempFile f("t.csv", "k,v\na,1\n");
  auto o = options(f, "k", sx::JoinHow::kLeft);
  o.reload = true;
  const std::vector<std::string> in = {
      R"({"k":"a"})",               // 0: old table
      R"({"@sx":"epoch","id":0})",  // 1: replaced before: reloads after forwarding
      R"({"k":"a"})",               // 2: new table
      R"({"@sx":"epoch","id":1})",  // 3: replaced by a broken file before: kept
      R"({"k":"a"})",               // 4: still the table of epoch 0
      R"({"@sx":"epoch","id":2})",  // 5: unchanged broken file: not read again
      R"({"k":"a"})",               // 6
      R"({"@sx":"epoch","id":3})",  // 7: fixed: reloads, with a new column
      R"({"k":"a"})"};              // 8
  const std::string out = run_join(o, in, [&](std::size_t i) {
    if (i == 1) f.replace("k,v\na,2\n");
    if (i == 3) f.replace("k,v\na,3\nb,\"half");
    if (i == 7) f.replace("k,w,v\na,x,4\n");
  });
  CHECK(out ==
        "{\"k\":\"a\",\"v\":\"1\"}\n"
        "{\"@sx\":\"epoch\",\"id\":0}\n"
        "{\"k\":\"a\",\"v\":\"2\"}\n"
        "{\"@sx\":\"epoch\",\"id\":1}\n"
        "{\"k\":\"a\",\"v\":\"2\"}\n"
        "{\"@sx\":\"epoch\",\"id\":2}\n"
        "{\"k\":\"a\",\"v\":\"2\"}\n"
        "{\"@sx\":\"epoch\",\"id\":3}\n"
        "{\"k\":\"a\",\"w\":\"x\",\"v\":\"4\"}\n");
}

TEST_CASE("join operator: records that are not objects go to the bad-input policy") {
  TempFile f("t.csv", "k,v\na,1\n");
  try {
    run_join(options(f, "k"), {R"({"k":"a"})", "[1,2]"});
    FAIL("accepted an array");
  } catch (const sx::Error& e) {
    CHECK(std::string(e.what()).starts_with("stream:2: not a JSON object"));
  }
}

TEST_CASE("join operator: options that do not go together") {
  TempFile f("t.csv", "k,v\na,1\n");
  auto o = options(f, "k", sx::JoinHow::kSemi);
  o.table.select = std::vector<std::string>{"v"};
  CHECK_THROWS_AS(run_join(o, {}), sx::Error);
  o = options(f, "k");
  o.prefix = "";
  CHECK_THROWS_AS(run_join(o, {}), sx::Error);
  o = options(f, "k");
  o.table.select = std::vector<std::string>{"v", "v"};
  CHECK_THROWS_AS(run_join(o, {}), sx::Error);
}
