// EventTimeField: its same-hour fast path must agree with TimeParser on every
// input, accepted or not.
#include "stream/record_time.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "base/time_parser.h"

namespace {

sx::JsonValue str(const std::string& s) {
  sx::JsonValue v;
  v.type = sx::JsonType::kString;
  v.text = s;
  return v;
}

}  // namespace

TEST_CASE("EventTimeField agrees with TimeParser, within an hour and across hours") {
  sx::StreamInfo info;
  info.time_field = "ts";
  const sx::EventTimeField field(info);
  const sx::TimeParser parser("auto", "UTC");
  std::mt19937_64 rng(42);
  const auto digits = [&](int n) {
    std::string d;
    for (int k = 0; k < n; ++k) d += static_cast<char>('0' + rng() % 10);
    return d;
  };
  int checked = 0, fast_shape = 0;
  for (int i = 0; i < 20000; ++i) {
    char head[32];
    // Few hours (many same-hour hits); minutes and seconds 60 and 61 are invalid.
    std::snprintf(head, sizeof head, "2024-02-29T%02d:%02d:%02d", static_cast<int>(rng() % 3),
                  static_cast<int>(rng() % 62), static_cast<int>(rng() % 62));
    std::string text = head;
    switch (rng() % 10) {
      case 0:
        text += "Z";
        break;
      case 1:
        text += "." + digits(1 + static_cast<int>(rng() % 9)) + "Z";
        break;
      case 2:
        text += "." + digits(3) + "Z";
        break;
      case 3:
        text += "." + digits(6) + "Z";
        break;
      case 4:
        text += "." + digits(9) + "Z";
        break;
      case 5:
        break;  // naive: UTC by the zone
      case 6:
        text += "+01:00";
        break;
      case 7:
        text += ".Z";
        break;
      case 8:
        text += "." + digits(10) + "Z";
        break;
      default: {  // a non-digit anywhere in the fraction
        std::string f = digits(1 + static_cast<int>(rng() % 9));
        f[rng() % f.size()] = "x:/ "[rng() % 4];
        text += "." + f + "Z";
        break;
      }
    }
    sx::EventTime want{0}, got{0};
    std::string why;
    sx::BadKind kind;
    const bool ok_want = parser.parse(text, &want, &why);
    const bool ok_got = field.convert(str(text), &got, &kind, &why);
    CAPTURE(text);
    REQUIRE(ok_got == ok_want);
    if (ok_want) REQUIRE(got == want);
    if (ok_want && text.back() == 'Z') ++fast_shape;
    ++checked;
  }
  CHECK(checked == 20000);
  CHECK(fast_shape > 5000);
  // A byte of the minutes and seconds, or a colon, replaced after a string of
  // the same hour was read (the fast path reads "H:MM:SS" as one word).
  for (int i = 0; i < 2000; ++i) {
    char head[40];
    std::snprintf(head, sizeof head, "2024-02-29T01:%02d:%02d.%06dZ", static_cast<int>(rng() % 60),
                  static_cast<int>(rng() % 60), static_cast<int>(rng() % 1000000));
    std::string text = head;
    sx::EventTime want{0}, got{0};
    std::string why;
    sx::BadKind kind;
    REQUIRE(field.convert(str(text), &got, &kind, &why));
    text[13 + rng() % 6] = "0x:/9 .-\x80"[rng() % 9];
    const bool ok_want = parser.parse(text, &want, &why);
    const bool ok_got = field.convert(str(text), &got, &kind, &why);
    CAPTURE(text);
    REQUIRE(ok_got == ok_want);
    if (ok_want) REQUIRE(got == want);
  }
}

TEST_CASE("EventTimeField adds the header's shift") {
  sx::StreamInfo info;
  info.time_field = "window_end";
  info.time_shift = -1;
  const sx::EventTimeField field(info);
  sx::EventTime t;
  std::string why;
  sx::BadKind kind;
  REQUIRE(field.convert(str("2023-07-30T10:01:00Z"), &t, &kind, &why));
  CHECK(sx::format_time(t) == "2023-07-30T10:00:59.999999Z");
  REQUIRE(field.convert(str("2023-07-30T10:02:00Z"), &t, &kind, &why));  // the same hour: fast path
  CHECK(sx::format_time(t) == "2023-07-30T10:01:59.999999Z");
}

TEST_CASE("EventTimeField's same-minute path for clf times agrees with TimeParser") {
  const std::string fmt = "%d/%b/%Y:%H:%M:%S %z";
  sx::StreamInfo info;
  info.time_field = "time_local";
  info.time_format = fmt;
  const sx::EventTimeField field(info);
  const sx::TimeParser parser(fmt, "UTC");
  std::mt19937_64 rng(7);
  int checked = 0, accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    // Few minutes, days and offsets (many same-minute hits); seconds 60-62,
    // day 30 of February and a "x" in the seconds are invalid.
    char text[64];
    const char* sign = rng() % 2 ? "+" : "-";
    std::snprintf(text, sizeof text, "%02d/Feb/2024:23:%02d:%02d %s%02d00",
                  28 + static_cast<int>(rng() % 3), 58 + static_cast<int>(rng() % 2),
                  static_cast<int>(rng() % 63), sign, static_cast<int>(rng() % 2));
    std::string s = text;
    if (rng() % 20 == 0) s[18 + rng() % 2] = 'x';
    sx::EventTime want{0}, got{0};
    std::string why;
    sx::BadKind kind;
    const bool ok_want = parser.parse(s, &want, &why);
    const bool ok_got = field.convert(str(s), &got, &kind, &why);
    CAPTURE(s);
    REQUIRE(ok_got == ok_want);
    if (ok_want) REQUIRE(got == want);
    accepted += ok_want;
    ++checked;
  }
  CHECK(checked == 20000);
  CHECK(accepted > 10000);
}
