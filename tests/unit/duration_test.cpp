#include "duration.h"

#include <doctest/doctest.h>

#include "error.h"

using sx::format_duration;
using sx::parse_duration;

constexpr sx::Micros kS = 1000000;

TEST_CASE("compact durations") {
  CHECK(parse_duration("250ms") == 250000);
  CHECK(parse_duration("90s") == 90 * kS);
  CHECK(parse_duration("10m") == 600 * kS);
  CHECK(parse_duration("1h30m") == 5400 * kS);
  CHECK(parse_duration("2d") == 2 * 86400 * kS);
  CHECK(parse_duration("1w") == 7 * 86400 * kS);
  CHECK(parse_duration("500us") == 500);
  CHECK(parse_duration("1.5h") == 5400 * kS);
  CHECK(parse_duration(" 0.5s ") == 500000);
}

TEST_CASE("Spark's spelling") {
  CHECK(parse_duration("10 minutes") == 600 * kS);
  CHECK(parse_duration("1 minute") == 60 * kS);
  CHECK(parse_duration("1 hour 30 minutes") == 5400 * kS);
  CHECK(parse_duration("30 seconds") == 30 * kS);
  CHECK(parse_duration("100 milliseconds") == 100000);
  CHECK(parse_duration("2 days") == 2 * 86400 * kS);
}

TEST_CASE("ISO-8601 durations") {
  CHECK(parse_duration("PT10M") == 600 * kS);
  CHECK(parse_duration("PT1H30M") == 5400 * kS);
  CHECK(parse_duration("P1D") == 86400 * kS);
  CHECK(parse_duration("P1DT12H") == 36 * 3600 * kS);
  CHECK(parse_duration("PT0.5S") == 500000);
  CHECK(parse_duration("P1W") == 7 * 86400 * kS);
}

TEST_CASE("zero is allowed only where it means something") {
  CHECK(parse_duration("0", true) == 0);
  CHECK(parse_duration("0s", true) == 0);
  CHECK(parse_duration("PT0S", true) == 0);
  CHECK_THROWS_AS(parse_duration("0"), sx::Error);
  CHECK_THROWS_AS(parse_duration("0s"), sx::Error);
}

TEST_CASE("malformed durations name the text") {
  for (const char* bad : {"", "10", "10x", "-5m", "m", "1h30", "P1M", "P1Y", "PT", "1 month",
                          "10 lightyears", "99999999999999999999w"}) {
    INFO(bad);
    try {
      parse_duration(bad);
      FAIL("no throw");
    } catch (const sx::Error& e) {
      CHECK(e.kind() == sx::Error::Kind::kUsage);
      CHECK(std::string(e.what()).find("invalid duration '" + std::string(bad) + "'") == 0);
    }
  }
}

TEST_CASE("format_duration is the shortest compact spelling and round-trips") {
  CHECK(format_duration(5400 * kS) == "1h30m");
  CHECK(format_duration(250000) == "250ms");
  CHECK(format_duration(1500) == "1ms500us");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(86400 * kS) == "1d");
  CHECK(format_duration(7 * 86400 * kS) == "1w");
  CHECK(format_duration(90 * kS) == "1m30s");
  for (sx::Micros d : {sx::Micros{1}, sx::Micros{999}, 61 * kS + 7, 8 * 86400 * kS + 3600 * kS + 1}) {
    CHECK(parse_duration(format_duration(d)) == d);
  }
}
