#include "base/time_parser.h"

#include <date/tz.h>
#include <doctest/doctest.h>

#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "base/error.h"

using sx::EventTime;
using sx::Micros;
using sx::TimeParser;

// Every expected value below was worked out by hand and checked with GNU date,
// e.g. `date -u -d 2023-07-30T10:00:00Z +%s` = 1690711200 and
// `TZ=Europe/Paris date -d '2023-03-26 03:30:00' +%s` = 1679794200.
namespace {

constexpr Micros kS = 1000000;
constexpr Micros kT = 1690711200LL * kS;  // 2023-07-30T10:00:00Z

Micros p(const TimeParser& tp, std::string_view s) {
  EventTime t;
  std::string why;
  INFO("text: ", s);
  REQUIRE_MESSAGE(tp.parse(s, &t, &why), why);
  return t.us;
}

// True when `s` is refused; a refusal must say why, quoting the text, and must
// leave *out alone.
bool rejects(const TimeParser& tp, std::string_view s) {
  EventTime t{12345};
  std::string why;
  const bool ok = tp.parse(s, &t, &why);
  INFO("text: ", s, " why: ", why);
  if (!ok) {
    CHECK(t.us == 12345);
    CHECK(why.find("'" + std::string(s) + "'") == 0);
    // without a `why`, the same answer
    CHECK_FALSE(tp.parse(s, &t, nullptr));
  }
  return !ok;
}

std::string why_of(const TimeParser& tp, std::string_view s) {
  EventTime t;
  std::string why;
  CHECK_FALSE(tp.parse(s, &t, &why));
  return why;
}

template <typename N>
Micros num(const TimeParser& tp, N v) {
  EventTime t;
  std::string why;
  INFO("number: ", v);
  REQUIRE_MESSAGE(tp.parse_number(v, &t, &why), why);
  return t.us;
}

template <typename N>
bool rejects_number(const TimeParser& tp, N v) {
  EventTime t{12345};
  std::string why;
  const bool ok = tp.parse_number(v, &t, &why);
  if (!ok) {
    CHECK(t.us == 12345);
    CHECK(!why.empty());
  }
  return !ok;
}

}  // namespace

TEST_CASE("ISO-8601 with Z and offsets") {
  const TimeParser tp;
  CHECK(p(tp, "2023-07-30T10:00:00Z") == kT);
  CHECK(p(tp, "2023-07-30t10:00:00z") == kT);
  CHECK(p(tp, "2023-07-30 10:00:00Z") == kT);
  CHECK(p(tp, "2023-07-30T15:30:00+05:30") == kT);
  CHECK(p(tp, "2023-07-30T15:30:00+0530") == kT);
  CHECK(p(tp, "2023-07-30T15:00:00+05") == kT);
  CHECK(p(tp, "2023-07-30T02:00:00-08:00") == kT);
  CHECK(p(tp, "2023-07-30T02:00:00-0800") == kT);
  CHECK(p(tp, "2023-07-30T02:00:00-08") == kT);
  CHECK(p(tp, "2023-07-30T10:00:00+00:00") == kT);
  CHECK(p(tp, "2023-07-30T10:00:00-00:00") == kT);
  // 23:59 is the largest offset: 2023-07-31T09:59:00+23:59 = 2023-07-30T10:00:00Z.
  CHECK(p(tp, "2023-07-31T09:59:00+23:59") == kT);
  // An offset that moves the instant across a day, a month and a year.
  CHECK(p(tp, "2024-01-01T01:00:00+02:00") == 1704063600LL * kS);  // 2023-12-31T23:00:00Z
}

