#include "time_parser.h"

#include <doctest/doctest.h>

#include "error.h"

using sx::EventTime;
using sx::TimeParser;

namespace {
// 2023-07-30T10:00:00Z (checked: date -u -d 2023-07-30T10:00:00Z +%s)
constexpr sx::Micros kT = 1690711200LL * 1000000;

sx::Micros p(const TimeParser& tp, std::string_view s) {
  EventTime t;
  std::string why;
  INFO(s);
  REQUIRE_MESSAGE(tp.parse(s, &t, &why), why);
  return t.us;
}
bool rejects(const TimeParser& tp, std::string_view s) {
  EventTime t;
  std::string why;
  const bool ok = tp.parse(s, &t, &why);
  if (!ok) CHECK(!why.empty());
  return !ok;
}
}  // namespace

TEST_CASE("ISO-8601 with Z, offsets and fractions") {
  const TimeParser tp;
  CHECK(p(tp, "2023-07-30T10:00:00Z") == kT);
  CHECK(p(tp, "2023-07-30t10:00:00z") == kT);
  CHECK(p(tp, "2023-07-30 10:00:00Z") == kT);
  CHECK(p(tp, "2023-07-30T15:30:00+05:30") == kT);
  CHECK(p(tp, "2023-07-30T15:30:00+0530") == kT);
  CHECK(p(tp, "2023-07-30T15:00:00+05") == kT);
  CHECK(p(tp, "2023-07-30T02:00:00-08:00") == kT);
  CHECK(p(tp, "2023-07-30T10:00:00.1Z") == kT + 100000);
  CHECK(p(tp, "2023-07-30T10:00:00.123Z") == kT + 123000);
  CHECK(p(tp, "2023-07-30T10:00:00.123456Z") == kT + 123456);
  CHECK(p(tp, "2023-07-30T10:00:00.123456789Z") == kT + 123456);  // truncated
}

TEST_CASE("naive timestamps and bare dates are read in UTC by default") {
  const TimeParser tp;
  CHECK(p(tp, "2023-07-30 10:00:00") == kT);
  CHECK(p(tp, "2023-07-30T10:00:00") == kT);
  CHECK(p(tp, "2023-07-30") == kT - 10LL * 3600 * 1000000);
  CHECK(p(tp, "2024-02-29T00:00:00Z") == 1709164800LL * 1000000);  // leap day
  CHECK(p(tp, "1969-12-31T23:59:59Z") == -1000000);
  CHECK(p(tp, "0001-01-01T00:00:00Z") == sx::kMinEventTime);
  CHECK(p(tp, "9999-12-31T23:59:59.999999Z") == sx::kMaxEventTime);
}

TEST_CASE("naive timestamps in an IANA zone, across DST") {
  const TimeParser paris("auto", "Europe/Paris");
  // Summer (CEST, +02:00) and winter (CET, +01:00).
  CHECK(p(paris, "2023-07-30 12:00:00") == kT);
  CHECK(p(paris, "2023-01-15 11:00:00") == 1673776800LL * 1000000);  // 10:00Z
  // An explicit offset wins over the zone.
  CHECK(p(paris, "2023-07-30T10:00:00Z") == kT);
  // Spring forward 2023-03-26: 02:30 does not exist; moved forward by the gap
  // to 03:30 CEST = 01:30Z (1679794200).
  CHECK(p(paris, "2023-03-26 02:30:00") == 1679794200LL * 1000000);
  // Fall back 2023-10-29: 02:30 happens twice; the earlier is 02:30 CEST =
  // 00:30Z (1698539400).
  CHECK(p(paris, "2023-10-29 02:30:00") == 1698539400LL * 1000000);
  const TimeParser ny("auto", "America/New_York");
  CHECK(p(ny, "2023-07-30 06:00:00") == kT);  // EDT, -04:00
  const TimeParser fixed("auto", "+05:30");
  CHECK(p(fixed, "2023-07-30 15:30:00") == kT);
}

