// sx-read --format clf, combined and syslog (lib/io/format_clf.cpp,
// format_syslog.cpp), and TimeParser's fast path of clf's time format.
// Expected records were written by hand from the formats' definitions.
#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/event_time.h"
#include "base/time_parser.h"
#include "io/format_text.h"
#include "io/formats.h"
#include "io/json.h"
#include "io/line_format.h"

namespace {

struct Converted {
  sx::LineResult result;
  std::string text;  // the record, or the reason for kBad
};

Converted run(sx::LineFormat& f, std::string_view line) {
  std::string out, why;
  const sx::LineResult r = f.convert(line, &out, &why);
  return {r, r == sx::LineResult::kBad ? why : out};
}

std::string record(sx::LineFormat& f, std::string_view line) {
  const Converted c = run(f, line);
  INFO("line: ", line, " -> ", c.text);
  REQUIRE(c.result == sx::LineResult::kRecord);
  return c.text;
}

std::string bad(sx::LineFormat& f, std::string_view line) {
  const Converted c = run(f, line);
  INFO("line: ", line, " -> ", c.text);
  REQUIRE(c.result == sx::LineResult::kBad);
  return c.text;
}

std::unique_ptr<sx::LineFormat> make(std::string_view spec, std::string year = "") {
  sx::FormatOptions o;
  o.year = std::move(year);
  return sx::make_line_format(spec, o);
}

constexpr sx::Micros kDay = sx::kMicrosPerDay;
sx::Micros utc(int y, unsigned m, unsigned d, int h = 0) {
  return sx::days_from_civil(y, m, d) * kDay + h * sx::kMicrosPerHour;
}

}  // namespace

TEST_CASE("issue 13: clf fields, numbers and '-' as null") {
  auto f = make("clf");
  CHECK(std::string(f->name()) == "clf");
  CHECK(
      record(*f,
             R"(127.0.0.1 - frank [10/Oct/2024:13:55:36 +0200] "GET /a.gif HTTP/1.0" 200 2326)") ==
      R"({"remote_addr":"127.0.0.1","remote_user":"frank","time_local":"10/Oct/2024:13:55:36 +0200",)"
      R"("request":"GET /a.gif HTTP/1.0","method":"GET","path":"/a.gif","protocol":"HTTP/1.0",)"
      R"("status":200,"body_bytes_sent":2326})");
  // remote_user and body_bytes_sent "-" are null; leading zeros dropped;
  // status "-" null too (Apache writes it for a request cut short).
  CHECK(record(*f, R"(::1 - - [01/Jan/2024:00:00:00 +0000] "HEAD / HTTP/1.1" - 007)") ==
        R"({"remote_addr":"::1","remote_user":null,"time_local":"01/Jan/2024:00:00:00 +0000",)"
        R"("request":"HEAD / HTTP/1.1","method":"HEAD","path":"/","protocol":"HTTP/1.1",)"
        R"("status":null,"body_bytes_sent":7})");
  // Fields after the last one are ignored (combined read as clf, $request_time).
  CHECK(record(*f, R"(h - - [t] "GET / HTTP/1.1" 200 0 "-" "curl" 0.002)") ==
        R"({"remote_addr":"h","remote_user":null,"time_local":"t","request":"GET / HTTP/1.1",)"
        R"("method":"GET","path":"/","protocol":"HTTP/1.1","status":200,"body_bytes_sent":0})");
  // CRLF line ends; blank lines are skipped.
  CHECK(record(*f, "h - - [t] \"-\" 400 0\r") ==
        R"({"remote_addr":"h","remote_user":null,"time_local":"t","request":"-","method":null,)"
        R"("path":null,"protocol":null,"status":400,"body_bytes_sent":0})");
  CHECK(run(*f, "").result == sx::LineResult::kSkip);
}

