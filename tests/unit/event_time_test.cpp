#include "base/event_time.h"

#include <doctest/doctest.h>

using sx::EventTime;
using sx::format_time;

TEST_CASE("civil date arithmetic round-trips across eras") {
  CHECK(sx::days_from_civil(1970, 1, 1) == 0);
  CHECK(sx::days_from_civil(2000, 3, 1) == 11017);
  CHECK(sx::days_from_civil(1969, 12, 31) == -1);
  CHECK(sx::days_from_civil(1, 1, 1) == -719162);
  for (std::int64_t d : {-719162LL, -1LL, 0LL, 59LL, 11016LL, 19568LL, 2932896LL}) {
    const auto c = sx::civil_from_days(d);
    CHECK(sx::days_from_civil(c.year, c.month, c.day) == d);
  }
}

TEST_CASE("floor division rounds towards negative infinity") {
  CHECK(sx::floor_div(7, 2) == 3);
  CHECK(sx::floor_div(-7, 2) == -4);
  CHECK(sx::floor_mod(-7, 2) == 1);
  CHECK(sx::floor_mod(-60, 60) == 0);
  CHECK(sx::floor_mod(-1, 60) == 59);
}

TEST_CASE("format_time writes ISO-8601 UTC with fraction only when non-zero") {
  CHECK(format_time(EventTime{0}) == "1970-01-01T00:00:00Z");
  // 2023-07-30T10:00:00Z = 1690711200 s
  CHECK(format_time(EventTime{1690711200LL * 1000000}) == "2023-07-30T10:00:00Z");
  CHECK(format_time(EventTime{1690711200LL * 1000000 + 120000}) == "2023-07-30T10:00:00.120Z");
  CHECK(format_time(EventTime{1690711200LL * 1000000 + 5}) == "2023-07-30T10:00:00.000005Z");
  CHECK(format_time(EventTime{-1}) == "1969-12-31T23:59:59.999999Z");
  CHECK(format_time(EventTime{sx::kMinEventTime}) == "0001-01-01T00:00:00Z");
  CHECK(format_time(EventTime{sx::kMaxEventTime}) == "9999-12-31T23:59:59.999999Z");
  CHECK(format_time(EventTime::end()) == "+inf");
  CHECK(format_time(EventTime::none()) == "-inf");
  // leap day
  CHECK(format_time(EventTime{sx::days_from_civil(2024, 2, 29) * sx::kMicrosPerDay}) ==
        "2024-02-29T00:00:00Z");
}

TEST_CASE("issue 11 item 27: the watermark in whole milliseconds, as Spark") {
  using sx::EventTime;
  // 10.000900s counts as 10.000s; a delay of 2.0005s as 2.000s.
  CHECK(sx::next_watermark(EventTime{10000900}, 2000000).us == 8000000);
  CHECK(sx::next_watermark(EventTime{10000900}, 2000500).us == 8000000);
  CHECK(sx::next_watermark(EventTime{10000999}, 0).us == 10000000);
  // Before 1970 Scala's Long division truncates toward zero.
  CHECK(sx::next_watermark(EventTime{-1500}, 0).us == -1000);
}
