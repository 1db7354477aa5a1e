// guess_line_format (io/format_guess.cpp): the hint in the message of the
// first line that does not match --format.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "io/line_format.h"

using sx::guess_line_format;

TEST_CASE("issue 13: guess: ndjson") {
  CHECK(guess_line_format(R"({"a":1})") == "ndjson");
  CHECK(guess_line_format(R"(  {"a": broken)") == "ndjson");
}

TEST_CASE("issue 13: guess: combined and clf") {
  const std::string clf =
      R"(203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)";
  CHECK(guess_line_format(clf) == "clf");
  CHECK(guess_line_format(clf + R"( "http://example.com/start.html" "Mozilla/4.08 [en]")") ==
        "combined");
  // nginx's combined with a trailing "$http_x_forwarded_for", a "-" size, an
  // escaped quote in the request, IPv6 and a host name.
  CHECK(guess_line_format(R"(2001:db8::1 - - [01/Jan/2024:00:00:00 +0000] "GET /a\"b HTTP/1.1" )"
                          R"(304 - "-" "curl/8.5.0" "10.0.0.1")") == "combined");
  CHECK(guess_line_format(R"(host.example - - [01/Jan/2024:00:00:00 +0000] "-" 400 0)") == "clf");
  // Not quite: a month that is not one, a missing status, an unclosed request.
  CHECK(guess_line_format(R"(1.2.3.4 - - [01/Foo/2024:00:00:00 +0000] "GET /" 200 1)") == "");
  CHECK(guess_line_format(R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /" 1)") == "");
  CHECK(guess_line_format(R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / 200 1)") == "");
  CHECK(guess_line_format(R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /" 200 12x)") == "");
}

TEST_CASE("issue 13: guess: syslog") {
  CHECK(guess_line_format("<34>Oct 11 22:14:15 mymachine su: 'su root' failed") == "syslog");
  CHECK(guess_line_format("<165>1 2003-10-11T22:14:15.003Z host app - ID47 - msg") == "syslog");
  CHECK(guess_line_format("Oct 11 22:14:15 mymachine su: 'su root' failed") == "syslog");
  CHECK(guess_line_format("Oct  1 02:04:05 host cron[12]: job") == "syslog");
  CHECK(guess_line_format("<1234>x") == "");
  CHECK(guess_line_format("Oct 11 22:14 host") == "");
  CHECK(guess_line_format("October 11 22:14:15 host x") == "");
}

TEST_CASE("issue 13: guess: logfmt") {
  CHECK(guess_line_format(R"(level=info msg="disk full, again" host=web1 took=12ms)") == "logfmt");
  CHECK(guess_line_format("at=info method=GET path=/ status=200") == "logfmt");
  CHECK(guess_line_format("ts=1 the rest is prose x") == "");     // one pair: not enough
  CHECK(guess_line_format("a=1 b=2 and some words here") == "");  // 2 of 6 tokens
}

TEST_CASE("issue 13: guess: tsv and csv") {
  CHECK(guess_line_format("id\tname\tamount") == "tsv");
  CHECK(guess_line_format("2024-10-10T13:00:00Z\tweb1\t12") == "tsv");
  CHECK(guess_line_format("order_id,ts,amount") == "csv");
  CHECK(guess_line_format(R"(17,"Smith, John",12.5,)") == "csv");
  CHECK(guess_line_format(R"(17,"say ""hi"", ok",3)") == "csv");
  CHECK(guess_line_format("Oct 10, 2024 was a Thursday") == "");  // prose
  CHECK(guess_line_format("hello, world") == "");
}

TEST_CASE("issue 13: guess: nothing, and lines of any bytes") {
  CHECK(guess_line_format("") == "");
  CHECK(guess_line_format("plain text") == "");
  CHECK(guess_line_format("[") == "");
  CHECK(guess_line_format("<") == "");
  CHECK(guess_line_format("a b c [") == "");
  CHECK(guess_line_format("a b c [01/Ja") == "");
  CHECK(guess_line_format("a b c [01/Jan/2024:0 \"") == "");
  CHECK(guess_line_format("\"") == "");
  CHECK(guess_line_format("x=\"") == "");
  CHECK(guess_line_format("Oct") == "");
  // Every prefix of a combined line: no read past the end.
  const std::string line =
      R"(1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /\" HTTP/1.1" 200 5 "r\\" "u")";
  for (std::size_t n = 0; n <= line.size(); ++n) (void)guess_line_format(line.substr(0, n));
  CHECK(guess_line_format(std::string_view("\0\xff,\x01", 4)) == "csv");
}

TEST_CASE("issue 13: guess and regex: random bytes never read out of bounds") {
  // Bytes from the alphabet the tests look for, at random, in random lengths
  // (run under SX_SANITIZE=ON for the bounds).
  const std::string alphabet = "{}[]<>\"\\=,\t -/:0123456789JanOct\xc3\xa9\xff";
  auto f = sx::make_line_format(R"re(regex:(?<a>\S*) (?:-|(?<n>\d+))(?: "(?<q>[^"]*)")?.*)re",
                                sx::FormatOptions{});
  std::uint64_t x = 12345;
  std::string line, out, why;
  for (int i = 0; i < 20000; ++i) {
    line.clear();
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::size_t n = (x >> 33) % 80;
    for (std::size_t k = 0; k < n; ++k) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      line.push_back(alphabet[(x >> 33) % alphabet.size()]);
    }
    (void)sx::guess_line_format(line);
    if (f->convert(line, &out, &why) == sx::LineResult::kRecord) {
      CHECK(out.front() == '{');
      CHECK(out.back() == '}');
    }
  }
}
