#include "state/window.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/time_parser.h"

using sx::Micros;
using sx::WindowKind;
using sx::WindowSpec;

namespace {

using Windows = std::vector<std::pair<Micros, Micros>>;

constexpr Micros kMin = sx::kMicrosPerMinute;
constexpr Micros kHour = sx::kMicrosPerHour;
constexpr Micros kDay = sx::kMicrosPerDay;

Micros T(const char* iso) {
  static const sx::TimeParser parser("iso8601", "UTC");
  sx::EventTime t;
  std::string why;
  const bool ok = parser.parse(iso, &t, &why);
  CAPTURE(why);
  REQUIRE(ok);
  return t.us;
}

std::string text(Micros t) { return sx::format_time(sx::EventTime{t}); }

WindowSpec tumbling(Micros size, Micros offset = 0, const std::string& zone = "UTC") {
  WindowSpec s;
  s.kind = WindowKind::kTumbling;
  s.size = s.slide = size;
  s.offset = offset;
  s.zone = zone;
  return s;
}

WindowSpec sliding(Micros size, Micros slide, Micros offset = 0, const std::string& zone = "UTC") {
  WindowSpec s;
  s.kind = WindowKind::kSliding;
  s.size = size;
  s.slide = slide;
  s.offset = offset;
  s.zone = zone;
  return s;
}

Windows assign(const sx::WindowAssigner& a, Micros t) {
  Windows w;
  a.assign(t, [&](Micros s, Micros e) { w.emplace_back(s, e); });
  return w;
}

// Every window [k*slide + offset, k*slide + offset + size) that contains t,
// latest start first, by enumerating k over a range that surely covers them.
Windows brute_force(Micros t, Micros size, Micros slide, Micros offset) {
  Windows w;
  const Micros k_hi = t / slide + 2, k_lo = (t - size) / slide - 2;
  for (Micros k = k_hi; k >= k_lo; --k) {
    const Micros s = k * slide + offset;
    if (s <= t && t < s + size) w.emplace_back(s, s + size);
  }
  return w;
}

template <class F>
std::optional<sx::Error::Kind> error_kind(F&& f) {
  try {
    f();
  } catch (const sx::Error& e) {
    return e.kind();
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("tumbling windows are aligned to the epoch") {
  const sx::WindowAssigner a(tumbling(10 * kMin));
  CHECK(a.max_windows() == 1);
  CHECK_FALSE(a.calendar());
  const Micros t = T("2023-07-30T12:34:56Z");
  CHECK(assign(a, t) == Windows{{T("2023-07-30T12:30:00Z"), T("2023-07-30T12:40:00Z")}});
  // Half-open: a window's start belongs to it, its end to the next.
  CHECK(assign(a, T("2023-07-30T12:30:00Z")) ==
        Windows{{T("2023-07-30T12:30:00Z"), T("2023-07-30T12:40:00Z")}});
  CHECK(assign(a, T("2023-07-30T12:40:00Z")) ==
        Windows{{T("2023-07-30T12:40:00Z"), T("2023-07-30T12:50:00Z")}});
  CHECK(assign(a, T("2023-07-30T12:39:59.999999Z")) ==
        Windows{{T("2023-07-30T12:30:00Z"), T("2023-07-30T12:40:00Z")}});
  CHECK(assign(a, 0) == Windows{{0, 10 * kMin}});
}

TEST_CASE("tumbling windows before 1970") {
  const sx::WindowAssigner a(tumbling(10 * kMin));
  CHECK(assign(a, -1) == Windows{{-10 * kMin, 0}});
  CHECK(assign(a, -10 * kMin) == Windows{{-10 * kMin, 0}});
  CHECK(assign(a, -10 * kMin - 1) == Windows{{-20 * kMin, -10 * kMin}});
  CHECK(assign(a, T("1969-12-31T23:55:00Z")) ==
        Windows{{T("1969-12-31T23:50:00Z"), T("1970-01-01T00:00:00Z")}});
  CHECK(assign(a, T("1900-03-01T10:07:00Z")) ==
        Windows{{T("1900-03-01T10:00:00Z"), T("1900-03-01T10:10:00Z")}});

  const sx::WindowAssigner day(tumbling(kDay));
  CHECK(assign(day, T("1969-07-20T20:17:40Z")) ==
        Windows{{T("1969-07-20T00:00:00Z"), T("1969-07-21T00:00:00Z")}});
  CHECK(assign(day, T("0001-01-01T00:00:00Z")) ==
        Windows{{T("0001-01-01T00:00:00Z"), T("0001-01-02T00:00:00Z")}});
}

TEST_CASE("tumbling windows with an offset") {
  const sx::WindowAssigner a(tumbling(10 * kMin, 3 * kMin));
  CHECK(assign(a, 0) == Windows{{-7 * kMin, 3 * kMin}});
  CHECK(assign(a, 3 * kMin) == Windows{{3 * kMin, 13 * kMin}});
  CHECK(assign(a, 3 * kMin - 1) == Windows{{-7 * kMin, 3 * kMin}});
  CHECK(assign(a, -7 * kMin - 1) == Windows{{-17 * kMin, -7 * kMin}});
  CHECK(assign(a, T("2023-07-30T12:34:56Z")) ==
        Windows{{T("2023-07-30T12:33:00Z"), T("2023-07-30T12:43:00Z")}});

  const sx::WindowAssigner neg(tumbling(10 * kMin, -3 * kMin));
  CHECK(assign(neg, 0) == Windows{{-3 * kMin, 7 * kMin}});
  CHECK(assign(neg, 7 * kMin) == Windows{{7 * kMin, 17 * kMin}});
  CHECK(assign(neg, -3 * kMin - 1) == Windows{{-13 * kMin, -3 * kMin}});

  // A day window with --offset 6h starts at 06:00 UTC.
  const sx::WindowAssigner day(tumbling(kDay, 6 * kHour));
  CHECK(assign(day, T("2023-07-30T05:59:59Z")) ==
        Windows{{T("2023-07-29T06:00:00Z"), T("2023-07-30T06:00:00Z")}});
  CHECK(assign(day, T("2023-07-30T06:00:00Z")) ==
        Windows{{T("2023-07-30T06:00:00Z"), T("2023-07-31T06:00:00Z")}});
}

TEST_CASE("sliding windows whose slide divides the size") {
  const sx::WindowAssigner a(sliding(10 * kMin, 5 * kMin));
  CHECK(a.max_windows() == 2);
  CHECK(assign(a, T("2023-07-30T12:07:00Z")) ==
        Windows{{T("2023-07-30T12:05:00Z"), T("2023-07-30T12:15:00Z")},
                {T("2023-07-30T12:00:00Z"), T("2023-07-30T12:10:00Z")}});
  CHECK(assign(a, T("2023-07-30T12:05:00Z")) ==
        Windows{{T("2023-07-30T12:05:00Z"), T("2023-07-30T12:15:00Z")},
                {T("2023-07-30T12:00:00Z"), T("2023-07-30T12:10:00Z")}});
}

TEST_CASE("sliding windows with a slide that does not divide the size match brute force") {
  // size 10, slide 3: a record is in 3 or 4 windows (ceil(10/3) = 4).
  struct Case {
    Micros size, slide;
  };
  for (const Case c :
       {Case{10, 3}, Case{10, 4}, Case{7, 2}, Case{9, 9}, Case{5, 1}, Case{11, 10}}) {
    for (Micros offset = -(c.slide - 1); offset < c.slide; ++offset) {
      CAPTURE(c.size);
      CAPTURE(c.slide);
      CAPTURE(offset);
      const sx::WindowAssigner a(sliding(c.size, c.slide, offset));
      const std::size_t most = static_cast<std::size_t>((c.size + c.slide - 1) / c.slide);
      const std::size_t least = static_cast<std::size_t>(c.size / c.slide);
      CHECK(a.max_windows() == most);
      std::size_t seen_most = 0, mismatches = 0;
      for (Micros t = -60; t <= 60; ++t) {
        const Windows got = assign(a, t);
        const Windows want = brute_force(t, c.size, c.slide, offset);
        if (got != want) {
          ++mismatches;
          CAPTURE(t);
          CHECK(got == want);
        }
        CHECK(got.size() <= most);
        CHECK(got.size() >= least);
        seen_most = std::max(seen_most, got.size());
      }
      CHECK(mismatches == 0);
      CHECK(seen_most == most);
    }
  }
  // The same in real units, across the epoch and far from it.
  const Micros size = 10 * kMin, slide = 3 * kMin;
  const sx::WindowAssigner a(sliding(size, slide));
  CHECK(a.max_windows() == 4);
  for (const Micros base : {Micros{0}, T("1969-12-31T22:00:00Z"), T("2023-07-30T10:00:00Z")}) {
    for (Micros t = base - 30 * kMin; t <= base + 30 * kMin; t += 7 * sx::kMicrosPerSecond) {
      CAPTURE(text(t));
      CHECK(assign(a, t) == brute_force(t, size, slide, 0));
    }
  }
  // 10:00 is a multiple of 3 minutes since the epoch: four windows.
  CHECK(assign(a, T("2023-07-30T10:00:00Z")) ==
        Windows{{T("2023-07-30T10:00:00Z"), T("2023-07-30T10:10:00Z")},
                {T("2023-07-30T09:57:00Z"), T("2023-07-30T10:07:00Z")},
                {T("2023-07-30T09:54:00Z"), T("2023-07-30T10:04:00Z")},
                {T("2023-07-30T09:51:00Z"), T("2023-07-30T10:01:00Z")}});
  CHECK(assign(a, T("2023-07-30T10:01:00Z")) ==
        Windows{{T("2023-07-30T10:00:00Z"), T("2023-07-30T10:10:00Z")},
                {T("2023-07-30T09:57:00Z"), T("2023-07-30T10:07:00Z")},
                {T("2023-07-30T09:54:00Z"), T("2023-07-30T10:04:00Z")}});
}

TEST_CASE("calendar day windows in Europe/Paris across DST") {
  const sx::WindowAssigner a(tumbling(kDay, 0, "Europe/Paris"));
  CHECK(a.calendar());
  CHECK(a.max_windows() == 1);

  // 2024-03-31: clocks go from 02:00 to 03:00, the local day lasts 23 hours.
  Windows w = assign(a, T("2024-03-31T12:00:00Z"));
  REQUIRE(w.size() == 1);
  CHECK(text(w[0].first) == "2024-03-30T23:00:00Z");
  CHECK(text(w[0].second) == "2024-03-31T22:00:00Z");
  CHECK(w[0].second - w[0].first == 23 * kHour);
  // Local midnight of that day belongs to it; the instant before to the day before.
  CHECK(assign(a, T("2024-03-30T23:00:00Z")) == w);
  CHECK(assign(a, T("2024-03-31T21:59:59.999999Z")) == w);
  CHECK(assign(a, T("2024-03-30T22:59:59Z")) ==
        Windows{{T("2024-03-29T23:00:00Z"), T("2024-03-30T23:00:00Z")}});
  CHECK(assign(a, T("2024-03-31T22:00:00Z")) ==
        Windows{{T("2024-03-31T22:00:00Z"), T("2024-04-01T22:00:00Z")}});
  // Either side of the jump itself (01:00Z = 02:00 CET = 03:00 CEST).
  CHECK(assign(a, T("2024-03-31T00:59:59Z")) == w);
  CHECK(assign(a, T("2024-03-31T01:00:00Z")) == w);

  // 2024-10-27: clocks go from 03:00 back to 02:00, the local day lasts 25 hours.
  w = assign(a, T("2024-10-27T12:00:00Z"));
  REQUIRE(w.size() == 1);
  CHECK(text(w[0].first) == "2024-10-26T22:00:00Z");
  CHECK(text(w[0].second) == "2024-10-27T23:00:00Z");
  CHECK(w[0].second - w[0].first == 25 * kHour);
  // Both passes through 02:30 local are in it.
  CHECK(assign(a, T("2024-10-27T00:30:00Z")) == w);
  CHECK(assign(a, T("2024-10-27T01:30:00Z")) == w);
  CHECK(assign(a, T("2024-10-27T22:59:59Z")) == w);
  CHECK(assign(a, T("2024-10-27T23:00:00Z")) ==
        Windows{{T("2024-10-27T23:00:00Z"), T("2024-10-28T23:00:00Z")}});
  // An ordinary summer day: 24 hours from 22:00Z.
  CHECK(assign(a, T("2024-07-14T12:00:00Z")) ==
        Windows{{T("2024-07-13T22:00:00Z"), T("2024-07-14T22:00:00Z")}});
}

TEST_CASE("calendar windows: every instant of a DST year is in exactly one local day") {
  const sx::WindowAssigner a(tumbling(kDay, 0, "Europe/Paris"));
  const sx::TimeParser paris("iso8601", "Europe/Paris");
  std::pair<Micros, Micros> prev{0, 0};
  std::size_t days = 0, short_days = 0, long_days = 0;
  for (Micros t = T("2024-01-01T00:00:00Z"); t < T("2025-01-01T00:00:00Z"); t += 37 * kMin) {
    const Windows w = assign(a, t);
    REQUIRE(w.size() == 1);
    const auto [s, e] = w[0];
    CHECK(s <= t);
    CHECK(t < e);
    if (w[0] == prev) continue;
    // A new local day: it starts at local midnight, where the previous one ended.
    CAPTURE(text(s));
    CHECK(sx::floor_mod(s + paris.utc_offset(s), kDay) == 0);
    if (prev.second != 0) CHECK(s == prev.second);
    prev = w[0];
    ++days;
    if (e - s == 23 * kHour)
      ++short_days;
    else if (e - s == 25 * kHour)
      ++long_days;
    else
      CHECK(e - s == kDay);
  }
  CHECK(short_days == 1);
  CHECK(long_days == 1);
  CHECK(days >= 366);
}

TEST_CASE("calendar days when local midnight does not exist") {
  // America/Sao_Paulo, 2018-11-04: clocks went from 00:00 (-03) to 01:00 (-02).
  // The day starts at the first instant that exists, 01:00 -02 (03:00Z), as a
  // naive time in the gap is moved forward (java.time), and lasts 23 hours.
  const sx::WindowAssigner a(tumbling(kDay, 0, "America/Sao_Paulo"));
  REQUIRE(a.calendar());
  const Windows day{{T("2018-11-04T03:00:00Z"), T("2018-11-05T02:00:00Z")}};
  CHECK(assign(a, T("2018-11-04T03:00:00Z")) == day);
  CHECK(assign(a, T("2018-11-04T15:00:00Z")) == day);
  CHECK(assign(a, T("2018-11-05T01:59:59Z")) == day);
  // The day before ends where it starts: 24 hours.
  CHECK(assign(a, T("2018-11-04T02:59:59Z")) ==
        Windows{{T("2018-11-03T03:00:00Z"), T("2018-11-04T03:00:00Z")}});
}

TEST_CASE("calendar windows with an offset start at the offset's local hour") {
  const sx::WindowAssigner a(tumbling(kDay, 6 * kHour, "Europe/Paris"));
  CHECK(a.calendar());
  // 14:00 CEST on the spring day: [2024-03-31 06:00 CEST, 2024-04-01 06:00 CEST).
  CHECK(assign(a, T("2024-03-31T12:00:00Z")) ==
        Windows{{T("2024-03-31T04:00:00Z"), T("2024-04-01T04:00:00Z")}});
  // 05:00 CEST, before 06:00: the window from 06:00 CET the day before, 23 hours long.
  CHECK(assign(a, T("2024-03-31T03:00:00Z")) ==
        Windows{{T("2024-03-30T05:00:00Z"), T("2024-03-31T04:00:00Z")}});
}

TEST_CASE("calendar sliding windows in Europe/Paris") {
  const sx::WindowAssigner a(sliding(2 * kDay, kDay, 0, "Europe/Paris"));
  CHECK(a.calendar());
  CHECK(a.max_windows() == 2);
  CHECK(assign(a, T("2024-03-31T12:00:00Z")) ==
        Windows{{T("2024-03-30T23:00:00Z"), T("2024-04-01T22:00:00Z")},
                {T("2024-03-29T23:00:00Z"), T("2024-03-31T22:00:00Z")}});
}

TEST_CASE("only whole-day windows outside UTC are calendar windows") {
  CHECK_FALSE(sx::WindowAssigner(tumbling(kDay)).calendar());
  CHECK_FALSE(sx::WindowAssigner(tumbling(kHour, 0, "Europe/Paris")).calendar());
  CHECK_FALSE(sx::WindowAssigner(sliding(kDay, kHour, 0, "Europe/Paris")).calendar());
  CHECK(sx::WindowAssigner(tumbling(7 * kDay, 0, "Europe/Paris")).calendar());
  // An hour window in Paris is the UTC hour (Paris is a whole number of hours off).
  const sx::WindowAssigner h(tumbling(kHour, 0, "Europe/Paris"));
  CHECK(assign(h, T("2024-03-31T01:30:00Z")) ==
        Windows{{T("2024-03-31T01:00:00Z"), T("2024-03-31T02:00:00Z")}});
  // A UTC day is 24 hours whatever happens in Paris.
  const sx::WindowAssigner utc(tumbling(kDay));
  CHECK(assign(utc, T("2024-03-31T12:00:00Z")) ==
        Windows{{T("2024-03-31T00:00:00Z"), T("2024-04-01T00:00:00Z")}});
}

TEST_CASE("window specs Spark refuses are usage errors") {
  const auto usage = sx::Error::Kind::kUsage;
  // The offset must be shorter than the slide, either way.
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(10 * kMin, 10 * kMin)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(10 * kMin, -10 * kMin)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(10 * kMin, 11 * kMin)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{sliding(10 * kMin, 3 * kMin, 3 * kMin)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{sliding(10 * kMin, 3 * kMin, -3 * kMin)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(10 * kMin, 10 * kMin - 1)}; }) == std::nullopt);
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(10 * kMin, -10 * kMin + 1)}; }) ==
        std::nullopt);
  CHECK(error_kind([] { sx::WindowAssigner{sliding(10 * kMin, 3 * kMin, 2 * kMin)}; }) ==
        std::nullopt);
  // A slide longer than the size would lose records.
  CHECK(error_kind([] { sx::WindowAssigner{sliding(5 * kMin, 10 * kMin)}; }) == usage);
  // Sizes and slides must be positive.
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(0)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{sliding(10 * kMin, 0)}; }) == usage);
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(-kMin)}; }) == usage);
  // Unknown zones.
  CHECK(error_kind([] { sx::WindowAssigner{tumbling(kDay, 0, "Mars/Olympus_Mons")}; }) == usage);
  try {
    sx::WindowAssigner{tumbling(10 * kMin, 10 * kMin)};
    FAIL("no error");
  } catch (const sx::Error& e) {
    const std::string m = e.what();
    CHECK(m.find("--offset") != std::string::npos);
    CHECK(m.find("10m") != std::string::npos);
  }
  // Session windows take no size.
  WindowSpec session;
  session.kind = WindowKind::kSession;
  session.gap = 5 * kMin;
  CHECK(error_kind([&] { sx::WindowAssigner{session}; }) == std::nullopt);
}