TEST_CASE("issue 13: clf request line split and escapes") {
  auto f = make("clf");
  auto req = [&](std::string_view quoted) {
    const std::string line = "h - - [t] \"" + std::string(quoted) + "\" 200 1";
    std::string r = record(*f, line);
    const auto a = r.find(",\"request\":");
    const auto b = r.find(",\"status\":");
    return r.substr(a + 1, b - a - 1);
  };
  CHECK(req("GET /x?q=1 HTTP/2.0") ==
        R"("request":"GET /x?q=1 HTTP/2.0","method":"GET","path":"/x?q=1","protocol":"HTTP/2.0")");
  // A path with a space: method to the first space, protocol after the last.
  CHECK(req("GET /a b HTTP/1.1") ==
        R"("request":"GET /a b HTTP/1.1","method":"GET","path":"/a b","protocol":"HTTP/1.1")");
  // Not METHOD PATH PROTOCOL: request kept, the parts null.
  const char* kNull = R"(,"method":null,"path":null,"protocol":null)";
  CHECK(req("-") == std::string(R"("request":"-")") + kNull);
  CHECK(req("") == std::string(R"("request":"")") + kNull);
  CHECK(req("GET /") == std::string(R"("request":"GET /")") + kNull);
  CHECK(req("GET  HTTP/1.1") == std::string(R"("request":"GET  HTTP/1.1")") + kNull);
  CHECK(req("GET / FTP/1") == std::string(R"("request":"GET / FTP/1")") + kNull);
  CHECK(req(R"(\x16\x03\x01\x00 / HTTP/1.1)") ==
        std::string(R"("request":"\\x16\\x03\\x01\\x00 / HTTP/1.1")") + kNull);
  // Apache's \" and \\ are unescaped; nginx's \x22 stays as text; a bare
  // quote not followed by a space is part of the field.
  CHECK(
      req(R"(GET /a\"b\\c HTTP/1.1)") ==
      R"("request":"GET /a\"b\\c HTTP/1.1","method":"GET","path":"/a\"b\\c","protocol":"HTTP/1.1")");
  CHECK(
      req(R"(GET /a\x22b HTTP/1.1)") ==
      R"("request":"GET /a\\x22b HTTP/1.1","method":"GET","path":"/a\\x22b","protocol":"HTTP/1.1")");
  CHECK(req(R"(GET /a"b HTTP/1.1)") ==
        R"("request":"GET /a\"b HTTP/1.1","method":"GET","path":"/a\"b","protocol":"HTTP/1.1")");
  CHECK(req("GET /caf\xC3\xA9\t HTTP/1.1") ==
        "\"request\":\"GET /caf\xC3\xA9\\t "
        "HTTP/1.1\",\"method\":\"GET\",\"path\":\"/caf\xC3\xA9\\t\","
        "\"protocol\":\"HTTP/1.1\"");
}