TEST_CASE("fractional seconds: 1 to 9 digits, truncated to microseconds") {
  const TimeParser tp;
  CHECK(p(tp, "2023-07-30T10:00:00.1Z") == kT + 100000);
  CHECK(p(tp, "2023-07-30T10:00:00.12Z") == kT + 120000);
  CHECK(p(tp, "2023-07-30T10:00:00.123Z") == kT + 123000);
  CHECK(p(tp, "2023-07-30T10:00:00.123456Z") == kT + 123456);
  CHECK(p(tp, "2023-07-30T10:00:00.1234567Z") == kT + 123456);
  CHECK(p(tp, "2023-07-30T10:00:00.123456789Z") == kT + 123456);  // truncated, not rounded
  CHECK(p(tp, "2023-07-30T10:00:00.999999999Z") == kT + 999999);
  CHECK(p(tp, "2023-07-30T10:00:00.000001Z") == kT + 1);
  CHECK(p(tp, "2023-07-30T10:00:00,5Z") == kT + 500000);  // ISO-8601's comma
  CHECK(p(tp, "2023-07-30T15:30:00.25+05:30") == kT + 250000);
  CHECK(p(tp, "2023-07-30 10:00:00.5") == kT + 500000);
}

TEST_CASE("naive timestamps and bare dates are read in UTC by default") {
  const TimeParser tp;
  CHECK(tp.format() == "auto");
  CHECK(tp.zone() == "UTC");
  CHECK(p(tp, "2023-07-30 10:00:00") == kT);
  CHECK(p(tp, "2023-07-30T10:00:00") == kT);
  CHECK(p(tp, "2023-07-30") == kT - 10 * 3600 * kS);
  for (const char* utc : {"utc", "Z", "Etc/UTC", "GMT"}) {
    const TimeParser z("auto", utc);
    CHECK(p(z, "2023-07-30 10:00:00") == kT);
  }
}

TEST_CASE("calendar edges: leap days, before 1970, years 0001 and 9999") {
  const TimeParser tp;
  CHECK(p(tp, "2024-02-29T00:00:00Z") == 1709164800LL * kS);
  CHECK(p(tp, "2024-02-29T12:34:56Z") == 1709210096LL * kS);
  CHECK(p(tp, "2000-02-29") == 951782400LL * kS);  // divisible by 400: leap
  CHECK(p(tp, "1970-01-01T00:00:00Z") == 0);
  CHECK(p(tp, "1969-12-31T23:59:59Z") == -kS);
  CHECK(p(tp, "1969-12-31T23:59:59.5Z") == -kS / 2);
  CHECK(p(tp, "1900-01-01T00:00:00Z") == -2208988800LL * kS);
  CHECK(p(tp, "0001-01-01T00:00:00Z") == sx::kMinEventTime);
  CHECK(p(tp, "0001-01-01") == sx::kMinEventTime);
  CHECK(p(tp, "9999-12-31T23:59:59Z") == 253402300799LL * kS);
  CHECK(p(tp, "9999-12-31T23:59:59.999999Z") == sx::kMaxEventTime);
  CHECK(p(tp, "9999-12-31T23:59:59.999999999Z") == sx::kMaxEventTime);
  // In range only after the offset is applied.
  CHECK(p(tp, "0001-01-01T01:00:00+01:00") == sx::kMinEventTime);
  CHECK(p(tp, "9999-12-31T22:59:59-01:00") == 253402300799LL * kS);
}

TEST_CASE("naive timestamps in Europe/Paris, summer and winter") {
  const TimeParser paris("auto", "Europe/Paris");
  CHECK(paris.zone() == "Europe/Paris");
  CHECK(p(paris, "2023-07-30 12:00:00") == kT);  // CEST, +02:00
  CHECK(p(paris, "2023-07-30T12:00:00.5") == kT + 500000);
  CHECK(p(paris, "2023-01-15 11:00:00") == 1673776800LL * kS);  // CET, +01:00 = 10:00Z
  CHECK(p(paris, "2023-07-30") == 1690668000LL * kS);  // midnight CEST = 22:00Z the day before
  // An explicit offset wins over the zone.
  CHECK(p(paris, "2023-07-30T10:00:00Z") == kT);
  CHECK(p(paris, "2023-07-30T15:30:00+05:30") == kT);
}