TEST_CASE("issue 11 item 5: window bounds written in the window zone, with its offset") {
  const auto bound = [](const sx::WindowAssigner& a, Micros t) {
    char buf[sx::kMaxTimeText];
    return std::string(buf, a.format_bound(t, buf));
  };
  const sx::WindowAssigner paris(tumbling(kDay, 0, "Europe/Paris"));
  CHECK_FALSE(paris.utc());
  // The 25-hour day: it starts at CEST midnight and ends at CET midnight.
  CHECK(bound(paris, T("2024-10-26T22:00:00Z")) == "2024-10-27T00:00:00+02:00");
  CHECK(bound(paris, T("2024-10-27T23:00:00Z")) == "2024-10-28T00:00:00+01:00");
  CHECK(bound(paris, T("2024-07-01T10:00:00.5Z")) == "2024-07-01T12:00:00.500+02:00");
  // Every reader gets the instants back.
  const sx::TimeParser iso("iso8601", "UTC");
  sx::EventTime back;
  REQUIRE(iso.parse("2024-10-28T00:00:00+01:00", &back));
  CHECK(back.us == T("2024-10-27T23:00:00Z"));
  // West of UTC, a fixed offset, and UTC itself.
  CHECK(bound(sx::WindowAssigner(tumbling(kHour, 0, "America/New_York")),
              T("2024-01-01T05:00:00Z")) == "2024-01-01T00:00:00-05:00");
  CHECK(bound(sx::WindowAssigner(tumbling(kHour, 0, "+05:30")), T("2024-01-01T00:00:00Z")) ==
        "2024-01-01T05:30:00+05:30");
  const sx::WindowAssigner utc(tumbling(kDay));
  CHECK(utc.utc());
  CHECK(bound(utc, T("2024-01-01T00:00:00Z")) == "2024-01-01T00:00:00Z");
  // An offset in seconds (Paris mean time before 1911) has no ISO-8601 form: UTC.
  CHECK(bound(paris, T("1900-01-01T00:00:00Z")) == "1900-01-01T00:00:00Z");
  // Outside years 0001..9999 once shifted, and the infinities: UTC as well.
  char buf[sx::kMaxTimeText];
  CHECK(std::string(buf, sx::format_time_at_offset(sx::EventTime{sx::kMaxEventTime}, kHour, buf)) ==
        sx::format_time(sx::EventTime{sx::kMaxEventTime}));
  CHECK(std::string(buf, sx::format_time_at_offset(sx::EventTime::end(), kHour, buf)) == "+inf");
}