TEST_CASE("issue 13: combined fields") {
  auto f = make("combined");
  CHECK(std::string(f->name()) == "combined");
  CHECK(
      record(*f,
             R"x(1.2.3.4 - - [t] "GET / HTTP/1.1" 304 0 "https://r/\"x\"" "Mozilla/5.0 (X11)")x") ==
      R"({"remote_addr":"1.2.3.4","remote_user":null,"time_local":"t","request":"GET / HTTP/1.1",)"
      R"("method":"GET","path":"/","protocol":"HTTP/1.1","status":304,"body_bytes_sent":0,)"
      R"x("http_referer":"https://r/\"x\"","http_user_agent":"Mozilla/5.0 (X11)"})x");
  // Escapes in the request and the user agent, each unescaped on its own.
  CHECK(record(*f, R"(h - u [t] "GET /\\ HTTP/1.1" 200 5 "-" "a\"b" 0.010 "-")") ==
        R"({"remote_addr":"h","remote_user":"u","time_local":"t","request":"GET /\\ HTTP/1.1",)"
        R"("method":"GET","path":"/\\","protocol":"HTTP/1.1","status":200,"body_bytes_sent":5,)"
        R"("http_referer":null,"http_user_agent":"a\"b"})");
  CHECK(record(*f, R"(h - - [t] "-" 400 0 "" "-")") ==
        R"({"remote_addr":"h","remote_user":null,"time_local":"t","request":"-","method":null,)"
        R"("path":null,"protocol":null,"status":400,"body_bytes_sent":0,"http_referer":"",)"
        R"("http_user_agent":null})");
}

TEST_CASE("issue 13: clf and combined lines that do not match") {
  auto c = make("combined");
  CHECK(bad(*c, "Oct 11 22:14:15 host su: hello") == "expected '[' before the time at column 17");
  CHECK(bad(*c, "just words") == "expected a space after the ident field at column 11");
  CHECK(bad(*c, "a b c") == "expected ' [' and the time after remote_user at column 6");
  CHECK(bad(*c, "a b c [10/Oct/2024") == "expected ']' after the time at column 19");
  CHECK(bad(*c, "a b c [t]\"GET\" 200 1") == "expected a space after the time at column 10");
  CHECK(bad(*c, "a b c [t] GET / 200 1") == "expected '\"' before the request at column 11");
  CHECK(bad(*c, R"(a b c [t] "GET / HTTP/1.1 200 1)") ==
        "expected '\"' closing the request at column 32");
  CHECK(bad(*c, R"(a b c [t] "GET / HTTP/1.1\" 200 1)") ==
        "expected '\"' closing the request at column 34");
  CHECK(bad(*c, R"(a b c [t] "x" OK 1 "-" "-")") ==
        "expected the status (a number or '-') at column 15");
  CHECK(bad(*c, R"(a b c [t] "x" 200 12k "-" "-")") ==
        "expected body_bytes_sent (a number or '-') at column 19");
  CHECK(bad(*c, R"(a b c [t] "x" 200 1)") == "expected a space after body_bytes_sent at column 20");
  CHECK(bad(*c, R"(a b c [t] "x" 200 1 - "-")") ==
        "expected '\"' before http_referer at column 21");
  CHECK(bad(*c, R"(a b c [t] "x" 200 1 "-")") ==
        "expected a space after http_referer at column 24");
  CHECK(bad(*c, R"(a b c [t] "x" 200 1 "-" "ua)") ==
        "expected '\"' closing http_user_agent at column 28");
  CHECK(bad(*c, "a b c [t] \"\xff\" 200 1 \"-\" \"-\"") == "invalid UTF-8");
  CHECK(bad(*c, " b c [t] \"x\" 200 1 \"-\" \"-\"") == "expected remote_addr at column 1");
  auto f = make("clf");
  CHECK(bad(*f, R"(a b c [t] "x" 200 1,2)") ==
        "expected body_bytes_sent (a number or '-') at column 19");
  CHECK(bad(*f, R"(a b c [t] "x" 2000000000000000000 1)") ==
        "expected the status (a number or '-') at column 15");
}

TEST_CASE("issue 13: syslog RFC 5424") {
  auto f = make("syslog");
  CHECK(std::string(f->name()) == "syslog");
  CHECK(record(*f,
               "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
               "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] "
               "\xEF\xBB\xBF"
               "An application event") ==
        R"({"facility":20,"severity":5,"timestamp":"2003-10-11T22:14:15.003Z",)"
        R"("hostname":"mymachine.example.com","app_name":"evntslog","procid":null,"msgid":"ID47",)"
        R"("structured_data":"[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]",)"
        R"("message":"An application event"})");
  // Every nil value, no MSG; two SD elements with \" and \] in a value.
  CHECK(record(*f, "<0>1 - - - - - -") ==
        R"({"facility":0,"severity":0,"timestamp":null,"hostname":null,"app_name":null,)"
        R"("procid":null,"msgid":null,"structured_data":null,"message":""})");
  CHECK(record(*f, R"(<191>1 2024-01-01T00:00:00+01:00 h a 42 - [a x="\"]"][b] m s)") ==
        R"({"facility":23,"severity":7,"timestamp":"2024-01-01T00:00:00+01:00","hostname":"h",)"
        R"("app_name":"a","procid":"42","msgid":null,"structured_data":"[a x=\"\\\"]\"][b]",)"
        R"("message":"m s"})");
  CHECK(bad(*f, "<192>1 - - - - - -") ==
        "expected a priority (0 to 191) and '>' after '<' at column 2");
  CHECK(bad(*f, "<>1 - - - - - -") ==
        "expected a priority (0 to 191) and '>' after '<' at column 2");
  CHECK(bad(*f, "<013>1 - - - - - -") ==
        "expected a priority (0 to 191) and '>' after '<' at column 2");
  CHECK(bad(*f, "<13>1 - - - - - x") == "expected the structured data ('-' or '[') at column 17");
  CHECK(bad(*f, "<13>1 - - - - - [a") == "expected ']' closing the structured data at column 19");
  CHECK(bad(*f, "<13>123 - - - - - -") ==
        "expected a timestamp (Mmm dd hh:mm:ss, or ISO 8601) at column 5");
  CHECK(bad(*f, "<13>1 - - - -") == "expected a space after procid at column 14");
  CHECK(bad(*f, "<13>1 - - - - - -x") == "expected a space after the structured data at column 18");
}