TEST_CASE("Europe/Paris spring forward 2023-03-26: the gap moves forward by its length") {
  const TimeParser paris("auto", "Europe/Paris");
  CHECK(p(paris, "2023-03-26 01:59:59") == 1679792399LL * kS);  // last CET second, 00:59:59Z
  // 02:00..02:59:59 never happen; they are read as CET, i.e. one hour later in CEST.
  CHECK(p(paris, "2023-03-26 02:00:00") == 1679792400LL * kS);  // = 03:00 CEST = 01:00Z
  CHECK(p(paris, "2023-03-26 02:30:00") == 1679794200LL * kS);  // = 03:30 CEST = 01:30Z
  CHECK(p(paris, "2023-03-26 02:59:59.999999") == 1679795999LL * kS + 999999);
  CHECK(p(paris, "2023-03-26 03:00:00") == 1679792400LL * kS);  // first CEST second, 01:00Z
  CHECK(p(paris, "2023-03-26 03:30:00") == 1679794200LL * kS);
}

TEST_CASE("Europe/Paris fall back 2023-10-29: the overlap takes the earlier instant") {
  const TimeParser paris("auto", "Europe/Paris");
  CHECK(p(paris, "2023-10-29 01:59:59") == 1698537599LL * kS);  // CEST, 23:59:59Z on the 28th
  // 02:00..02:59:59 happen twice; the first time (CEST, +02:00) is taken.
  CHECK(p(paris, "2023-10-29 02:00:00") == 1698537600LL * kS);  // 00:00Z
  CHECK(p(paris, "2023-10-29 02:30:00") == 1698539400LL * kS);  // 00:30Z
  CHECK(p(paris, "2023-10-29 02:59:59") == 1698541199LL * kS);  // 00:59:59Z
  CHECK(p(paris, "2023-10-29 03:00:00") == 1698544800LL * kS);  // CET, 02:00Z
  // The later one stays reachable with an explicit offset.
  CHECK(p(paris, "2023-10-29T02:30:00+01:00") == 1698543000LL * kS);
}

TEST_CASE("other zones: America/New_York, Australia/Sydney, Asia/Kolkata, fixed offsets") {
  const TimeParser ny("auto", "America/New_York");
  CHECK(p(ny, "2023-07-30 06:00:00") == kT);                     // EDT, -04:00
  CHECK(p(ny, "2023-01-15 05:00:00") == 1673776800LL * kS);      // EST, -05:00
  CHECK(p(ny, "2023-03-12 01:59:59") == 1678604399LL * kS);      // last EST second
  CHECK(p(ny, "2023-03-12 02:30:00") == 1678606200LL * kS);      // gap: = 03:30 EDT = 07:30Z
  CHECK(p(ny, "2023-11-05 01:30:00") == 1699162200LL * kS);      // overlap: EDT, 05:30Z
  const TimeParser sydney("auto", "Australia/Sydney");           // DST in the southern summer
  CHECK(p(sydney, "2023-07-30 20:00:00") == kT);                 // AEST, +10:00
  CHECK(p(sydney, "2023-01-15 21:00:00") == 1673776800LL * kS);  // AEDT, +11:00
  const TimeParser kolkata("auto", "Asia/Kolkata");
  CHECK(p(kolkata, "2023-07-30 15:30:00") == kT);
  const TimeParser plus("auto", "+05:30");
  CHECK(plus.zone() == "+05:30");
  CHECK(p(plus, "2023-07-30 15:30:00") == kT);
  CHECK(p(plus, "2023-07-30T10:00:00Z") == kT);
  CHECK(p(plus, "2023-07-31") == kT + (8 * 3600 + 1800) * kS);  // 2023-07-30T18:30:00Z
  const TimeParser minus("auto", "-08:00");
  CHECK(p(minus, "2023-07-30 02:00:00") == kT);
  CHECK(p(TimeParser("auto", "-0800"), "2023-07-30 02:00:00") == kT);
  CHECK(p(TimeParser("auto", "+05"), "2023-07-30 15:00:00") == kT);
}

