// Property test of sx-window's engine: for random out-of-order streams whose
// disorder stays below the watermark delay (so no record is late), append-mode
// output equals a brute-force batch computation of the same windows, comes out
// sorted by (window_end, window_start, key), and does not depend on where the
// epochs are cut.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/duration.h"
#include "base/error.h"
#include "base/event_time.h"
#include "io/json.h"
#include "io/output.h"
#include "ops/window_operator.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/stage.h"

using sx::Micros;
using sx::WindowKind;

namespace {

constexpr Micros kMs = sx::kMicrosPerMilli;
constexpr Micros kSec = sx::kMicrosPerSecond;
constexpr Micros kMin = sx::kMicrosPerMinute;
constexpr Micros kHour = sx::kMicrosPerHour;

// 2023-07-30T10:00:00Z
constexpr Micros kBase = 1690711200LL * kSec;

// ---- temp files ----

struct TempFile {
  std::string path;
  TempFile() {
    char p[] = "/tmp/sx_window_prop_XXXXXX";
    const int fd = ::mkstemp(p);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = p;
  }
  ~TempFile() { ::unlink(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const std::string& content) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(content.data(), 1, content.size(), f) == content.size());
    REQUIRE(std::fclose(f) == 0);
  }
  std::string read() const {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f != nullptr);
    std::string s;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
    return s;
  }
};

// ---- random cases ----

const char* const kKeys[] = {"a", "b", "c", ""};

struct Event {
  Micros t;
  int key;  // index into kKeys; -1: the field is missing
  enum { kValue, kMissing, kNull } v_kind;
  std::int64_t v;
};

struct Case {
  std::uint64_t seed = 0;
  sx::WindowSpec spec;
  Micros delay = 0;
  std::vector<Event> events;

  std::string describe() const {
    std::string s = "seed " + std::to_string(seed) + ", ";
    switch (spec.kind) {
      case WindowKind::kTumbling:
        s += "tumbling " + sx::format_duration(spec.size);
        break;
      case WindowKind::kSliding:
        s += "window " + sx::format_duration(spec.size) + " slide " +
             sx::format_duration(spec.slide);
        break;
      case WindowKind::kSession:
        s += "session " + sx::format_duration(spec.gap);
        break;
      case WindowKind::kNone:
        s += "none";
        break;
    }
    if (spec.offset != 0) {
      s += " offset " + std::string(spec.offset < 0 ? "-" : "") +
           sx::format_duration(spec.offset < 0 ? -spec.offset : spec.offset);
    }
    s += ", watermark " + sx::format_duration(delay) + ", " + std::to_string(events.size()) +
         " records";
    return s;
  }
};

template <class T>
T pick(std::mt19937_64& rng, std::initializer_list<T> choices) {
  std::uniform_int_distribution<std::size_t> d(0, choices.size() - 1);
  return *(choices.begin() + d(rng));
}

Micros uniform(std::mt19937_64& rng, Micros lo, Micros hi) {
  return std::uniform_int_distribution<Micros>(lo, hi)(rng);
}

// A random offset in (-slide, slide), in whole seconds, or none.
Micros random_offset(std::mt19937_64& rng, Micros slide) {
  if (uniform(rng, 0, 1) == 0) return 0;
  const Micros most = slide / kSec - 1;
  return uniform(rng, -most, most) * kSec;
}