TEST_CASE("issue 13: syslog RFC 3164 and rsyslog file lines") {
  auto f = make("syslog");
  sx::InputStart start;
  start.modified_us = utc(2024, 10, 12, 8);
  f->start_input(start);
  CHECK(record(*f, "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed") ==
        R"({"facility":4,"severity":2,"timestamp":"2024-10-11T22:14:15","hostname":"mymachine",)"
        R"("app_name":"su","procid":"123","msgid":null,"structured_data":null,)"
        R"("message":"'su root' failed"})");
  CHECK(record(*f, "Oct  1 02:03:04 host CRON: ok: done") ==
        R"({"facility":null,"severity":null,"timestamp":"2024-10-01T02:03:04","hostname":"host",)"
        R"("app_name":"CRON","procid":null,"msgid":null,"structured_data":null,)"
        R"("message":"ok: done"})");
  // No tag: the message is everything after the hostname.
  CHECK(record(*f, "Oct 11 22:14:15 host [  1.5] usb 1-1: new device") ==
        R"({"facility":null,"severity":null,"timestamp":"2024-10-11T22:14:15","hostname":"host",)"
        R"("app_name":null,"procid":null,"msgid":null,"structured_data":null,)"
        R"("message":"[  1.5] usb 1-1: new device"})");
  CHECK(record(*f, "2024-10-11T22:14:15.123456+02:00 web systemd[1]: Started x.") ==
        R"({"facility":null,"severity":null,"timestamp":"2024-10-11T22:14:15.123456+02:00",)"
        R"("hostname":"web","app_name":"systemd","procid":"1","msgid":null,)"
        R"("structured_data":null,"message":"Started x."})");
  // rsyslog's forwarding format: PRI, then an ISO timestamp.
  CHECK(record(*f, "<30>2024-10-11T22:14:15Z web sshd[77]: ok") ==
        R"({"facility":3,"severity":6,"timestamp":"2024-10-11T22:14:15Z","hostname":"web",)"
        R"("app_name":"sshd","procid":"77","msgid":null,"structured_data":null,"message":"ok"})");
  CHECK(bad(*f, "2024-10-1T22:14:15Z web sshd[77]: ok") ==
        "expected a timestamp (Mmm dd hh:mm:ss, or ISO 8601) at column 1");
  CHECK(bad(*f, "<30>1") == "expected a timestamp (Mmm dd hh:mm:ss, or ISO 8601) at column 5");
  CHECK(bad(*f, "<30>1 ") == "expected the timestamp at column 7");
  CHECK(bad(*f, "hello world") ==
        "expected a timestamp (Mmm dd hh:mm:ss, or ISO 8601) at column 1");
  CHECK(bad(*f, "<13>Okt 11 22:14:15 h a: m") ==
        "expected a timestamp (Mmm dd hh:mm:ss, or ISO 8601) at column 5");
  CHECK(bad(*f, "Oct 11 24:14:15 h a: m") ==
        "expected a timestamp (Mmm dd hh:mm:ss, or ISO 8601) at column 1");
  CHECK(bad(*f, "Oct 11 22:14:15") == "expected a space after the timestamp at column 16");
  CHECK(bad(*f, "Oct 11 22:14:15 ") == "expected the hostname at column 17");
}

