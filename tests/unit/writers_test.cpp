#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "base/error.h"
#include "io/csv_writer.h"
#include "io/json.h"
#include "io/output.h"
#include "io/table_writer.h"
#include "stream/bad_input.h"
#include "test_files.h"

using sx_test::capture;

TEST_CASE("CSV quoting follows RFC 4180") {
  std::string s;
  sx::CsvWriter::append_quoted(s, "plain");
  CHECK(s == "plain");
  s.clear();
  sx::CsvWriter::append_quoted(s, "a,b");
  CHECK(s == "\"a,b\"");
  s.clear();
  sx::CsvWriter::append_quoted(s, "say \"hi\"");
  CHECK(s == "\"say \"\"hi\"\"\"");
  s.clear();
  sx::CsvWriter::append_quoted(s, "two\nlines");
  CHECK(s == "\"two\nlines\"");
}

TEST_CASE("CSV header comes from the first record; missing keys are empty, extra keys reported") {
  std::string warning;
  const std::string out = capture([&](sx::Output& o) {
    sx::CsvWriter w(o);
    w.field("a", "1");
    w.field("b", "x");
    w.end_record(1);
    w.field("b", "y");
    w.end_record(2);
    w.field("a", "3");
    w.field("c", "zzz");
    w.end_record(3);
    warning = w.finish();
  });
  CHECK(out == "a,b\n1,x\n,y\n3,\n");
  CHECK(warning.find("\"c\" in record 3") != std::string::npos);
}

TEST_CASE("table: Spark console layout, right-aligned, truncated at 20") {
  const std::string out = capture([&](sx::Output& o) {
    sx::TableWriter t(o, 20, 20);
    t.cell("user", "alice");
    t.cell("n", "2");
    t.end_row();
    t.cell("user", "a-very-long-user-name-indeed");
    t.cell("n", "10");
    t.end_row();
    t.end_batch(0);
  });
  CHECK(out ==
        "-------------------------------------------\n"
        "Batch: 0\n"
        "-------------------------------------------\n"
        "+--------------------+---+\n"
        "|                user|  n|\n"
        "+--------------------+---+\n"
        "|               alice|  2|\n"
        "|a-very-long-user-...| 10|\n"
        "+--------------------+---+\n"
        "\n");
}

TEST_CASE("table: row limit, left alignment without truncation, empty batch keeps header") {
  const std::string out = capture([&](sx::Output& o) {
    sx::TableWriter t(o, 1, 0);
    t.cell("k", "a");
    t.end_row();
    t.cell("k", "bb");
    t.end_row();
    t.end_batch(3);
    t.end_batch(4);
  });
  CHECK(out ==
        "-------------------------------------------\nBatch: 3\n"
        "-------------------------------------------\n"
        "+---+\n|k  |\n+---+\n|a  |\n+---+\nonly showing top 1 rows\n\n"
        "-------------------------------------------\nBatch: 4\n"
        "-------------------------------------------\n"
        "+---+\n|k  |\n+---+\n\n");
}

TEST_CASE("display width counts code points") {
  CHECK(sx::display_width("abc") == 3);
  CHECK(sx::display_width("h\xc3\xa9llo") == 5);
}

TEST_CASE("base64 for dead-letter lines that are not UTF-8") {
  CHECK(sx::base64_encode("") == "");
  CHECK(sx::base64_encode("f") == "Zg==");
  CHECK(sx::base64_encode("fo") == "Zm8=");
  CHECK(sx::base64_encode("foo") == "Zm9v");
  CHECK(sx::base64_encode("\xff\xfe") == "//4=");
}

TEST_CASE("bad-input policy: fail names source and line; skip counts") {
  sx::BadInputPolicy fail("fail");
  try {
    fail.handle(sx::BadKind::kMalformed, "events.ndjson", 3, "malformed JSON", "{bad");
    FAIL("no throw");
  } catch (const sx::Error& e) {
    CHECK(std::string(e.what()).rfind("events.ndjson:3: malformed JSON", 0) == 0);
  }
  sx::BadInputPolicy skip("skip");
  skip.handle(sx::BadKind::kMalformed, "x", 1, "r", "{");
  skip.handle(sx::BadKind::kNoTime, "x", 2, "r", "{}");
  CHECK(skip.count() == 2);
  CHECK_THROWS_AS(sx::BadInputPolicy("ignore"), sx::Error);
}

TEST_CASE("JSON string escaping") {
  std::string s;
  sx::append_json_string(s, "a\"b\\c\n\x01\xc3\xa9");
  CHECK(s == "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
}

TEST_CASE("field paths reach into objects; On-Demand reader finds values") {
  CHECK(sx::FieldPath::parse("a.b.c").parts().size() == 3);
  CHECK_THROWS_AS(sx::FieldPath::parse("a..b"), sx::Error);
  CHECK_THROWS_AS(sx::FieldPath::parse(""), sx::Error);
  sx::PaddedLine line(
      R"({"ts":"2023-07-30T10:00:00Z","u":{"id":7,"tags":[1,2]},"n":null,"x":1.5})");
  sx::RecordReader r;
  std::string why;
  REQUIRE(r.open(line.view(), &why));
  CHECK(r.get(sx::FieldPath::parse("u.id")).i == 7);
  CHECK(r.get(sx::FieldPath::parse("ts")).text == "2023-07-30T10:00:00Z");
  CHECK(r.get(sx::FieldPath::parse("u.tags")).text == "[1,2]");
  CHECK(r.get(sx::FieldPath::parse("n")).type == sx::JsonType::kNull);
  CHECK(r.get(sx::FieldPath::parse("x")).d == 1.5);
  CHECK(r.get(sx::FieldPath::parse("u.missing")).type == sx::JsonType::kMissing);
  CHECK(r.get(sx::FieldPath::parse("ts.deeper")).type == sx::JsonType::kMissing);

  sx::JsonValidator v;
  sx::PaddedLine bad("{bad");
  CHECK_FALSE(v.validate_object(bad.view(), &why));
  CHECK(why.rfind("malformed JSON", 0) == 0);
  sx::PaddedLine arr("[1,2]");
  CHECK_FALSE(v.validate_object(arr.view(), &why));
  CHECK(why == "not a JSON object but an array");
  sx::PaddedLine utf("{\"a\":\"\xff\"}");
  CHECK_FALSE(v.validate_object(utf.view(), &why));
  CHECK(why == "invalid UTF-8");
  REQUIRE(v.validate_object(line.view(), &why));
  CHECK(v.get(sx::FieldPath::parse("u.id")).i == 7);
}
