// sx-read --format csv, tsv and logfmt (io/format_csv.cpp,
// io/format_logfmt.cpp), and is_json_number (io/csv_reader.h).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_reader.h"
#include "io/json.h"
#include "io/line_format.h"

namespace {

using sx::LineFormat;
using sx::LineResult;

struct Run {
  std::unique_ptr<LineFormat> format;
  std::string out, why;

  explicit Run(std::string_view spec, bool strings = false) {
    sx::FormatOptions o;
    o.strings = strings;
    format = sx::make_line_format(spec, o);
    format->start_input(sx::InputStart{});
  }
  LineResult feed(std::string_view line) {
    out.clear();
    why.clear();
    return format->convert(line, &out, &why);
  }
  // The record made of `line`, or "BAD: why", "SKIP", "MORE".
  std::string operator()(std::string_view line) {
    switch (feed(line)) {
      case LineResult::kRecord:
        return out;
      case LineResult::kSkip:
        return "SKIP";
      case LineResult::kMore:
        return "MORE";
      case LineResult::kBad:
        return "BAD: " + why;
    }
    return "?";
  }
};

}  // namespace

TEST_CASE("issue 13: is_json_number is JSON's number grammar, exactly") {
  for (const char* yes : {"0", "-0", "1", "-1", "42", "2.5", "2.5e3", "1E+2", "1e-7", "0.0",
                          "-0.5e-0", "12345678901234567890"}) {
    CHECK_MESSAGE(sx::is_json_number(yes), yes);
  }
  for (const char* no : {"",    "-",   "+1",   "01", "-01", "1.",  ".5",    "1e",    "1e+", "0x10",
                         "NaN", "inf", "-inf", " 1", "1 ",  "1,5", "1.2.3", "1e5e5", "--1", "00"}) {
    CHECK_MESSAGE(!sx::is_json_number(no), no);
  }
}

TEST_CASE("issue 13: csv: header, numbers, strings, null and quoted cells") {
  Run r("csv");
  CHECK(r("id,name,score") == "SKIP");
  CHECK(r(R"(1,"Smith, J",2.5e3)") == R"({"id":1,"name":"Smith, J","score":2.5e3})");
  // Unquoted empty: null; quoted empty: ""; a quoted number is a number.
  CHECK(r(R"(,"","7")") == R"({"id":null,"name":"","score":7})");
  // Not JSON numbers: strings as written.
  CHECK(r("01,+1,.5") == R"({"id":"01","name":"+1","score":".5"})");
  CHECK(r("NaN,inf,0x10") == R"({"id":"NaN","name":"inf","score":"0x10"})");
  // Escapes in the JSON text: quote, backslash, control characters.
  CHECK(r(R"(-1,"say ""hi"" \ ok",x)") == R"({"id":-1,"name":"say \"hi\" \\ ok","score":"x"})");
  // Blank lines are no record.
  CHECK(r("") == "SKIP");
  CHECK(r("é,ü,ß") == R"({"id":"é","name":"ü","score":"ß"})");
}

TEST_CASE("issue 13: csv: --strings keeps every cell a string") {
  Run r("csv", true);
  CHECK(r("a,b,c") == "SKIP");
  CHECK(r(R"(1,,"2.5")") == R"({"a":"1","b":"","c":"2.5"})");
}

TEST_CASE("issue 13: csv: field count, invalid UTF-8, text after a quote") {
  Run r("csv");
  CHECK(r("a,b,c,d") == "SKIP");
  CHECK(r("1,2,3,4,5") == "BAD: expected 4 fields as in the header, found 5");
  CHECK(r("1,2,3") == "BAD: expected 4 fields as in the header, found 3");
  CHECK(r("1,\xff,3,4") == "BAD: invalid UTF-8 in field 2");
  CHECK(r(R"(1,"x"y,3,4)").starts_with("BAD: field 2: text after a closing quote"));
  CHECK(r("1,2,3,4") == R"({"a":1,"b":2,"c":3,"d":4})");  // goes on after bad lines
  Run one("csv");
  CHECK(one("x") == "SKIP");
  CHECK(one("1,2") == "BAD: expected 1 field as in the header, found 2");
}