Case make_case(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c;
  c.seed = seed;
  sx::WindowSpec& w = c.spec;
  switch (seed % 3) {
    case 0:
      w.kind = WindowKind::kTumbling;
      w.size = w.slide = pick<Micros>(rng, {1 * kMin, 5 * kMin, 7 * kMin, 13 * kMin, kHour});
      w.offset = random_offset(rng, w.slide);
      break;
    case 1: {
      w.kind = WindowKind::kSliding;
      // Mostly slides that do not divide the size.
      const auto [size, slide] = pick<std::pair<Micros, Micros>>(rng, {{10 * kMin, 3 * kMin},
                                                                       {7 * kMin, 2 * kMin},
                                                                       {10 * kMin, 4 * kMin},
                                                                       {kHour, 25 * kMin},
                                                                       {5 * kMin, 90 * kSec},
                                                                       {10 * kMin, 5 * kMin}});
      w.size = size;
      w.slide = slide;
      w.offset = random_offset(rng, w.slide);
      break;
    }
    default:
      w.kind = WindowKind::kSession;
      w.gap = pick<Micros>(rng, {30 * kSec, 2 * kMin, 5 * kMin, 17 * kMin});
      break;
  }
  c.delay = pick<Micros>(rng, {1 * kMin, 10 * kMin, 30 * kMin});
  const auto n = static_cast<std::size_t>(uniform(rng, 0, 300));
  // Event times: a non-decreasing clock minus a jitter below the watermark
  // delay. Then every record is after the watermark of the records before it
  // (max earlier time - delay <= clock - delay < clock - jitter): none is late.
  const Micros step_ms = pick<Micros>(rng, {0, 1000, 20000, 60000});
  const bool whole_seconds = uniform(rng, 0, 1) == 0;
  const Micros quantum = whole_seconds ? kSec : kMs;
  const Micros max_jitter = (c.delay - quantum) / quantum;
  const int disorder_pct = static_cast<int>(pick<Micros>(rng, {0, 10, 50, 100}));
  Micros clock = kBase + uniform(rng, 0, 3600) * kSec;
  for (std::size_t i = 0; i < n; ++i) {
    clock += uniform(rng, 0, step_ms) * kMs / quantum * quantum;
    const Micros jitter =
        uniform(rng, 0, 99) < disorder_pct ? uniform(rng, 0, max_jitter) * quantum : 0;
    Event e{};
    e.t = clock - jitter;
    e.key = static_cast<int>(uniform(rng, -1, 3));
    const Micros r = uniform(rng, 0, 19);
    e.v_kind = r == 0 ? Event::kMissing : r == 1 ? Event::kNull : Event::kValue;
    e.v = uniform(rng, -1000, 1000);
    c.events.push_back(e);
  }
  return c;
}

// ---- the input, as sx-read writes it ----

std::string input_stream(const Case& c, std::size_t epoch_size) {
  sx::StreamInfo info;
  info.source = "sx-read";
  info.time_field = "ts";
  info.time_format = "auto";
  info.time_zone = "UTC";
  info.watermark_delay = c.delay;
  std::string s = sx::make_stream_record(info) + "\n";
  std::int64_t epoch = 0;
  std::size_t in_epoch = 0;
  sx::EventTime max_time = sx::EventTime::none(), watermark = sx::EventTime::none();
  auto end_epoch = [&] {
    if (in_epoch == 0) return;
    s += sx::make_epoch_record(epoch++) + "\n";
    in_epoch = 0;
    const sx::EventTime wm{max_time.us - c.delay};
    if (wm > watermark) {
      watermark = wm;
      s += sx::make_watermark_record(wm) + "\n";
    }
  };
  for (const Event& e : c.events) {
    s += "{\"ts\":\"" + sx::format_time(sx::EventTime{e.t}) + "\"";
    if (e.key >= 0) s += std::string(",\"k\":\"") + kKeys[e.key] + "\"";
    if (e.v_kind == Event::kValue) s += ",\"v\":" + std::to_string(e.v);
    if (e.v_kind == Event::kNull) s += ",\"v\":null";
    s += "}\n";
    max_time = std::max(max_time, sx::EventTime{e.t});
    if (++in_epoch == epoch_size) end_epoch();
  }
  end_epoch();
  s += sx::make_watermark_record(sx::EventTime::end()) + "\n";
  s += sx::make_epoch_record(epoch) + "\n";
  return s;
}

// Runs WindowOperator on the stream (append mode, by k, count/sum/min/max of
// v) and returns its data rows.
std::vector<std::string> run_window(const Case& c, std::size_t epoch_size) {
  TempFile in, out_file;
  in.write(input_stream(c, epoch_size));
  const int fd = ::open(out_file.path.c_str(), O_WRONLY | O_TRUNC);
  REQUIRE(fd >= 0);
  try {
    sx::WindowOptions opt;
    opt.window = c.spec;
    opt.by = {"k"};
    opt.aggs = {"count", "sum(v)", "min(v)", "max(v)"};
    sx::Output out(fd, out_file.path);
    sx::BadInputPolicy bad("fail");
    sx::WindowOperator op(opt, out, bad);
    sx::run_stage(sx::StageInput{{in.path}}, op, out, bad);
  } catch (const sx::Error& e) {
    ::close(fd);
    FAIL_CHECK(c.describe() << ": " << e.what());
    return {};
  }
  ::close(fd);
  const std::string text = out_file.read();
  std::vector<std::string> rows;
  std::size_t pos = 0;
  bool header = false;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (sx::is_control(line)) {
      header = header || line.starts_with(R"({"@sx":"stream")");
      continue;
    }
    rows.push_back(line);
  }
  CHECK_MESSAGE(header, c.describe() << ": no stream header in the output");
  return rows;
}

// ---- brute force ----

using Key = std::optional<std::string>;         // nullopt: null (missing) key
using RowId = std::tuple<Micros, Micros, Key>;  // (window_end, window_start, key)

