// --format regex:PATTERN (io/format_regex.cpp).
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "base/error.h"
#include "io/line_format.h"

namespace {

std::unique_ptr<sx::LineFormat> regex(const std::string& pattern) {
  return sx::make_line_format("regex:" + pattern, sx::FormatOptions{});
}

// The record made of `line`, or "BAD: why".
std::string convert(sx::LineFormat& f, std::string_view line) {
  std::string out = "stale", why;
  switch (f.convert(line, &out, &why)) {
    case sx::LineResult::kRecord:
      return out;
    case sx::LineResult::kBad:
      return "BAD: " + why;
    default:
      return "OTHER";
  }
}

std::string usage_message(const std::string& pattern) {
  try {
    regex(pattern);
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("issue 13: regex: named groups become fields in pattern order, the rest is ignored") {
  auto f = regex(R"((?<host>\S+) (\S+) \[(?P<level>[A-Z]+)\] (?'msg'.*))");
  CHECK(std::string(f->name()) == "regex");
  CHECK(convert(*f, "web1 ignored [WARN] disk \"sda\" 91% full") ==
        R"({"host":"web1","level":"WARN","msg":"disk \"sda\" 91% full"})");
}

TEST_CASE("issue 13: regex: the whole line must match (anchored at both ends)") {
  auto f = regex(R"((?<n>\d+))");
  CHECK(convert(*f, "42") == R"({"n":42})");
  CHECK(convert(*f, "x42") == "BAD: does not match the pattern");
  CHECK(convert(*f, "42x") == "BAD: does not match the pattern");
  CHECK(convert(*f, "") == "BAD: does not match the pattern");
  auto alt = regex(R"((?<a>x)|(?<b>y))");  // the anchors hold for every alternative
  CHECK(convert(*alt, "x") == R"({"a":"x","b":null})");
  CHECK(convert(*alt, "y") == R"({"a":null,"b":"y"})");
  CHECK(convert(*alt, "xy") == "BAD: does not match the pattern");
}

TEST_CASE("issue 13: regex: JSON numbers become numbers, the rest strings, unset groups null") {
  auto f = regex(R"((?<v>[^,]*),(?:-|(?<bytes>\d+))(?:,(?<opt>\w+))?)");
  CHECK(convert(*f, "12,34") == R"({"v":12,"bytes":34,"opt":null})");
  CHECK(convert(*f, "-1.5e3,-,x") == R"({"v":-1.5e3,"bytes":null,"opt":"x"})");
  CHECK(convert(*f, ",7") == R"({"v":"","bytes":7,"opt":null})");  // empty: a string
  // Not JSON numbers: strings, as written.
  for (const char* v : {"007", "1.", ".5", "+1", "1e", "0x10", "NaN", "-", "1 ", "1,5"}) {
    if (std::string(v).find(',') != std::string::npos) continue;
    std::string want = R"({"v":")" + std::string(v) + R"(","bytes":1,"opt":null})";
    CHECK(convert(*f, std::string(v) + ",1") == want);
  }
  CHECK(convert(*f, "0,0") == R"({"v":0,"bytes":0,"opt":null})");
  CHECK(convert(*f, "-0.25E-2,9") == R"({"v":-0.25E-2,"bytes":9,"opt":null})");
  CHECK(convert(*f, "123456789012345678901234567890,1") ==
        R"({"v":123456789012345678901234567890,"bytes":1,"opt":null})");
}

TEST_CASE("issue 13: regex: escapes, UTF-8, and lines that are not UTF-8") {
  auto f = regex(R"((?<a>.)(?<rest>.*))");
  CHECK(convert(*f, "été\t\\\x01") == "{\"a\":\"é\",\"rest\":\"té\\t\\\\\\u0001\"}");
  CHECK(convert(*f, "\xff\xfe") == "BAD: invalid UTF-8");
  CHECK(convert(*f, std::string_view("a\0b", 3)) == "{\"a\":\"a\",\"rest\":\"\\u0000b\"}");
}

TEST_CASE("issue 13: regex: a name used twice is one field, the group that took part") {
  auto f = regex(R"((?J)(?<v>\d+)s|(?<v>[a-z]+)!)");
  CHECK(convert(*f, "5s") == R"({"v":5})");
  CHECK(convert(*f, "ab!") == R"({"v":"ab"})");
  auto reset = regex(R"((?|(?<v>\d+)s|(?<v>[a-z]+)!))");
  CHECK(convert(*reset, "ab!") == R"({"v":"ab"})");
}

TEST_CASE("issue 13: regex: the match data is reused: a field unset after a line that set it") {
  auto f = regex(R"((?<a>\d+)?-(?<b>\w+)?)");
  CHECK(convert(*f, "1-x") == R"({"a":1,"b":"x"})");
  CHECK(convert(*f, "-") == R"({"a":null,"b":null})");
  CHECK(convert(*f, "2-") == R"({"a":2,"b":null})");
  CHECK(convert(*f, "-y") == R"({"a":null,"b":"y"})");
}

TEST_CASE("issue 13: regex: an nginx combined line") {
  auto f = regex(
      R"re((?<remote_addr>\S+) \S+ (?<remote_user>\S+) \[(?<time_local>[^\]]+)\] )re"
      R"re("(?<method>[A-Z]+) (?<path>[^ "]*) (?<protocol>[^"]*)" (?<status>\d{3}) )re"
      R"re((?<body_bytes_sent>\d+|-) "(?<http_referer>[^"]*)" "(?<http_user_agent>[^"]*)")re");
  CHECK(convert(*f,
                R"(203.0.113.7 - - [10/Oct/2024:13:55:36 +0200] "GET /a?b=1 HTTP/1.1" 200 2326 )"
                R"("-" "curl/8.5.0")") ==
        R"({"remote_addr":"203.0.113.7","remote_user":"-","time_local":"10/Oct/2024:13:55:36 )"
        R"(+0200","method":"GET","path":"/a?b=1","protocol":"HTTP/1.1","status":200,)"
        R"("body_bytes_sent":2326,"http_referer":"-","http_user_agent":"curl/8.5.0"})");
}

TEST_CASE("issue 13: regex: catastrophic backtracking makes the line bad, not a stall") {
  auto f = regex(R"((?<a>(x+x+)+)y)");
  const std::string r = convert(*f, std::string(40, 'x') + "yz");  // a y, then no end
  CHECK(r.find("BAD: the pattern needs too many steps on this line (") == 0);
  CHECK(convert(*f, "xxy") == R"({"a":"xx"})");
}

TEST_CASE("issue 13: regex: a bad pattern or one without named groups is a usage error") {
  CHECK(usage_message("(?<a>x") ==
        "--format regex:(?<a>x: the pattern does not compile: missing closing parenthesis at "
        "offset 6 (PCRE2 syntax; see sx-read(1), INPUT FORMATS)");
  CHECK(usage_message(R"((\d+) (\w+))") ==
        R"(--format regex:(\d+) (\w+): the pattern has no named group; name each group that )"
        "becomes a field, as in (?<status>[0-9]+) (see sx-read(1), INPUT FORMATS)");
  CHECK(usage_message("").find("no named group") != std::string::npos);
  CHECK(usage_message("(?<1a>x)").find("does not compile") != std::string::npos);
}