TEST_CASE("issue 13: csv: a quoted field over several lines is held until it ends") {
  Run r("csv");
  CHECK(r("id,text") == "SKIP");
  CHECK_FALSE(r.format->pending());
  CHECK(r(R"(1,"first)") == "MORE");
  CHECK(r.format->pending());
  CHECK(r("") == "MORE");  // a blank line inside the quotes is text
  CHECK(r(R"(""second"" line",)") == "BAD: expected 2 fields as in the header, found 3");
  CHECK_FALSE(r.format->pending());
  CHECK(r(R"(2,"a)") == "MORE");
  CHECK(r(R"(b")") == R"({"id":2,"text":"a\nb"})");
  CHECK_FALSE(r.format->pending());
  std::string why;
  CHECK(r.format->end_input(&why));
  // Not closed at the end of the input.
  CHECK(r(R"(3,"open)") == "MORE");
  CHECK_FALSE(r.format->end_input(&why));
  CHECK(why.starts_with("a quoted field is not closed before the end of the input"));
  CHECK_FALSE(r.format->pending());
}

TEST_CASE(
    "issue 13: csv: a record held over lines stops at --max-line-bytes (a quote not closed)") {
  Run r("csv");
  CHECK(r("id,text") == "SKIP");
  CHECK(r(R"(1,"open)") == "MORE");
  const std::string mib(std::size_t{1} << 20, 'x');
  for (int i = 0; i < 15; ++i) REQUIRE(r(mib) == "MORE");
  CHECK(r(mib).starts_with(
      "BAD: a quoted field goes on over lines for more than --max-line-bytes (16777216 bytes"));
  CHECK_FALSE(r.format->pending());
  CHECK(r("2,b") == R"({"id":2,"text":"b"})");
}

TEST_CASE("issue 13: csv: header names: BOM, empty, duplicate, escaped") {
  Run r("csv");
  CHECK(r("\xEF\xBB\xBF"
          "a,,a,a_1,\"q\"\"x\",a") == "SKIP");
  CHECK(r("1,2,3,4,5,6") == R"({"a":1,"_c1":2,"a_2":3,"a_1":4,"q\"x":5,"a_3":6})");
  // A BOM only at the start of the input's first line.
  Run b("csv");
  CHECK(b("x") == "SKIP");
  CHECK(b("\xEF\xBB\xBFy") == "{\"x\":\"\xEF\xBB\xBFy\"}");
  // Blank lines before the header are skipped.
  Run blank("csv");
  CHECK(blank("") == "SKIP");
  CHECK(blank("k") == "SKIP");
  CHECK(blank("v") == R"({"k":"v"})");
}

TEST_CASE("issue 13: csv: a bad header makes every line bad, until the next input") {
  Run r("csv");
  CHECK(r(R"(a,"b"c)")
            .starts_with("BAD: the header (the input's first line) could not be read: "
                         "field 2: text after a closing quote"));
  CHECK(r("1,2").starts_with("BAD: the header (the input's first line) could not be read"));
  r.format->start_input(sx::InputStart{});
  CHECK(r("a,b") == "SKIP");
  CHECK(r("1,2") == R"({"a":1,"b":2})");
  Run u("csv");
  CHECK(u("a,\xff") ==
        "BAD: the header (the input's first line) could not be read: invalid UTF-8 in name 2");
}

TEST_CASE("issue 13: csv: a restart inside an input takes the header from InputStart") {
  Run r("csv");
  CHECK(r.format->needs_header());
  sx::InputStart start;
  start.resumed = true;
  start.header = "\xEF\xBB\xBFts,n";
  r.format->start_input(start);
  CHECK(r("2024-01-01T00:00:00Z,5") == R"({"ts":"2024-01-01T00:00:00Z","n":5})");
  // A new input (not resumed) reads its own header.
  r.format->start_input(sx::InputStart{});
  CHECK(r("x,y") == "SKIP");
  CHECK(r("1,2") == R"({"x":1,"y":2})");
  start.header = "";
  r.format->start_input(start);
  CHECK(
      r("1,2").starts_with("BAD: the header (the input's first line) could not be read: its "
                           "first line is empty"));
  start.header = R"(a,"b)";
  r.format->start_input(start);
  CHECK(r("1,2").find("a header over several lines") != std::string::npos);
  CHECK_FALSE(r.format->pending());
}

TEST_CASE("issue 13: tsv: tab separated, the same quoting") {
  Run r("tsv");
  CHECK(std::string(r.format->name()) == "tsv");
  CHECK(r("a\tb,c\td") == "SKIP");
  CHECK(r("1\t\"x\ty\"\t") == R"({"a":1,"b,c":"x\ty","d":null})");
  CHECK(r("1,2\t3") == "BAD: expected 3 fields as in the header, found 2");
}

TEST_CASE("issue 13: logfmt: pairs, kinds of values, quoting and escapes") {
  Run r("logfmt");
  CHECK(r(R"(at=info method=GET path="/a b" status=200 dur=0.25 cached)") ==
        R"({"at":"info","method":"GET","path":"/a b","status":200,"dur":0.25,"cached":true})");
  CHECK(r(R"(a=true b=false c=null d= e="" f="42" g=01 h=-1.5e3)") ==
        R"({"a":true,"b":false,"c":null,"d":"","e":"","f":"42","g":"01","h":-1.5e3})");
  // JSON escapes kept, control characters escaped, = and " in unquoted values.
  CHECK(r("msg=\"say \\\"hi\\\" \\\\ \\u00e9\tx\" url=/p?a=b q=5'10\"") ==
        R"({"msg":"say \"hi\" \\ \u00e9\u0009x","url":"/p?a=b","q":"5'10\""})");
  CHECK(r(R"(s="\ud83d\ude00")") == R"({"s":"\ud83d\ude00"})");
  // Tabs and several spaces separate; a key twice: the last value, first place.
  CHECK(r("\t a=1 \t b=2  a=3 ") == R"({"a":3,"b":2})");
  CHECK(r(R"(k\=1 ü=2)") == R"({"k\\":1,"ü":2})");
  CHECK(r("") == "SKIP");
  CHECK(r("   ") == "SKIP");
}

TEST_CASE("issue 13: logfmt: lines that do not match say what and where") {
  Run r("logfmt");
  CHECK(r("=x") == "BAD: a '=' with no key before it at column 1");
  CHECK(r("a=1 =x") == "BAD: a '=' with no key before it at column 5");
  CHECK(r("hello world") == "BAD: no key=value pair (plain text? read it with --format lines)");
  CHECK(
      r(R"(a="x)") ==
      R"(BAD: a quoted value not closed: its quote is at column 3 (write a quote inside it as \"))");
  CHECK(r(R"(a="x"y)") == "BAD: text right after the closing quote at column 6");
  CHECK(r(R"(a"b=1)") == "BAD: a quote in a key at column 2");
  CHECK(r(R"(a="\x")").starts_with("BAD: an invalid escape at column 4 (write"));
  CHECK(r(R"(a="\u12")").starts_with("BAD: an invalid \\u escape at column 4"));
  CHECK(r(R"(a="\ud800")").starts_with("BAD: an invalid \\u escape at column 4"));
  CHECK(r(R"(a="\udc00")").starts_with("BAD: an invalid \\u escape at column 4"));
  CHECK(r("a=\xff") == "BAD: invalid UTF-8");
  CHECK(r(R"(a="x\)").starts_with("BAD: an invalid escape at column 5"));
  CHECK(r("a=1") == R"({"a":1})");  // goes on after bad lines
}

TEST_CASE("issue 13: made_record_field reads a key of a record a format made") {
  std::string scratch;
  auto get = [&](std::string_view rec, std::string_view key) {
    return sx::made_record_field(rec, key, scratch);
  };
  const std::string_view r =
      R"({"a":"x,\"b\":1","b":-12,"c":"caf\u00e9 \"q\"","d":2.5e3,"e":true,"f":null,"g":{"b":1},"h":18446744073709551615})";
  // "b": inside a's string it is escaped: only the real key matches.
  CHECK(get(r, "b").type == sx::JsonType::kInt);
  CHECK(get(r, "b").i == -12);
  CHECK(get(r, "a").type == sx::JsonType::kString);
  CHECK(get(r, "a").text == R"(x,"b":1)");
  CHECK(get(r, "c").text == "café \"q\"");
  CHECK(get(r, "d").type == sx::JsonType::kDouble);
  CHECK(get(r, "d").d == 2500.0);
  CHECK(get(r, "e").type == sx::JsonType::kBool);
  CHECK(get(r, "e").boolean);
  CHECK(get(r, "f").type == sx::JsonType::kNull);
  CHECK(get(r, "g").type == sx::JsonType::kObject);
  CHECK(get(r, "h").type == sx::JsonType::kUint);
  CHECK(get(r, "h").u == 18446744073709551615ULL);
  CHECK(get(r, "x").type == sx::JsonType::kMissing);
  CHECK(get(r, "").type == sx::JsonType::kMissing);
  CHECK(get(R"({"ab":1})", "a").type == sx::JsonType::kMissing);
  CHECK(get("{}", "a").type == sx::JsonType::kMissing);
  CHECK(get(R"({"a":""})", "a").text.empty());
  // Where the format says the value is: used when right, else looked up.
  const std::string_view h = R"({"x":1,"ts":"t1"})";
  CHECK(sx::made_record_field(h, "ts", scratch, 12).text == "t1");
  CHECK(sx::made_record_field(h, "ts", scratch, 5).text == "t1");    // wrong: looked up
  CHECK(sx::made_record_field(h, "ts", scratch, 999).text == "t1");  // past the end
  CHECK(sx::made_record_field(h, "x", scratch, 0).i == 1);
}

TEST_CASE("issue 13: csv and combined say where the time field's value is") {
  for (const char* spec : {"csv", "combined"}) {
    auto format = sx::make_line_format(spec, sx::FormatOptions{});
    format->want_key(std::string(spec) == "csv" ? "ts" : "time_local");
    format->start_input(sx::InputStart{});
    std::string out, why;
    if (std::string(spec) == "csv") {
      REQUIRE(format->convert("id,ts", &out, &why) == sx::LineResult::kSkip);
      REQUIRE(format->convert("7,2024-01-01", &out, &why) == sx::LineResult::kRecord);
      CHECK(out.substr(format->wanted_at()) == R"("2024-01-01"})");
    } else {
      REQUIRE(format->convert(
                  R"(1.2.3.4 - - [10/Oct/2024:13:55:36 +0200] "GET / HTTP/1.1" 200 5 "-" "x")",
                  &out, &why) == sx::LineResult::kRecord);
      CHECK(out.substr(format->wanted_at()).starts_with(R"("10/Oct/2024:13:55:36 +0200",)"));
    }
  }
}
