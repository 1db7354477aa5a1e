#include "sink/live_view.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

struct Fixture {
  int fd = ::open("/dev/null", O_WRONLY);
  sx::Output out{fd, "null"};
  ~Fixture() { ::close(fd); }
};

// A window result row: start minute, group, count.
void row(sx::LiveView& v, const char* start, const char* group, const char* count) {
  v.field("window_start", start, false, false);
  v.field("group", group, false, false);
  v.field("count", count, true, false);
  v.end_row();
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("issue 13: the live table replaces rows by their non-number fields, sorted by key") {
  Fixture f;
  sx::LiveOptions o;
  o.columns = 100;
  o.lines = 30;
  sx::LiveView v(f.out, o);
  CHECK(v.screen() == Lines{"no epoch yet | watermark none | - rows/s | 0 rows"});
  row(v, "00:05", "b", "1");
  row(v, "00:00", "b", "2");
  row(v, "00:00", "a", "3");
  v.epoch(0);
  row(v, "00:00", "b", "20");  // update: replaces (00:00, b)
  v.watermark(sx::EventTime{0});
  v.epoch(1);
  const Lines s = v.screen();
  REQUIRE(s.size() == 8);
  CHECK(s[0] == "+------------+-----+-----+");
  CHECK(s[1] == "|window_start|group|count|");
  CHECK(s[2] == "+------------+-----+-----+");
  CHECK(s[3] == "|       00:00|    a|    3|");
  CHECK(s[4] == "|       00:00|    b|   20|");
  CHECK(s[5] == "|       00:05|    b|    1|");
  CHECK(s[6] == "+------------+-----+-----+");
  CHECK(s[7].starts_with("epoch 1 | watermark 1970-01-01T00:00:00Z | "));
  CHECK(s[7].ends_with(" rows/s | 3 rows"));
  v.finish("end of stream");
  CHECK(v.screen().back().ends_with(" rows/s | 3 rows | end of stream"));
}

TEST_CASE(
    "issue 13: the live table shows the last rows that fit, and says how many it leaves out") {
  Fixture f;
  sx::LiveOptions o;
  o.columns = 100;
  o.lines = 8;  // frame 4 + status + cursor line: 2 rows fit
  sx::LiveView v(f.out, o);
  v.set_columns({"window_start", "group", "count"});
  row(v, "00:00", "a", "1");
  row(v, "00:01", "a", "1");
  row(v, "00:02", "a", "1");
  v.epoch(4);
  const Lines s = v.screen();
  REQUIRE(s.size() == 7);  // and the cursor on the 8th line
  CHECK(s[3] == "|       00:01|    a|    1|");
  CHECK(s[4] == "|       00:02|    a|    1|");
  CHECK(s[6].ends_with(" rows/s | 3 rows (1 not shown)"));
}

TEST_CASE("issue 13: live --key with numbers sorts them as numbers; nulls sort first") {
  Fixture f;
  sx::LiveOptions o;
  o.key = {"k"};
  o.truncate = 0;
  sx::LiveView v(f.out, o);
  for (const char* k : {"10", "9", "100"}) {
    v.field("k", k, true, false);
    v.field("n", "x", false, false);
    v.end_row();
  }
  v.field("k", "null", false, true);
  v.end_row();
  v.field("k", "9", true, false);  // replaces k=9
  v.field("n", "y", false, false);
  v.end_row();
  v.epoch(0);
  const Lines s = v.screen();
  REQUIRE(s.size() == 9);
  // truncate 0: left-aligned, as the table format's.
  CHECK(s[3] == "|null|   |");
  CHECK(s[4] == "|9   |y  |");
  CHECK(s[5] == "|10  |x  |");
  CHECK(s[6] == "|100 |x  |");
}

TEST_CASE("issue 13: live lines wider than the screen are cut; the header's columns show early") {
  Fixture f;
  sx::LiveOptions o;
  o.columns = 10;
  o.lines = 24;
  sx::LiveView v(f.out, o);
  v.set_columns({"window_start", "count"});
  v.epoch(0);
  const Lines s = v.screen();
  REQUIRE(s.size() == 5);
  CHECK(s[0] == "+---------");
  CHECK(s[1] == "|window_st");
  CHECK(s[3] == "+---------");
  CHECK(s[4] == "epoch 0 | ");
}

TEST_CASE("issue 13: the live table keeps the greatest keys past max_rows") {
  Fixture f;
  sx::LiveOptions o;
  o.max_rows = 2;
  sx::LiveView v(f.out, o);
  row(v, "00:00", "a", "1");
  row(v, "00:02", "a", "1");
  row(v, "00:01", "a", "1");
  CHECK(v.rows() == 2);
  v.epoch(0);
  const Lines s = v.screen();
  CHECK(s[3] == "|       00:01|    a|    1|");
  CHECK(s[4] == "|       00:02|    a|    1|");
}

TEST_CASE("issue 13: live cells cannot drive the terminal") {
  Fixture f;
  sx::LiveView v(f.out, sx::LiveOptions{});
  v.field("k\x1b", "a\x1b[2J", false, false);
  v.end_row();
  v.epoch(0);
  const Lines s = v.screen();
  CHECK(s[1] == "|   k?|");  // width 5: the cell's
  CHECK(s[3] == "|a?[2J|");
}