TEST_CASE("the zone offset cache agrees with the zone database everywhere") {
  // Naive times are read through a per-thread cache of the current offset
  // period. Walk through 1965..2040 with an odd step, then around every
  // transition of those years (both sides, alternately, so that the cache
  // misses and hits in turn), and compare with a direct lookup.
  for (const char* name :
       {"Europe/Paris", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
        "America/St_Johns", "Pacific/Apia", "Europe/Dublin", "Africa/Casablanca",
        "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham"}) {
    INFO("zone: ", name);
    const TimeParser tp("auto", name);
    const date::time_zone* tz = date::locate_zone(name);
    auto check = [&](std::int64_t local_s) {
      const auto c = sx::civil_from_days(sx::floor_div(local_s, 86400));
      const std::int64_t sod = sx::floor_mod(local_s, 86400);
      char buf[96];  // room for any int64 fields, so -Wformat-truncation has nothing to say
      std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                    static_cast<long long>(c.year), c.month, c.day,
                    static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                    static_cast<long long>(sod % 60));
      const auto li = tz->get_info(date::local_seconds{std::chrono::seconds{local_s}});
      const Micros want = (local_s - li.first.offset.count()) * kS;
      EventTime t;
      const bool ok = tp.parse(buf, &t);
      if (!ok || t.us != want) {
        INFO("local: ", buf);
        CHECK(ok);
        CHECK(t.us == want);
        return false;
      }
      return true;
    };
    const std::int64_t from = sx::days_from_civil(1965, 1, 1) * 86400;
    const std::int64_t to = sx::days_from_civil(2040, 1, 1) * 86400;
    int failures = 0;
    for (std::int64_t s = from; s < to && failures < 5; s += 7 * 3600 + 13 * 60 + 7) {
      failures += !check(s);
    }
    // Each transition: local times on both sides, a second and up to 3 hours away.
    auto info = tz->get_info(date::sys_seconds{std::chrono::seconds{from}});
    while (info.end.time_since_epoch().count() < to && failures < 5) {
      const std::int64_t at = info.end.time_since_epoch().count();  // UTC of the transition
      const std::int64_t before = at + info.offset.count();         // local, old offset
      info = tz->get_info(info.end);
      const std::int64_t after = at + info.offset.count();  // local, new offset
      for (std::int64_t d : {1LL, 2LL, 1799LL, 1800LL, 1801LL, 3599LL, 3600LL, 3601LL, 10800LL}) {
        failures += !check(before - d);
        failures += !check(after + d - 1);
        failures += !check(before + d - 1);
        failures += !check(after - d);
      }
    }
    CHECK(failures == 0);
  }
}

TEST_CASE("epoch numbers: the format's unit, or by magnitude for auto and iso8601") {
  const TimeParser tp;
  CHECK(num(tp, std::int64_t{1690711200}) == kT);
  CHECK(num(tp, std::int64_t{1690711200123}) == kT + 123000);
  CHECK(num(tp, std::int64_t{1690711200123456}) == kT + 123456);
  CHECK(num(tp, std::int64_t{0}) == 0);
  CHECK(num(tp, std::int64_t{-1}) == -kS);
  CHECK(num(tp, std::int64_t{-86400}) == -86400 * kS);                 // 1969-12-31
  CHECK(num(tp, std::int64_t{-2208988800}) == -2208988800LL * kS);     // 1900-01-01
  CHECK(num(tp, std::int64_t{-2208988800000}) == -2208988800LL * kS);  // the same in ms
  // The magnitude boundaries: below 1e11 seconds, below 1e14 milliseconds.
  CHECK(num(tp, std::int64_t{99999999999}) == 99999999999LL * kS);  // year 5138
  CHECK(num(tp, std::int64_t{100000000000}) == 100000000000LL * 1000);
  CHECK(num(tp, std::int64_t{99999999999999}) == 99999999999999LL * 1000);
  CHECK(num(tp, std::int64_t{100000000000000}) == 100000000000000LL);
  CHECK(num(tp, 1690711200.5) == kT + 500000);
  CHECK(num(tp, 1690711200.123) == kT + 123000);  // rounded to the nearest microsecond
  CHECK(num(tp, 1690711200123.0) == kT + 123000);
  CHECK(num(tp, -1.5) == -1500000);
  CHECK(num(tp, 0.0) == 0);
  const TimeParser iso("iso8601", "UTC");
  CHECK(num(iso, std::int64_t{1690711200}) == kT);
  CHECK(num(iso, 1690711200123.0) == kT + 123000);

  const TimeParser s("epoch-s", "UTC");
  CHECK(num(s, std::int64_t{1690711200}) == kT);
  CHECK(num(s, std::int64_t{5}) == 5 * kS);
  CHECK(num(s, 1690711200.25) == kT + 250000);
  CHECK(num(s, std::int64_t{-62135596800}) == sx::kMinEventTime);
  CHECK(num(s, std::int64_t{253402300799}) == 253402300799LL * kS);
  const TimeParser ms("epoch-ms", "UTC");
  CHECK(num(ms, std::int64_t{5}) == 5000);
  CHECK(num(ms, std::int64_t{1690711200000}) == kT);
  CHECK(num(ms, 1690711200123.5) == kT + 123500);
  CHECK(num(ms, std::int64_t{-1}) == -1000);
  const TimeParser us("epoch-us", "UTC");
  CHECK(num(us, std::int64_t{5}) == 5);
  CHECK(num(us, std::int64_t{1690711200123456}) == kT + 123456);
  CHECK(num(us, 1690711200123456.0) == kT + 123456);
  CHECK(num(us, std::int64_t{-1}) == -1);
  // The zone does not apply to epoch values.
  CHECK(num(TimeParser("epoch-s", "Europe/Paris"), std::int64_t{1690711200}) == kT);
}

