#include "base/duration.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "base/error.h"

using sx::format_duration;
using sx::Micros;
using sx::parse_duration;

namespace {

constexpr Micros kMs = 1000;
constexpr Micros kS = 1000 * kMs;
constexpr Micros kMin = 60 * kS;
constexpr Micros kH = 60 * kMin;
constexpr Micros kD = 24 * kH;
constexpr Micros kW = 7 * kD;

// The message of the usage_error that parse_duration throws, or "" if none.
std::string error_of(std::string_view text, bool allow_zero = false) {
  try {
    parse_duration(text, allow_zero);
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("compact durations") {
  CHECK(parse_duration("250ms") == 250 * kMs);
  CHECK(parse_duration("90s") == 90 * kS);
  CHECK(parse_duration("10m") == 10 * kMin);
  CHECK(parse_duration("1h30m") == 90 * kMin);
  CHECK(parse_duration("1m30s") == 90 * kS);
  CHECK(parse_duration("2h0m") == 2 * kH);
  CHECK(parse_duration("2d") == 2 * kD);
  CHECK(parse_duration("1w") == kW);
  CHECK(parse_duration("500us") == 500);
  CHECK(parse_duration("500\xc2\xb5s") == 500);  // µs
  CHECK(parse_duration("1w2d3h4m5s6ms7us") ==
        kW + 2 * kD + 3 * kH + 4 * kMin + 5 * kS + 6 * kMs + 7);
  CHECK(parse_duration("1h 30m") == 90 * kMin);
  CHECK(parse_duration("10M") == 10 * kMin);  // units in any case
  CHECK(parse_duration("1H30M") == 90 * kMin);
}

TEST_CASE("fractions, truncated below a microsecond") {
  CHECK(parse_duration("1.5h") == 90 * kMin);
  CHECK(parse_duration("0.5s") == 500 * kMs);
  CHECK(parse_duration("0.25m") == 15 * kS);
  CHECK(parse_duration("1.5ms") == 1500);
  CHECK(parse_duration("0.1d") == 8640 * kS);
  CHECK(parse_duration("0.0000015s") == 1);
  CHECK(parse_duration("1.9us") == 1);
  CHECK(parse_duration("0.123456789012345s") == 123456);
}

TEST_CASE("whitespace around the text is ignored") {
  CHECK(parse_duration(" 0.5s ") == 500 * kMs);
  CHECK(parse_duration("\t10m\n") == 10 * kMin);
  CHECK(parse_duration("  10 minutes  ") == 10 * kMin);
}

TEST_CASE("Spark's spelling") {
  CHECK(parse_duration("10 minutes") == 10 * kMin);
  CHECK(parse_duration("1 minute") == kMin);
  CHECK(parse_duration("1 hour") == kH);
  CHECK(parse_duration("1 hour 30 minutes") == 90 * kMin);
  CHECK(parse_duration("1 hour and 30 minutes") == 90 * kMin);
  CHECK(parse_duration("30 seconds") == 30 * kS);
  CHECK(parse_duration("1 second") == kS);
  CHECK(parse_duration("100 milliseconds") == 100 * kMs);
  CHECK(parse_duration("1 millisecond") == kMs);
  CHECK(parse_duration("5 microseconds") == 5);
  CHECK(parse_duration("2 days") == 2 * kD);
  CHECK(parse_duration("1 day") == kD);
  CHECK(parse_duration("1 week") == kW);
  CHECK(parse_duration("2 weeks") == 2 * kW);
  CHECK(parse_duration("10 min") == 10 * kMin);
  CHECK(parse_duration("10 sec") == 10 * kS);
  CHECK(parse_duration("2 hrs") == 2 * kH);
  CHECK(parse_duration("1.5 hours") == 90 * kMin);
  CHECK(parse_duration("10 Minutes") == 10 * kMin);
  CHECK(parse_duration("interval 10 minutes") == 10 * kMin);
  CHECK(parse_duration("INTERVAL 1 hour") == kH);
  CHECK(parse_duration("1  hour   30 minutes") == 90 * kMin);
}

TEST_CASE("ISO-8601 durations") {
  CHECK(parse_duration("PT10M") == 10 * kMin);
  CHECK(parse_duration("PT1H30M") == 90 * kMin);
  CHECK(parse_duration("P1D") == kD);
  CHECK(parse_duration("P1DT12H") == 36 * kH);
  CHECK(parse_duration("PT0.5S") == 500 * kMs);
  CHECK(parse_duration("PT90S") == 90 * kS);
  CHECK(parse_duration("P1W") == kW);
  CHECK(parse_duration("P1W2D") == 9 * kD);
  CHECK(parse_duration("P1DT1H1M1.5S") == kD + kH + kMin + 1500 * kMs);
  CHECK(parse_duration("pt10m") == 10 * kMin);
  CHECK(parse_duration(" PT10M ") == 10 * kMin);
}

TEST_CASE("zero is allowed only where it means something") {
  for (const char* zero : {"0", "0s", "0ms", "0 seconds", "PT0S", "P0D", "0h0m", " 0 "}) {
    INFO(zero);
    CHECK(parse_duration(zero, true) == 0);
    CHECK(error_of(zero).find("must be greater than zero") != std::string::npos);
  }
}

TEST_CASE("malformed durations name the text and the spellings") {
  for (const char* bad : {"",
                          " ",
                          "10",
                          "1.5",
                          "00",
                          "10x",
                          "-5m",
                          "-0s",
                          "+5m",
                          "m",
                          "s10",
                          "1h30",
                          "10 m s",
                          "5.s",
                          ".5s",
                          "1..5s",
                          "1,5h",
                          "1h-5m",
                          "1 hour and",
                          "and 1 hour",
                          "interval",
                          "interval10m",
                          "P",
                          "PT",
                          "P1DT",
                          "P1M",
                          "P1Y",
                          "PT1Y",
                          "P1H",
                          "PT1D",
                          "PT1M1H",
                          "PT1H1H",
                          "P1D1W",
                          "P1DT1HT1M",
                          "PT10",
                          "PTM",
                          "P-1D",
                          "-PT5M",
                          "PT5M junk",
                          "1 month",
                          "2 years",
                          "3mo",
                          "10 lightyears",
                          "10 minutes ago",
                          "99999999999999999999w",
                          "20000000w",
                          "99999999999999999999999999999999999999999999s",
                          "1e3s",
                          "0x10s",
                          "∞s"}) {
    INFO("text: ", bad);
    const std::string m = error_of(bad);
    CHECK(m.find("invalid duration '" + std::string(bad) + "'") == 0);
    CHECK(m.find("(examples: 250ms, 90s, 10m, 1h30m, '10 minutes', PT10M)") != std::string::npos);
    CHECK(error_of(bad, true) == m);  // allow_zero changes nothing for these
  }
  CHECK(error_of("10x") ==
        "invalid duration '10x': unknown unit 'x' (examples: 250ms, 90s, 10m, 1h30m, "
        "'10 minutes', PT10M)");
  CHECK(error_of("-5m").find("negative") != std::string::npos);
  CHECK(error_of("10").find("needs a unit") != std::string::npos);
  CHECK(error_of("P1M").find("calendar months belong to windows, not durations") !=
        std::string::npos);
  CHECK(error_of("1 month").find("calendar months belong to windows") != std::string::npos);
  CHECK(error_of("99999999999999999999w").find("too large") != std::string::npos);
  CHECK(error_of("PT1M1H").find("order") != std::string::npos);
}

TEST_CASE("the largest duration is the event-time range") {
  const Micros max = sx::kMaxEventTime - sx::kMinEventTime;
  CHECK(parse_duration(std::to_string(max) + "us") == max);
  CHECK(error_of(std::to_string(max + 1) + "us").find("too large") != std::string::npos);
  CHECK(error_of(format_duration(max) + "1us").find("too large") != std::string::npos);
  CHECK(parse_duration("500000w") == 500000 * kW);  // about 9,600 years
  CHECK(error_of("600000w").find("too large") != std::string::npos);
}

TEST_CASE("format_duration: largest units first, no zero parts") {
  CHECK(format_duration(5400 * kS) == "1h30m");
  CHECK(format_duration(250 * kMs) == "250ms");
  CHECK(format_duration(1500) == "1ms500us");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(kD) == "1d");
  CHECK(format_duration(kW) == "1w");
  CHECK(format_duration(90 * kS) == "1m30s");
  CHECK(format_duration(1) == "1us");
  CHECK(format_duration(999) == "999us");
  CHECK(format_duration(kS) == "1s");
  CHECK(format_duration(kW + kD + kH + kMin + kS + kMs + 1) == "1w1d1h1m1s1ms1us");
  CHECK(format_duration(14 * kD) == "2w");
  CHECK(format_duration(8 * kD + kH) == "1w1d1h");
  CHECK(format_duration(kH + 1) == "1h1us");
  CHECK(format_duration(-90 * kS) == "-1m30s");
  // The most negative value has no positive twin; it must still be written.
  CHECK(format_duration(std::numeric_limits<Micros>::min()).front() == '-');
}

TEST_CASE("parse_duration(format_duration(d)) == d over many magnitudes") {
  const Micros max = sx::kMaxEventTime - sx::kMinEventTime;
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    // A random number of random digits, so that every unit gets exercised.
    const int digits = static_cast<int>(next() % 18) + 1;
    std::uint64_t limit = 1;
    for (int k = 0; k < digits; ++k) limit *= 10;
    const Micros d = static_cast<Micros>(next() % limit) % (max + 1);
    const std::string s = format_duration(d);
    INFO("d = ", d, " spelled ", s);
    REQUIRE(parse_duration(s, true) == d);
    ++checked;
  }
  for (Micros d : {Micros{0}, Micros{1}, Micros{999}, Micros{1000}, kS - 1, kS, kMin - 1, kH - 1,
                   kD - 1, kW - 1, kW, 61 * kS + 7, 8 * kD + kH + 1, max, max - 1}) {
    INFO("d = ", d);
    CHECK(parse_duration(format_duration(d), true) == d);
    ++checked;
  }
  CHECK(checked == 20015);
}
