// sx-read's checkpoint payload (lib/source/file_source_state.h).
#include "source/file_source_state.h"

#include <doctest/doctest.h>

#include "base/error.h"
#include "io/checkpoint_file.h"

TEST_CASE("issue 12: a file source's state survives its encoding") {
  sx::FileSourceState s;
  s.epochs.next_epoch = 7;
  s.epochs.max_time = sx::EventTime{5000000};
  s.epochs.watermark = sx::EventTime{4000000};
  s.epochs.wm_last_epoch = sx::EventTime{3000000};
  s.done_files = {"in/a.json", "in/b.json"};
  s.current = sx::FilePosition{"in/c.json", 1, 2, 300, 0, "tail of c\n"};
  s.files["in/a.json"] = sx::FilePosition{"in/a.json", 1, 3, 40, 40, "}\n"};
  s.files["app.log"] = sx::FilePosition{"app.log", 1, 4, 50, 61, ""};
  const sx::FileSourceState d = sx::decode_state(sx::encode_state(s), "test");
  CHECK(d.epochs.next_epoch == 7);
  CHECK(d.epochs.max_time == s.epochs.max_time);
  CHECK(d.epochs.watermark == s.epochs.watermark);
  CHECK(d.epochs.wm_last_epoch == s.epochs.wm_last_epoch);
  CHECK(d.done_files == s.done_files);
  REQUIRE(d.current);
  CHECK(d.current->path == "in/c.json");
  CHECK(d.current->ino == 2);
  CHECK(d.current->offset == 300);
  CHECK(d.current->tail == "tail of c\n");
  REQUIRE(d.files.size() == 2);
  CHECK(d.files.at("in/a.json").raw == 40);
  CHECK(d.files.at("in/a.json").tail == "}\n");
  CHECK(d.files.at("app.log").offset == 50);
  CHECK(d.files.at("app.log").raw == 61);
}

TEST_CASE("issue 12: a position an older sx wrote (no files, no trailer) owes no epoch") {
  sx::PayloadWriter w;
  w.put_i64(3);
  w.put_i64(9000000);
  w.put_i64(8000000);
  w.put_u64(1);
  w.put_string("in/a.json");
  w.put_u8(0);
  const sx::FileSourceState d = sx::decode_state(w.bytes(), "old");
  CHECK(d.epochs.next_epoch == 3);
  CHECK(d.epochs.wm_last_epoch == sx::EventTime{8000000});
  CHECK(d.done_files.count("in/a.json") == 1);
  CHECK_FALSE(d.current);
  CHECK(d.files.empty());
  // A payload cut short is an error, never a fresh start.
  CHECK_THROWS_AS(sx::decode_state(w.bytes().substr(0, 12), "cut"), sx::Error);
}

TEST_CASE("issue 12: a position whose times are out of sx's range is damage, not a stream") {
  // Found by fuzz_checkpoint: a position with right checksums but a max event
  // time or watermark outside 0001..9999 was taken, and sx-read then wrote a
  // watermark record the next stage refuses. None, +inf (a finished stream)
  // and times in range are what sx-read writes; the rest is refused on load.
  const auto with = [](sx::Micros max_time, sx::Micros wm, sx::Micros wm_last) {
    sx::FileSourceState s;
    s.epochs.next_epoch = 2;
    s.epochs.max_time = sx::EventTime{max_time};
    s.epochs.watermark = sx::EventTime{wm};
    s.epochs.wm_last_epoch = sx::EventTime{wm_last};
    return sx::encode_state(s);
  };
  const sx::Micros none = sx::EventTime::none().us, end = sx::EventTime::end().us;
  CHECK_NOTHROW(sx::decode_state(with(none, none, none), "fresh"));
  CHECK_NOTHROW(sx::decode_state(with(sx::kMaxEventTime, end, end), "finished"));
  CHECK_NOTHROW(sx::decode_state(with(sx::kMinEventTime, 0, 0), "in range"));
  CHECK_THROWS_AS(sx::decode_state(with(sx::kMaxEventTime + 1, 0, 0), "max"), sx::Error);
  CHECK_THROWS_AS(sx::decode_state(with(5, sx::kMinEventTime - 1, 0), "wm"), sx::Error);
  CHECK_THROWS_AS(sx::decode_state(with(5, 0, sx::kMaxEventTime + 7), "wm last"), sx::Error);
  CHECK_THROWS_AS(sx::decode_state(with(end, 0, 0), "max +inf"), sx::Error);
  sx::FileSourceState neg;
  neg.epochs.next_epoch = -3;
  CHECK_THROWS_AS(sx::decode_state(sx::encode_state(neg), "epoch"), sx::Error);
}