TEST_CASE("epoch digit strings") {
  const TimeParser tp;
  CHECK(p(tp, "1690711200") == kT);
  CHECK(p(tp, "1690711200.25") == kT + 250000);
  CHECK(p(tp, "1690711200123") == kT + 123000);
  CHECK(p(tp, "1690711200123456") == kT + 123456);
  CHECK(p(tp, "1690711200123.5") == kT + 123500);
  CHECK(p(tp, "0") == 0);
  CHECK(p(tp, "-1") == -kS);
  CHECK(p(tp, "-1.5") == -1500000);
  CHECK(p(tp, "+5") == 5 * kS);
  CHECK(p(tp, "-2208988800") == -2208988800LL * kS);
  CHECK(p(tp, "0001690711200") == kT);  // leading zeros do not count for the magnitude
  CHECK(p(tp, "99999999999") == 99999999999LL * kS);
  CHECK(p(tp, "100000000000") == 100000000000LL * 1000);
  CHECK(p(tp, "100000000000000") == 100000000000000LL);

  const TimeParser s("epoch-s", "UTC");
  CHECK(p(s, "1690711200") == kT);
  CHECK(p(s, "1690711200.5") == kT + 500000);
  CHECK(p(s, "1690711200.1234567") == kT + 123456);  // truncated
  CHECK(p(s, "-0.0000015") == -1);                   // truncated towards zero
  CHECK(p(s, "5") == 5 * kS);
  CHECK(p(s, "-62135596800") == sx::kMinEventTime);
  const TimeParser ms("epoch-ms", "UTC");
  CHECK(p(ms, "1690711200000") == kT);
  CHECK(p(ms, "1690711200000.5") == kT + 500);
  CHECK(p(ms, "5") == 5000);
  CHECK(p(ms, "-1000") == -kS);
  const TimeParser us("epoch-us", "UTC");
  CHECK(p(us, "1690711200000000") == kT);
  CHECK(p(us, "5") == 5);
  CHECK(p(us, "-5") == -5);
}

TEST_CASE("iso8601 accepts ISO-8601 text only, epoch formats epoch text only") {
  const TimeParser iso("iso8601", "UTC");
  CHECK(p(iso, "2023-07-30T10:00:00Z") == kT);
  CHECK(p(iso, "2023-07-30 10:00:00") == kT);
  CHECK(p(iso, "2023-07-30") == kT - 10 * 3600 * kS);
  CHECK(rejects(iso, "1690711200"));
  CHECK(why_of(iso, "1690711200") ==
        "'1690711200' is not a time (expected ISO-8601 such as 2023-07-30T10:00:00Z)");
  const TimeParser s("epoch-s", "UTC");
  CHECK(rejects(s, "2023-07-30T10:00:00Z"));
  CHECK(rejects(s, ""));
  CHECK(rejects(s, "1e9"));
  CHECK(rejects(s, "12abc"));
  CHECK(rejects(s, "1690711200."));
  CHECK(rejects(s, ".5"));
  CHECK(rejects(s, "-"));
  CHECK(rejects(s, "--5"));
  CHECK(rejects(s, " 5"));
  CHECK(rejects(s, "253402300800"));  // 10000-01-01T00:00:00Z
  CHECK(rejects(s, "-62135596801"));
  CHECK(why_of(s, "253402300800") ==
        "'253402300800' is not a valid time (outside years 0001-9999 UTC)");
}

