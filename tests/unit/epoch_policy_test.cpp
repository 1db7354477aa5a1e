// The epoch and watermark policy of a source (lib/source/epoch_policy.h),
// driven by a fake clock.
#include "source/epoch_policy.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

namespace {

using sx::EpochPolicy;
using sx::EventTime;
using sx::Micros;

// A clock the test moves; counts how often it is read.
struct FakeClock final : sx::Clock {
  Micros t = 1000000;
  Micros step = 0;  // added after each read
  int reads = 0;
  Micros now() override {
    ++reads;
    const Micros r = t;
    t += step;
    return r;
  }
};

// Feeds `files` files of `per_file[i]` records each; returns the record
// counts after which an epoch ended (a file end counted where it happens).
std::vector<std::uint64_t> boundaries(EpochPolicy& p, sx::Clock& clock,
                                      const std::vector<std::uint64_t>& per_file) {
  std::vector<std::uint64_t> ends;
  std::uint64_t n = 0;
  for (const std::uint64_t records : per_file) {
    for (std::uint64_t i = 0; i < records; ++i) {
      ++n;
      if (p.add_record()) {
        p.end_epoch(clock.now());
        ends.push_back(n);
      }
    }
    if (p.add_file() && p.open()) {
      p.end_epoch(clock.now());
      ends.push_back(n);
    }
  }
  return ends;
}

}  // namespace

TEST_CASE("issue 12: file epochs do not depend on the clock, which they never read") {
  const std::vector<std::uint64_t> files{700, 1, 0, 2500, 300};
  for (const auto& limits :
       std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 0}, {1000, 0}, {0, 2}, {256, 3}}) {
    FakeClock still;  // a clock that stands still
    EpochPolicy a(limits.first, limits.second, -1, still);
    const auto ref = boundaries(a, still, files);
    FakeClock racing;  // a clock that jumps 1 s per read
    racing.step = 1000000;
    EpochPolicy b(limits.first, limits.second, -1, racing);
    CHECK(boundaries(b, racing, files) == ref);
    CHECK(a.state().next_epoch == b.state().next_epoch);
    // Only end_epoch's own reads (for a live epoch's opening time).
    CHECK(racing.reads == static_cast<int>(ref.size()));
  }
  // The defaults: one epoch per file; a record limit alone spans files.
  FakeClock c;
  EpochPolicy per_file(0, 0, -1, c);
  CHECK(boundaries(per_file, c, files) == std::vector<std::uint64_t>{700, 701, 3201, 3501});
  EpochPolicy by_records(1000, 0, -1, c);
  CHECK(boundaries(by_records, c, files) == std::vector<std::uint64_t>{1000, 2000, 3000});
}

TEST_CASE("issue 12: a live epoch ends when it has been open for the bound") {
  FakeClock c;
  EpochPolicy p(100000, 0, -1, c);
  p.set_live(10000, 100000, false);  // 10 ms bound, 100 ms idle
  // A record every 10 us: the clock is read every 256 records, so the epoch
  // ends at the first multiple of 256 at or after 10 ms (1000 records).
  std::uint64_t ended_at = 0;
  for (std::uint64_t i = 1; i <= 5000 && ended_at == 0; ++i) {
    c.t += 10;
    if (p.add_record()) ended_at = i;
  }
  CHECK(ended_at == 1024);
  p.end_epoch(c.now());
  // Waiting: no epoch open, wait for ever; the next one opens at the wait.
  CHECK(p.wait_deadline(c.t, c.t) == EpochPolicy::kNever);
  const Micros opened = c.t;
  c.t += 50000;  // 50 ms later, a record
  CHECK_FALSE(p.add_record());
  // The epoch opened at the wait before its record: already past its bound.
  CHECK(p.wait_deadline(c.t, c.t) == opened + 10000);
  p.end_epoch(c.t);
  // Quiet input: the idle time ends the epoch when shorter than the bound.
  p.set_live(10000, 3000, false);
  CHECK(p.wait_deadline(c.t, c.t) == EpochPolicy::kNever);
  CHECK_FALSE(p.add_record());
  CHECK(p.wait_deadline(c.t + 500, c.t + 500) == c.t + 3500);
  CHECK(p.wait_deadline(c.t + 2000, c.t + 500) == c.t + 3500);  // still quiet since +500
  // --trigger interval: the bound only, however long the quiet.
  p.set_live(10000, 3000, true);
  CHECK(p.wait_deadline(c.t + 500, c.t + 500) == c.t + 10000);  // set_live opened it at c.t
}

TEST_CASE("issue 12: --follow polls end epochs by the bound, idleness or the ticks") {
  FakeClock c;
  EpochPolicy p(0, 1, -1, c);
  p.set_live(10000, 100000, false);
  p.before_poll(c.t);
  CHECK_FALSE(p.add_record());
  CHECK_FALSE(p.after_poll(c.t + 5000, c.t + 5000, true));
  CHECK(p.after_poll(c.t + 10000, c.t + 10000, true));  // open for the bound
  p.end_epoch(c.t + 10000);
  // Ticks: an epoch every interval that had records.
  p.set_live(50000, 0, true);
  const Micros t0 = c.t;  // set_live read the clock: the first tick starts now
  CHECK_FALSE(p.after_poll(t0 + 60000, t0, false));  // a tick without records
  CHECK_FALSE(p.add_record());
  CHECK_FALSE(p.after_poll(t0 + 100000, t0, true));
  CHECK(p.after_poll(t0 + 110000, t0, false));
}

TEST_CASE("issue 12: the watermark advances at epoch ends, as Spark's") {
  FakeClock c;
  EpochPolicy p(2, 0, 5 * sx::kMicrosPerSecond, c);
  CHECK_FALSE(p.observe(EventTime{10 * sx::kMicrosPerSecond}));
  CHECK_FALSE(p.add_record());
  CHECK(p.observe(EventTime{0}));  // at 1970: the starting watermark first
  CHECK(p.state().watermark == EventTime{0});
  CHECK(p.add_record());
  const auto e = p.end_epoch(c.now());
  CHECK(e.id == 0);
  CHECK(e.records == 2);
  CHECK(e.in_force == EventTime{0});
  CHECK(e.advanced);
  CHECK(p.state().watermark == EventTime{5 * sx::kMicrosPerSecond});
  CHECK(p.state().wm_last_epoch == EventTime{0});
  CHECK(p.no_data_epoch_owed());
  CHECK(p.end_empty_epoch(c.now()) == 1);
  CHECK_FALSE(p.no_data_epoch_owed());
  p.end_stream();
  CHECK(p.state().watermark == EventTime::end());
  CHECK(p.end_empty_epoch(c.now()) == 2);
  // A restart goes on from the checkpoint's state.
  EpochPolicy q(0, 0, 5 * sx::kMicrosPerSecond, c);
  q.restore(p.state());
  CHECK(q.first_epoch() == 3);
  CHECK(q.state().watermark == EventTime::end());
}