TEST_CASE("issue 13: syslog RFC 3164 year: latest not after the file's time plus a day") {
  auto f = make("syslog");
  auto ts = [&](std::string_view stamp) {
    const std::string r = record(*f, std::string(stamp) + " h a: m");
    const auto a = r.find("\"timestamp\":\"") + 13;
    return r.substr(a, r.find('"', a) - a);
  };
  sx::InputStart start;
  start.modified_us = utc(2025, 1, 1, 12);  // written from December into January
  f->start_input(start);
  CHECK(ts("Dec 31 23:59:59") == "2024-12-31T23:59:59");
  CHECK(ts("Jan  1 10:00:00") == "2025-01-01T10:00:00");
  CHECK(ts("Jan  2 11:59:59") == "2025-01-02T11:59:59");  // within the day of slack
  CHECK(ts("Jan  2 12:00:01") == "2024-01-02T12:00:01");  // beyond it: last year
  CHECK(ts("Feb 29 00:00:00") == "2024-02-29T00:00:00");
  start.modified_us = utc(2027, 6, 1);
  f->start_input(start);
  CHECK(ts("Feb 29 00:00:00") == "2024-02-29T00:00:00");  // the latest leap year
  CHECK(ts("Jun  1 23:00:00") == "2027-06-01T23:00:00");
  CHECK(ts("Jun  3 00:00:00") == "2026-06-03T00:00:00");
  auto y = make("syslog", "2023");
  y->start_input(start);
  CHECK(record(*y, "Dec 31 23:59:59 h a: m").find("\"2023-12-31T23:59:59\"") != std::string::npos);
  CHECK(bad(*y, "Feb 29 00:00:00 h a: m") == "'Feb 29' is not a date in 2023");
  CHECK_THROWS_AS(make("syslog", "24x"), sx::Error);
  CHECK_THROWS_AS(make("syslog", "0"), sx::Error);
  CHECK_THROWS_AS(make("syslog", "20245"), sx::Error);
}

// The fast path of "%d/%b/%Y:%H:%M:%S %z" gives what the date library gives:
// compared with "%d/%b/%Y:%T %z", the same pattern spelt so that it takes
// the general path; messages differ only in the pattern they quote.
TEST_CASE("issue 13: clf time fast path agrees with the general path") {
  const std::string kFast = "%d/%b/%Y:%H:%M:%S %z";
  const std::string kSlow = "%d/%b/%Y:%T %z";
  const sx::TimeParser fast(kFast), slow(kSlow);
  constexpr sx::Micros kS = sx::kMicrosPerSecond;
  struct Case {
    const char* text;
    bool ok;
    sx::Micros us;  // when ok
  };
  const Case cases[] = {
      {"10/Oct/2024:13:55:36 +0200", true, 1728561336 * kS},
      {"10/Oct/2024:13:55:36 -0930", true, (1728568536 + 34200) * kS},
      {"10/Oct/2024:13:55:36 +0000", true, 1728568536 * kS},
      {"29/Feb/2024:23:59:59 +2359", true, (1709251199 - 86340) * kS},
      {"01/Jan/1970:00:00:00 +0000", true, 0},
      {"31/Dec/1969:23:59:59 +0000", true, -kS},
      {"01/Jan/0001:00:00:00 +0000", true, sx::kMinEventTime},
      {"31/Dec/9999:23:59:59 +0000", true, sx::kMaxEventTime - 999999},
      {"01/Jan/0001:00:30:00 +0100", false, 0},  // before year 1 in UTC
      {"31/Dec/9999:23:30:00 -0100", false, 0},  // after 9999 in UTC
      {"29/Feb/2023:00:00:00 +0000", false, 0},  // not a leap year
      {"31/Apr/2024:00:00:00 +0000", false, 0},
      {"00/Apr/2024:00:00:00 +0000", false, 0},
      {"10/Foo/2024:13:55:36 +0200", false, 0},
      {"10/Oct/2024:24:00:00 +0000", false, 0},
      {"10/Oct/2024:13:60:00 +0000", false, 0},
      {"10/Oct/2024:13:55:36", false, 0},
      {"10/Oct/2024:13:55:36 +0200 x", false, 0},
      {"10/Oct/2024 13:55:36 +0200", false, 0},
      {"", false, 0},
      {"10/Oct/2024:13:55:36 *0200", false, 0},
      {"1x/Oct/2024:13:55:36 +0200", false, 0},
  };
  for (const Case& c : cases) {
    INFO("text: ", c.text);
    sx::EventTime a{777}, b{777};
    std::string wa, wb;
    const bool oka = fast.parse(c.text, &a, &wa);
    const bool okb = slow.parse(c.text, &b, &wb);
    CHECK(oka == c.ok);
    CHECK(okb == c.ok);
    if (c.ok) {
      CHECK(a.us == c.us);
      CHECK(b.us == c.us);
    } else {
      CHECK(a.us == 777);
      for (auto p = wb.find(kSlow); p != std::string::npos; p = wb.find(kSlow)) {
        wb.replace(p, kSlow.size(), kFast);
      }
      CHECK(wa == wb);
    }
  }
  // Forms only the general path reads (the date library decides), with the
  // same results as through it.
  for (const char* text :
       {"10/oct/2024:13:55:36 +0200", "10/OCT/2024:13:55:36 +0200", "1/Oct/2024:13:55:36 +0200",
        "10/October/2024:13:55:36 +0200", "10/Oct/2024:13:55:60 +0000",
        "10/Oct/2024:13:55:36 +02:00", "10/Oct/2024:13:55:36 +2400", "10/Oct/2024:13:55:36 +0260",
        "10/Oct/0000:13:55:36 +0000", "10/Oct/2024:13:55:36.5 +0000"}) {
    INFO("text: ", text);
    sx::EventTime a{777}, b{777};
    std::string wa, wb;
    const bool oka = fast.parse(text, &a, &wa);
    CHECK(oka == slow.parse(text, &b, &wb));
    CHECK(a.us == b.us);
  }
  std::string why;
  sx::EventTime t;
  CHECK_FALSE(fast.parse("29/Feb/2023:00:00:00 +0000", &t, &why));
  CHECK(why == "'29/Feb/2023:00:00:00 +0000' does not match the time format '" + kFast + "'");
}