TEST_CASE("strftime patterns, with and without %z") {
  const TimeParser clf("%d/%b/%Y:%H:%M:%S %z", "UTC");
  CHECK(clf.format() == "%d/%b/%Y:%H:%M:%S %z");
  // 10/Oct/2000:13:55:36 -0700 = 2000-10-10T20:55:36Z = 971211336
  CHECK(p(clf, "10/Oct/2000:13:55:36 -0700") == 971211336LL * kS);
  // The offset in the text wins over the parser's zone.
  CHECK(p(TimeParser("%d/%b/%Y:%H:%M:%S %z", "Europe/Paris"), "10/Oct/2000:13:55:36 -0700") ==
        971211336LL * kS);
  CHECK(rejects(clf, "10/Oct/2000:13:55:36 -0700 extra"));
  CHECK(rejects(clf, "10/Oct/2000:13:55:36"));
  CHECK(rejects(clf, "2000-10-10T20:55:36Z"));
  CHECK(rejects(clf, ""));
  CHECK(why_of(clf, "nope") == "'nope' does not match the time format '%d/%b/%Y:%H:%M:%S %z'");

  const TimeParser local("%Y/%m/%d %H:%M", "Europe/Paris");
  CHECK(p(local, "2023/07/30 12:00") == kT);
  CHECK(p(local, "2023/03/26 02:30") == 1679794200LL * kS);  // the gap, as for ISO text
  CHECK(p(local, "2023/10/29 02:30") == 1698539400LL * kS);  // the overlap: earlier
  CHECK(rejects(local, "2023/07/30 12:00 "));
  CHECK(rejects(local, "2023/13/30 12:00"));

  const TimeParser frac("%Y-%m-%d %H:%M:%S", "UTC");
  CHECK(p(frac, "2023-07-30 10:00:00") == kT);
  CHECK(p(frac, "2023-07-30 10:00:00.25") == kT + 250000);
  const TimeParser day("%d.%m.%Y", "+05:30");
  CHECK(p(day, "31.07.2023") == kT + (8 * 3600 + 1800) * kS);  // midnight +05:30

  CHECK(rejects_number(clf, std::int64_t{1}));
  CHECK(rejects_number(clf, 1.0));
}