TEST_CASE("epoch seconds, milliseconds and microseconds") {
  const TimeParser tp;
  EventTime t;
  CHECK(tp.parse_number(std::int64_t{1690711200}, &t));
  CHECK(t.us == kT);
  CHECK(tp.parse_number(std::int64_t{1690711200123}, &t));
  CHECK(t.us == kT + 123000);
  CHECK(tp.parse_number(std::int64_t{1690711200123456}, &t));
  CHECK(t.us == kT + 123456);
  CHECK(tp.parse_number(1690711200.5, &t));
  CHECK(t.us == kT + 500000);
  CHECK(tp.parse_number(std::int64_t{-1}, &t));
  CHECK(t.us == -1000000);
  CHECK(p(tp, "1690711200") == kT);
  CHECK(p(tp, "1690711200.25") == kT + 250000);
  CHECK(p(tp, "1690711200123") == kT + 123000);
  const TimeParser ms("epoch-ms", "UTC");
  CHECK(ms.parse_number(std::int64_t{5}, &t));
  CHECK(t.us == 5000);
  CHECK(p(ms, "1690711200000") == kT);
  const TimeParser us("epoch-us", "UTC");
  CHECK(us.parse_number(std::int64_t{5}, &t));
  CHECK(t.us == 5);
  const TimeParser s("epoch-s", "UTC");
  CHECK(s.parse_number(std::int64_t{1690711200}, &t));
  CHECK(t.us == kT);
  CHECK_FALSE(s.parse_number(std::int64_t{1} << 62, &t));
}

TEST_CASE("strftime patterns, with and without %z") {
  const TimeParser clf("%d/%b/%Y:%H:%M:%S %z", "UTC");
  // 10/Oct/2000:13:55:36 -0700 = 2000-10-10T20:55:36Z = 971211336
  CHECK(p(clf, "10/Oct/2000:13:55:36 -0700") == 971211336LL * 1000000);
  CHECK(rejects(clf, "10/Oct/2000:13:55:36 -0700 extra"));
  CHECK(rejects(clf, "2000-10-10T20:55:36Z"));
  const TimeParser local("%Y/%m/%d %H:%M", "Europe/Paris");
  CHECK(p(local, "2023/07/30 12:00") == kT);
  EventTime t;
  CHECK_FALSE(clf.parse_number(std::int64_t{1}, &t));
}

TEST_CASE("malformed times are refused with a reason") {
  const TimeParser tp;
  CHECK(rejects(tp, "2023-13-01T00:00:00Z"));  // month 13
  CHECK(rejects(tp, "2023-02-30T00:00:00Z"));  // Feb 30
  CHECK(rejects(tp, "2023-02-29T00:00:00Z"));  // not a leap year
  CHECK(rejects(tp, "2023-07-30T24:00:00Z"));  // hour 24
  CHECK(rejects(tp, "2023-07-30T10:60:00Z"));  // minute 60
  CHECK(rejects(tp, "2023-07-30T10:00:61Z"));  // second 61
  CHECK(rejects(tp, "2023-07-30T10:00"));      // no seconds
  CHECK(rejects(tp, "2023-07-30T10:00:00Zjunk"));
  CHECK(rejects(tp, "2023/07/30 10:00:00"));
  CHECK(rejects(tp, ""));
  CHECK(rejects(tp, "Z"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+25:00"));
  CHECK(rejects(tp, "2023-07-30T10:00:00.Z"));
  CHECK(rejects(tp, "10000-01-01T00:00:00Z"));
  CHECK(rejects(tp, "yesterday"));
  CHECK(rejects(tp, "12abc"));
  EventTime t;
  CHECK_FALSE(tp.parse_number(std::numeric_limits<double>::quiet_NaN(), &t));
  CHECK_FALSE(tp.parse_number(std::numeric_limits<double>::infinity(), &t));
  const TimeParser iso("iso8601", "UTC");
  CHECK(rejects(iso, "1690711200"));
}

TEST_CASE("unknown zones and formats are usage errors") {
  try {
    TimeParser("auto", "Europe/Pari");
    FAIL("no throw");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    CHECK(std::string(e.what()).find("Europe/Pari") != std::string::npos);
  }
  CHECK_THROWS_AS(TimeParser("rfc-whatever", "UTC"), sx::Error);
  CHECK_THROWS_AS(TimeParser("auto", "+99:00"), sx::Error);
}