// Lines of any bytes never crash the parsers, and every record is one valid
// JSON object: mutations (bytes replaced, cut, doubled) of well-formed lines.
TEST_CASE("issue 13: clf, combined and syslog survive mutated lines") {
  const char* seeds[] = {
      R"(127.0.0.1 - frank [10/Oct/2024:13:55:36 +0200] "GET /a\"b\\ HTTP/1.0" 200 2326 "-" "ua\"x")",
      R"(h - - [t] "-" - - "" "")",
      "<165>1 2003-10-11T22:14:15.003Z host app - ID47 [a b=\"\\\"]\"][c] \xEF\xBB\xBFmsg",
      "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed",
      "Jan  2 01:02:03 host app: hi",
      "2024-10-11T22:14:15.123+02:00 host cron[9]: job",
  };
  const char alphabet[] = " \"\\[]<>:-0123456789aZ\xC3\xA9\xFF\t";
  std::uint64_t rng = 88172645463325252ULL;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  sx::JsonValidator validator;
  int records = 0;
  for (const char* spec : {"clf", "combined", "syslog"}) {
    auto f = make(spec);
    sx::InputStart start;
    start.modified_us = utc(2024, 12, 31);
    f->start_input(start);
    std::string line, out, why;
    for (int n = 0; n < 20000; ++n) {
      line = seeds[next() % std::size(seeds)];
      const int edits = 1 + static_cast<int>(next() % 4);
      for (int e = 0; e < edits && !line.empty(); ++e) {
        const std::size_t at = next() % line.size();
        switch (next() % 4) {
          case 0:
            line[at] = alphabet[next() % (sizeof alphabet - 1)];
            break;
          case 1:
            line.resize(at);
            break;
          case 2:
            line.insert(at, 1, alphabet[next() % (sizeof alphabet - 1)]);
            break;
          default:
            line.erase(at, 1 + next() % 3);
            break;
        }
      }
      out.clear();
      why.clear();
      const sx::LineResult r = f->convert(line, &out, &why);
      if (r == sx::LineResult::kRecord) {
        ++records;
        std::string jwhy;
        INFO("line: ", line, " record: ", out);
        CHECK(validator.validate_object(sx::PaddedLine(out).view(), &jwhy));
      } else if (r == sx::LineResult::kBad) {
        INFO("line: ", line);
        CHECK(!why.empty());
      }
    }
  }
  CHECK(records > 1000);
}