TEST_CASE("malformed times are refused with a reason that quotes them") {
  const TimeParser tp;
  CHECK(rejects(tp, "2023-13-01T00:00:00Z"));  // month 13
  CHECK(rejects(tp, "2023-00-01T00:00:00Z"));  // month 0
  CHECK(rejects(tp, "2023-07-00T00:00:00Z"));  // day 0
  CHECK(rejects(tp, "2023-02-30T00:00:00Z"));  // Feb 30
  CHECK(rejects(tp, "2023-02-29T00:00:00Z"));  // not a leap year
  CHECK(rejects(tp, "1900-02-29"));            // divisible by 100, not by 400
  CHECK(rejects(tp, "2023-04-31"));
  CHECK(rejects(tp, "2023-07-30T24:00:00Z"));  // hour 24
  CHECK(rejects(tp, "2023-07-30T10:60:00Z"));  // minute 60
  CHECK(rejects(tp, "2023-07-30T23:59:60Z"));  // leap second
  CHECK(rejects(tp, "2023-07-30T10:00:61Z"));
  CHECK(rejects(tp, "2023-07-30T10:00"));  // no seconds
  CHECK(rejects(tp, "2023-07-30T10"));
  CHECK(rejects(tp, "2023-07-30T"));
  CHECK(rejects(tp, "2023-07-30 "));
  CHECK(rejects(tp, "2023-07-30T10:00:00Zjunk"));
  CHECK(rejects(tp, "2023-07-30T10:00:00 Z"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+05:30junk"));
  CHECK(rejects(tp, "2023-07-30junk"));
  CHECK(rejects(tp, "2023-07-30X10:00:00"));
  CHECK(rejects(tp, "2023-07-30  10:00:00"));
  CHECK(rejects(tp, "2023/07/30"));
  CHECK(rejects(tp, "2023/07/30 10:00:00"));
  CHECK(rejects(tp, "2023-7-30T10:00:00Z"));  // wrong widths
  CHECK(rejects(tp, "2023-07-30T1:00:00Z"));
  CHECK(rejects(tp, "2023-07-30T10:0:00Z"));
  CHECK(rejects(tp, "23-07-30T10:00:00Z"));
  CHECK(rejects(tp, ""));
  CHECK(rejects(tp, "Z"));
  CHECK(rejects(tp, "T"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+25:00"));  // offset hours
  CHECK(rejects(tp, "2023-07-30T10:00:00+24:00"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+05:60"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+5:30"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+05:3"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+053"));
  CHECK(rejects(tp, "2023-07-30T10:00:00+"));
  CHECK(rejects(tp, "2023-07-30T10:00:00.Z"));            // a fraction needs digits
  CHECK(rejects(tp, "2023-07-30T10:00:00.1234567890Z"));  // 10 digits
  CHECK(rejects(tp, "0000-01-01T00:00:00Z"));             // year 0
  CHECK(rejects(tp, "10000-01-01T00:00:00Z"));
  CHECK(rejects(tp, "0001-01-01T00:00:00+00:01"));  // before 0001 once the offset is applied
  CHECK(rejects(tp, "9999-12-31T23:59:59-00:01"));  // after 9999
  CHECK(rejects(tp, "abc"));
  CHECK(rejects(tp, "yesterday"));
  CHECK(rejects(tp, "12abc"));
  CHECK(rejects(tp, "1e9"));
  CHECK(rejects(tp, "0x10"));
  CHECK(rejects(tp, " 1690711200"));
  CHECK(rejects(tp, "1690711200 "));
  CHECK(rejects(tp, "NaN"));
  CHECK(rejects(tp, "99999999999999999999999999999"));
  CHECK(rejects(tp, "253402300800000000"));  // 10000-01-01 in microseconds
  CHECK(p(tp, "253402300799999999") == sx::kMaxEventTime);

  // The reasons, exactly.
  CHECK(why_of(tp, "2023-02-30T00:00:00Z") ==
        "'2023-02-30T00:00:00Z' is not a valid time (day 30 out of range for 2023-02)");
  CHECK(why_of(tp, "2023-13-01") == "'2023-13-01' is not a valid time (month 13)");
  CHECK(why_of(tp, "abc") ==
        "'abc' is not a time (expected ISO-8601 such as 2023-07-30T10:00:00Z, or epoch "
        "seconds/ms/us)");
  CHECK(why_of(tp, "2023-07-30T23:59:60Z") ==
        "'2023-07-30T23:59:60Z' is not a valid time (second 60: leap seconds are not accepted)");
  CHECK(why_of(tp, "10000-01-01T00:00:00Z").find("is not a time") != std::string::npos);
  CHECK(why_of(tp, "99999999999999999999999999999").find("outside years 0001-9999") !=
        std::string::npos);

  // In a zone, the range applies to the UTC result: Paris was 9 min 21 s ahead.
  const TimeParser paris("auto", "Europe/Paris");
  CHECK(rejects(paris, "0001-01-01 00:00:00"));
  CHECK(p(paris, "0001-01-01 00:09:21") == sx::kMinEventTime);
}

TEST_CASE("numbers that are not times") {
  const TimeParser tp;
  CHECK(rejects_number(tp, std::numeric_limits<double>::quiet_NaN()));
  CHECK(rejects_number(tp, std::numeric_limits<double>::infinity()));
  CHECK(rejects_number(tp, -std::numeric_limits<double>::infinity()));
  CHECK(rejects_number(tp, 1e300));
  CHECK(rejects_number(tp, std::numeric_limits<std::int64_t>::max()));
  CHECK(rejects_number(tp, std::numeric_limits<std::int64_t>::min()));
  const TimeParser s("epoch-s", "UTC");
  CHECK(rejects_number(s, std::int64_t{1} << 62));
  CHECK(rejects_number(s, std::int64_t{253402300800}));
  CHECK(rejects_number(s, std::int64_t{-62135596801}));
  CHECK(rejects_number(s, 253402300800.0));  // a double cannot tell it from kMaxEventTime
  CHECK(rejects_number(s, -62135596801.0));
  CHECK(num(s, 253402300799.0) == 253402300799LL * kS);
  CHECK(num(s, -62135596800.0) == sx::kMinEventTime);
  CHECK(rejects_number(s, std::numeric_limits<double>::quiet_NaN()));
  const TimeParser us("epoch-us", "UTC");
  CHECK(rejects_number(us, sx::kMaxEventTime + 1));
  CHECK(num(us, sx::kMaxEventTime) == sx::kMaxEventTime);
  CHECK(num(us, sx::kMinEventTime) == sx::kMinEventTime);
}

TEST_CASE("unknown zones and formats are usage errors that say what is accepted") {
  try {
    TimeParser("auto", "Europe/Pari");
    FAIL("no throw");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    CHECK(std::string(e.what()) ==
          "unknown time zone 'Europe/Pari' (use an IANA name such as Europe/Paris, UTC, or an "
          "offset such as +05:30)");
  }
  try {
    TimeParser("rfc-whatever", "UTC");
    FAIL("no throw");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    const std::string m = e.what();
    CHECK(m.find("'rfc-whatever'") != std::string::npos);
    for (const char* name : {"auto", "iso8601", "epoch-s", "epoch-ms", "epoch-us", "%Y"}) {
      CHECK(m.find(name) != std::string::npos);
    }
  }
  for (const char* zone : {"", "+99:00", "+24:00", "+5:30", "+05:30x", "-", "UTC+1", "utc2"}) {
    INFO("zone: ", zone);
    try {
      TimeParser("auto", zone);
      FAIL("no throw");
    } catch (const sx::Error& e) {
      CHECK(e.kind() == sx::Error::Kind::kUsage);
    }
  }
  for (const char* format : {"", "AUTO", "epoch", "epoch-ns", "iso"}) {
    INFO("format: ", format);
    CHECK_THROWS_AS(TimeParser(format, "UTC"), sx::Error);
  }
}

TEST_CASE("a moved parser keeps its settings") {
  TimeParser a("auto", "Europe/Paris");
  TimeParser b(std::move(a));
  CHECK(b.zone() == "Europe/Paris");
  CHECK(p(b, "2023-07-30 12:00:00") == kT);
  TimeParser c;
  c = std::move(b);
  CHECK(c.zone() == "Europe/Paris");
  CHECK(p(c, "2023-07-30 12:00:00") == kT);
}

TEST_CASE("issue 11 item 7: the end of the range, +10000-01-01T00:00:00Z, reads back") {
  const TimeParser tp;
  const TimeParser iso("iso8601", "UTC");
  EventTime t;
  // What format_time writes for the end of the last day's windows.
  CHECK(sx::format_time(EventTime{sx::kMaxEventTime + 1}) == "+10000-01-01T00:00:00Z");
  for (const TimeParser* parser : {&tp, &iso}) {
    REQUIRE(parser->parse("+10000-01-01T00:00:00Z", &t));
    CHECK(t.us == sx::kMaxEventTime + 1);
    REQUIRE(parser->parse("+10000-01-01T01:00:00.000+01:00", &t));
    CHECK(t.us == sx::kMaxEventTime + 1);
    // Nothing else past 9999.
    std::string why;
    CHECK(!parser->parse("+10000-01-01T00:00:00.000001Z", &t, &why));
    CHECK(why.find("outside years 0001-9999") != std::string::npos);
    CHECK(!parser->parse("+10001-01-01T00:00:00Z", &t));
    CHECK(!parser->parse("+1000x-01-01T00:00:00Z", &t));
    CHECK(!parser->parse("+10000-13-01T00:00:00Z", &t));
  }
  REQUIRE(tp.parse("9999-12-31T23:59:59.999999Z", &t));
  CHECK(t.us == sx::kMaxEventTime);
  REQUIRE(tp.parse("0001-01-01T00:00:00Z", &t));
  CHECK(t.us == sx::kMinEventTime);
}