struct Acc {
  std::int64_t count = 0, n = 0, sum = 0, min = 0, max = 0;
  void add(const Event& e) {
    ++count;
    if (e.v_kind != Event::kValue) return;
    sum += e.v;
    min = n == 0 ? e.v : std::min(min, e.v);
    max = n == 0 ? e.v : std::max(max, e.v);
    ++n;
  }
};

Key key_of(const Event& e) { return e.key < 0 ? Key{} : Key{kKeys[e.key]}; }

std::string format_row(const RowId& id, const Acc& a) {
  const auto& [end, start, key] = id;
  std::string r = "{\"window_start\":\"" + sx::format_time(sx::EventTime{start}) +
                  "\",\"window_end\":\"" + sx::format_time(sx::EventTime{end}) + "\",\"k\":";
  if (key)
    sx::append_json_string(r, *key);
  else
    r += "null";
  r += ",\"count\":" + std::to_string(a.count);
  if (a.n == 0) {
    r += ",\"sum_v\":null,\"min_v\":null,\"max_v\":null}";
  } else {
    r += ",\"sum_v\":" + std::to_string(a.sum) + ",\"min_v\":" + std::to_string(a.min) +
         ",\"max_v\":" + std::to_string(a.max) + "}";
  }
  return r;
}

// All rows, keyed and ordered by (window_end, window_start, key).
std::map<RowId, Acc> brute_force(const Case& c) {
  std::map<RowId, Acc> rows;
  const sx::WindowSpec& w = c.spec;
  if (w.kind == WindowKind::kTumbling || w.kind == WindowKind::kSliding) {
    const Micros size = w.size;
    const Micros slide = w.kind == WindowKind::kTumbling ? w.size : w.slide;
    for (const Event& e : c.events) {
      // Windows start at offset + k * slide; walk down from above t and keep
      // those that contain it.
      for (Micros s = ((e.t - w.offset) / slide + 2) * slide + w.offset; s + size > e.t;
           s -= slide) {
        if (s <= e.t) rows[{s + size, s, key_of(e)}].add(e);
      }
    }
    return rows;
  }
  // Sessions: per key, sort by time; a record starts a new session when it
  // comes after the current one's end (last record + gap); touching merges.
  std::map<Key, std::vector<Event>> by_key;
  for (const Event& e : c.events) by_key[key_of(e)].push_back(e);
  for (auto& [key, events] : by_key) {
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.t < b.t; });
    std::size_t i = 0;
    while (i < events.size()) {
      const Micros start = events[i].t;
      Micros end = events[i].t + w.gap;
      Acc acc;
      acc.add(events[i]);
      std::size_t j = i + 1;
      for (; j < events.size() && events[j].t <= end; ++j) {
        acc.add(events[j]);
        end = events[j].t + w.gap;
      }
      rows[{end, start, key}] = acc;
      i = j;
    }
  }
  return rows;
}

// Checks the operator's rows against the brute force; returns false on a mismatch.
bool check_rows(const Case& c, std::size_t epoch_size, const std::vector<std::string>& got,
                const std::map<RowId, Acc>& want_rows) {
  std::vector<std::string> want;
  std::map<std::string, RowId> ids;
  for (const auto& [id, acc] : want_rows) {
    want.push_back(format_row(id, acc));
    ids.emplace(want.back(), id);
  }
  const std::string where = c.describe() + ", epochs of " + std::to_string(epoch_size);

  // The same multiset of rows.
  std::vector<std::string> a = got, b = want;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a != b) {
    std::vector<std::string> extra, missing;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(extra));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(missing));
    FAIL_CHECK(where << ": " << got.size() << " rows, " << want.size() << " expected; "
                     << extra.size() << " unexpected (first: " << (extra.empty() ? "-" : extra[0])
                     << "), " << missing.size()
                     << " missing (first: " << (missing.empty() ? "-" : missing[0]) << ")");
    return false;
  }
  // In (window_end, window_start, key) order.
  for (std::size_t i = 1; i < got.size(); ++i) {
    if (!(ids.at(got[i - 1]) < ids.at(got[i]))) {
      FAIL_CHECK(where << ": rows out of order:\n  " << got[i - 1] << "\n  " << got[i]);
      return false;
    }
  }
  CHECK(got == want);
  return true;
}

}  // namespace