TEST_CASE("issue 13: format_text finds the bytes JSON escapes, 8 at a time") {
  using sx::formats::find_quote_or_backslash;
  using sx::formats::needs_json_escape;
  for (std::size_t len = 0; len < 20; ++len) {
    std::string s(len, 'a');
    CHECK_FALSE(needs_json_escape(s));
    CHECK(find_quote_or_backslash(s, 0) == len);
    for (std::size_t at = 0; at < len; ++at) {
      for (const char c : {'"', '\\', '\n', '\x1f', '\0'}) {
        std::string t = s;
        t[at] = c;
        INFO("len ", len, " at ", at, " byte ", static_cast<int>(c));
        CHECK(needs_json_escape(t));
        CHECK(find_quote_or_backslash(t, 0) == (c == '"' || c == '\\' ? at : len));
        CHECK(find_quote_or_backslash(t, at + 1 <= len ? at + 1 : len) == len);
      }
      for (const char c : {' ', '\x7f', '\x80', '\xff', '!', '#', '[', ']', '\x21', '\x5d'}) {
        std::string t = s;
        t[at] = c;
        CHECK_FALSE(needs_json_escape(t));
        CHECK(find_quote_or_backslash(t, 0) == len);
      }
    }
  }
}

TEST_CASE("clf and combined: the clean-line fast path makes what the general path makes") {
  const char* seeds[] = {
      R"(127.0.0.1 - frank [10/Oct/2024:13:55:36 +0200] "GET /a?b=1 HTTP/1.0" 200 02326 "-" "curl/8")",
      R"x(10.0.0.1 - - [10/Oct/2024:13:55:36 +0200] "POST /x y HTTP/2.0" - 0 "https://r/" "Mozilla/5.0 (X11)" 0.003)x",
      R"(h - - [t] "-" - - "" "")",
      R"(h i u [10/Oct/2024:13:55:36 +0200] "BAD" 404 12)",
  };
  const char alphabet[] = " \"[]:-0123456789aZH/P\t\r\xC3\xA9";
  std::uint64_t rng = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  int clean_records = 0;
  for (const bool combined : {false, true}) {
    auto fast = sx::formats::make_clf(combined, true);
    auto slow = sx::formats::make_clf(combined, false);
    fast->want_key("time_local");
    slow->want_key("time_local");
    std::string line;
    for (int n = 0; n < 40000; ++n) {
      line = seeds[next() % std::size(seeds)];
      const int edits = static_cast<int>(next() % 3);
      for (int e = 0; e < edits && !line.empty(); ++e) {
        const std::size_t at = next() % line.size();
        switch (next() % 3) {
          case 0:
            line[at] = alphabet[next() % (sizeof alphabet - 1)];
            break;
          case 1:
            line.insert(at, 1, alphabet[next() % (sizeof alphabet - 1)]);
            break;
          default:
            line.erase(at, 1 + next() % 2);
            break;
        }
      }
      std::string out_f, why_f, out_s, why_s;
      const sx::LineResult rf = fast->convert(line, &out_f, &why_f);
      const sx::LineResult rs = slow->convert(line, &out_s, &why_s);
      INFO("combined ", combined, " line: ", line);
      REQUIRE(rf == rs);
      if (rf == sx::LineResult::kRecord) {
        REQUIRE(out_f == out_s);
        REQUIRE(fast->wanted_at() == slow->wanted_at());
        clean_records += sx::formats::is_clean_line(line, combined ? 6 : 2);
      } else if (rf == sx::LineResult::kBad) {
        REQUIRE(why_f == why_s);
      }
    }
  }
  CHECK(clean_records > 10000);
}

TEST_CASE("is_clean_line counts quotes and finds bad bytes at any offset") {
  using sx::formats::is_clean_line;
  for (std::size_t len = 0; len < 24; ++len) {
    const std::string s(len, 'a');
    CHECK(is_clean_line(s, 0));
    CHECK_FALSE(is_clean_line(s, 1));
    for (std::size_t at = 0; at < len; ++at) {
      std::string t = s;
      t[at] = '"';
      CHECK(is_clean_line(t, 1));
      CHECK_FALSE(is_clean_line(t, 0));
      for (std::size_t at2 = at + 1; at2 < len; ++at2) {
        std::string u = t;
        u[at2] = '"';
        CHECK(is_clean_line(u, 2));
      }
      for (const char c : {'\\', '\t', '\x1f', '\0', '\x80', '\xe9', '\xff'}) {
        std::string u = t;
        u[at] = c;
        INFO("len ", len, " at ", at, " byte ", static_cast<int>(c));
        CHECK_FALSE(is_clean_line(u, 0));
      }
      for (const char c : {' ', '\x7f', '!', '#', '\x21', '\x23', '~'}) {
        std::string u = t;
        u[at] = c;
        CHECK(is_clean_line(u, 0));
      }
    }
  }
}