TEST_CASE("window operator: a small tumbling example") {
  Case c;
  c.spec.kind = WindowKind::kTumbling;
  c.spec.size = c.spec.slide = 10 * kMin;
  c.delay = 10 * kMin;
  // 10:01 a 5, 10:12 b 1, 10:03 a 7 (late in arrival, not late for the
  // watermark), 10:05 missing key, v missing; 10:25 a -2.
  c.events = {{kBase + 1 * kMin, 0, Event::kValue, 5},
              {kBase + 12 * kMin, 1, Event::kValue, 1},
              {kBase + 3 * kMin, 0, Event::kValue, 7},
              {kBase + 5 * kMin, -1, Event::kMissing, 0},
              {kBase + 25 * kMin, 0, Event::kValue, -2}};
  const std::vector<std::string> want = {
      R"({"window_start":"2023-07-30T10:00:00Z","window_end":"2023-07-30T10:10:00Z","k":null,"count":1,"sum_v":null,"min_v":null,"max_v":null})",
      R"({"window_start":"2023-07-30T10:00:00Z","window_end":"2023-07-30T10:10:00Z","k":"a","count":2,"sum_v":12,"min_v":5,"max_v":7})",
      R"({"window_start":"2023-07-30T10:10:00Z","window_end":"2023-07-30T10:20:00Z","k":"b","count":1,"sum_v":1,"min_v":1,"max_v":1})",
      R"({"window_start":"2023-07-30T10:20:00Z","window_end":"2023-07-30T10:30:00Z","k":"a","count":1,"sum_v":-2,"min_v":-2,"max_v":-2})",
  };
  const auto expected = brute_force(c);
  std::vector<std::string> formatted;
  for (const auto& [id, acc] : expected) formatted.push_back(format_row(id, acc));
  CHECK(formatted == want);  // the brute force itself
  for (const std::size_t e : {std::size_t{1}, std::size_t{2}, std::size_t{100}}) {
    CAPTURE(e);
    CHECK(run_window(c, e) == want);
  }
}

TEST_CASE("window operator: a small session example; touching sessions merge") {
  Case c;
  c.spec.kind = WindowKind::kSession;
  c.spec.gap = 5 * kMin;
  c.delay = 10 * kMin;
  // a: 10:00, 10:05 (touches 10:00 + 5m), 10:11 (after 10:10: a new session),
  // then 10:08 arrives and bridges the two.
  // b: 10:00, 10:06 (after 10:05: two sessions).
  c.events = {{kBase, 0, Event::kValue, 1},
              {kBase, 1, Event::kValue, 10},
              {kBase + 5 * kMin, 0, Event::kValue, 2},
              {kBase + 11 * kMin, 0, Event::kValue, 3},
              {kBase + 6 * kMin, 1, Event::kValue, 20},
              {kBase + 8 * kMin, 0, Event::kValue, 4}};
  const std::vector<std::string> want = {
      R"({"window_start":"2023-07-30T10:00:00Z","window_end":"2023-07-30T10:05:00Z","k":"b","count":1,"sum_v":10,"min_v":10,"max_v":10})",
      R"({"window_start":"2023-07-30T10:06:00Z","window_end":"2023-07-30T10:11:00Z","k":"b","count":1,"sum_v":20,"min_v":20,"max_v":20})",
      R"({"window_start":"2023-07-30T10:00:00Z","window_end":"2023-07-30T10:16:00Z","k":"a","count":4,"sum_v":10,"min_v":1,"max_v":4})",
  };
  const auto expected = brute_force(c);
  std::vector<std::string> formatted;
  for (const auto& [id, acc] : expected) formatted.push_back(format_row(id, acc));
  CHECK(formatted == want);
  for (const std::size_t e : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
    CAPTURE(e);
    CHECK(run_window(c, e) == want);
  }
}

TEST_CASE("window operator: append output equals a brute-force batch computation") {
  constexpr std::uint64_t kSeeds = 200;
  std::size_t failures = 0, rows = 0, cases_with_rows = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds && failures < 5; ++seed) {
    const Case c = make_case(seed);
    std::mt19937_64 rng(seed * 7919);
    const auto e1 = static_cast<std::size_t>(uniform(rng, 1, 20));
    const auto e2 = e1 + static_cast<std::size_t>(uniform(rng, 1, 60));
    const auto want = brute_force(c);
    const std::vector<std::string> got1 = run_window(c, e1);
    if (!check_rows(c, e1, got1, want)) {
      ++failures;
      continue;
    }
    // Where the epochs are cut does not change the rows, byte for byte.
    const std::vector<std::string> got2 = run_window(c, e2);
    if (got2 != got1) {
      ++failures;
      FAIL_CHECK(c.describe() << ": epochs of " << e1 << " and " << e2 << " give different rows");
    }
    rows += got1.size();
    cases_with_rows += !got1.empty();
  }
  CHECK(failures == 0);
  if (failures == 0) {
    // The generator exercises something.
    CHECK(rows > 1000);
    CHECK(cases_with_rows > kSeeds / 2);
  }
}
