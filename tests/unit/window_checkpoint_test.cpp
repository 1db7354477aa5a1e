// sx-window's checkpoints: a stream cut in two at an epoch, with the state
// saved at the cut and restored by a new WindowOperator, gives the same rows
// as one uninterrupted run (tumbling, sliding, session, running; every
// aggregate); the saved bytes do not depend on the history that built the
// state; a changed flag and a damaged payload are refused.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/duration.h"
#include "base/error.h"
#include "base/event_time.h"
#include "io/checkpoint_file.h"
#include "io/json.h"
#include "io/output.h"
#include "ops/window_operator.h"
#include "state/aggregate.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"
#include "stream/control_record.h"
#include "stream/stage.h"
#include "test_files.h"

namespace fs = std::filesystem;
using sx::Micros;
using sx::WindowKind;

namespace {

using sx_test::slurp;
using sx_test::TempDir;

constexpr Micros kSec = sx::kMicrosPerSecond;
constexpr Micros kMin = sx::kMicrosPerMinute;
constexpr Micros kBase = 1690711200LL * kSec;  // 2023-07-30T10:00:00Z

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::vector<std::string> data_rows(const std::vector<std::string>& lines) {
  std::vector<std::string> rows;
  for (const auto& l : lines) {
    if (!sx::is_control(l)) rows.push_back(l);
  }
  return rows;
}

// Sends stderr to /dev/null while it lives (the late-record warnings).
struct QuietStderr {
  int saved = ::dup(2);
  QuietStderr() {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::close(null);
  }
  ~QuietStderr() {
    ::dup2(saved, 2);
    ::close(saved);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;
};

// Feeds `lines` (control records recognised by prefix) to a new operator with
// `opt`, as run_stage would, and returns everything it wrote. `end`: the input
// ends there (on_end); otherwise the run stops as if killed after the last line.
std::vector<std::string> run(const sx::WindowOptions& opt, const std::vector<std::string>& lines,
                             bool end) {
  TempDir tmp;
  const std::string path = tmp.path + "/out";
  {
    const QuietStderr quiet;
    auto out = sx::Output::open_file(path);
    sx::BadInputPolicy bad("fail");
    sx::WindowOperator op(opt, *out, bad);
    sx_test::feed(op, lines);
    if (end) op.on_end();
    out->flush();
  }
  return split_lines(slurp(path));
}

// ---- the input stream, as sx-read writes it ----

struct Stream {
  std::vector<std::string> lines;  // header, records, epochs, watermarks
  // Per epoch N: the index in `lines` of its epoch record, and the watermark
  // in force after it (what sx-read checkpoints with N and re-sends first).
  std::vector<std::size_t> epoch_at;
  std::vector<std::optional<sx::EventTime>> wm_after;
};

std::string iso(Micros t) { return sx::format_time(sx::EventTime{t}); }

Stream make_stream(std::uint64_t seed, std::size_t n, std::size_t per_epoch) {
  std::mt19937_64 rng(seed);
  auto roll = [&](int m) { return static_cast<int>(rng() % static_cast<std::uint64_t>(m)); };
  Stream s;
  sx::StreamInfo info;
  info.source = "sx-read";
  info.time_field = "ts";
  info.watermark_delay = kMin;
  s.lines.push_back(sx::make_stream_record(info));
  const char* const keys[] = {"a", "b", "c"};
  Micros clock = kBase, max_time = sx::kMinEventTime;
  sx::EventTime wm = sx::EventTime::none();
  std::int64_t epoch = 0;
  std::size_t in_epoch = 0;
  auto end_epoch = [&] {
    if (in_epoch == 0) return;
    std::optional<sx::EventTime> advanced;
    if (max_time - kMin > wm.us) wm = sx::EventTime{max_time - kMin}, advanced = wm;
    s.epoch_at.push_back(s.lines.size());
    s.lines.push_back(sx::make_epoch_record(epoch++));
    if (advanced) s.lines.push_back(sx::make_watermark_record(*advanced));
    s.wm_after.push_back(wm == sx::EventTime::none() ? std::nullopt : std::optional(wm));
    in_epoch = 0;
  };
  for (std::size_t i = 0; i < n; ++i) {
    clock += 7 * kSec;
    if (i % 60 == 59) clock += 5 * kMin;  // a pause: sessions close, keys expire
    Micros t = clock - roll(50) * kSec + roll(1000) * 1000;
    if (i % 37 == 36) t -= 5 * kMin;  // late for most windows
    max_time = std::max(max_time, t);
    std::string r = "{\"ts\":\"" + iso(t) + "\"";
    if (roll(10) != 0) r += std::string(",\"k\":\"") + keys[roll(3)] + "\"";
    switch (roll(6)) {
      case 0:
        r += ",\"v\":null";
        break;
      case 1:
        r += ",\"v\":" + std::to_string(roll(100)) + ".5";
        break;
      case 2:
        r += ",\"v\":\"" + std::to_string(roll(100)) + "\"";
        break;
      default:
        r += ",\"v\":" + std::to_string(roll(1000) - 200);
    }
    switch (roll(5)) {
      case 0:
        break;  // missing
      case 1:
        r += ",\"s\":\"" + iso(kBase + roll(100) * kMin) + "\"";
        break;
      case 2:
        r += ",\"s\":" + std::to_string(roll(20));
        break;
      default:
        r += ",\"s\":\"x" + std::to_string(roll(25)) + "\"";
    }
    r += "}";
    s.lines.push_back(r);
    if (++in_epoch == per_epoch) end_epoch();
  }
  end_epoch();
  s.lines.push_back(sx::make_watermark_record(sx::EventTime::end()));
  s.epoch_at.push_back(s.lines.size());
  s.lines.push_back(sx::make_epoch_record(epoch));
  s.wm_after.push_back(sx::EventTime::end());
  return s;
}

const std::vector<std::string> kAllAggs = {"count",
                                           "count_if(k=a)",
                                           "sum(v)",
                                           "avg(v)",
                                           "min(v)",
                                           "max(v)",
                                           "min(s)",
                                           "max(s)",
                                           "first(s)",
                                           "last(s)",
                                           "count_distinct(s)",
                                           "first(v) as fv",
                                           "last(v) as lv",
                                           "collect_list(s)",
                                           "count_distinct(v) as dv"};

struct Config {
  const char* name;
  sx::WindowOptions opt;
};

std::vector<Config> configs() {
  std::vector<Config> out;
  auto base = [](sx::WindowSpec w) {
    sx::WindowOptions o;
    o.window = w;
    o.by = {"k"};
    o.aggs = kAllAggs;
    o.fingerprint = {{"by", "k"}};
    return o;
  };
  sx::WindowSpec tumbling;
  tumbling.kind = WindowKind::kTumbling;
  tumbling.size = tumbling.slide = kMin;
  sx::WindowSpec sliding;
  sliding.kind = WindowKind::kSliding;
  sliding.size = 2 * kMin;
  sliding.slide = 45 * kSec;
  sx::WindowSpec session;
  session.kind = WindowKind::kSession;
  session.gap = kMin;
  out.push_back({"tumbling, append", base(tumbling)});
  out.push_back({"sliding, append", base(sliding)});
  out.push_back({"session, append", base(session)});
  Config running{"running, update, ttl", base(sx::WindowSpec{})};
  running.opt.ttl = 2 * kMin;
  out.push_back(running);
  Config update{"tumbling, update", base(tumbling)};
  update.opt.mode = sx::OutputMode::kUpdate;
  out.push_back(update);
  Config complete{"session, complete", base(session)};
  complete.opt.mode = sx::OutputMode::kComplete;
  out.push_back(complete);
  return out;
}

// The stream sx-read writes on a restart after epoch `k`: its header, the
// watermark in force, then the records of epoch k+1 on.
std::vector<std::string> resumed_input(const Stream& s, std::size_t k) {
  std::vector<std::string> lines{s.lines[0]};
  if (s.wm_after[k]) lines.push_back(sx::make_watermark_record(*s.wm_after[k]));
  std::size_t from = s.epoch_at[k] + 1;
  if (from < s.lines.size() && s.lines[from].starts_with(R"({"@sx":"watermark")")) ++from;
  lines.insert(lines.end(), s.lines.begin() + static_cast<std::ptrdiff_t>(from), s.lines.end());
  return lines;
}

// The lines of `out` before epoch record `k` (what the sink committed).
std::vector<std::string> before_epoch(const std::vector<std::string>& out, std::size_t k) {
  const std::string mark = sx::make_epoch_record(static_cast<std::int64_t>(k));
  std::vector<std::string> head;
  for (const auto& l : out) {
    if (l == mark) return head;
    head.push_back(l);
  }
  FAIL("no epoch record " << k << " in the output");
  return head;
}

std::string saved_payload(const std::string& dir, std::int64_t epoch) {
  auto f = sx::CheckpointDir(dir, "sx-window").read(epoch);
  REQUIRE(f.has_value());
  return f->payload;
}

}  // namespace

TEST_CASE("a restart from any committed epoch gives the rows of one uninterrupted run") {
  const Stream s = make_stream(11, 300, 20);
  const std::size_t epochs = s.epoch_at.size();
  REQUIRE(epochs == 16);
  for (const Config& c : configs()) {
    CAPTURE(c.name);
    TempDir ref_dir;
    sx::WindowOptions ref_opt = c.opt;
    ref_opt.checkpoint = ref_dir.path;
    const auto want_out = run(ref_opt, s.lines, true);
    const auto want = data_rows(want_out);
    REQUIRE(want.size() > 10);
    // Without --checkpoint: the same output.
    CHECK(run(c.opt, s.lines, true) == want_out);
    for (std::size_t k = 0; k + 1 < epochs; ++k) {
      CAPTURE(k);
      for (const bool overrun : {false, true}) {
        CAPTURE(overrun);
        TempDir dir;
        sx::WindowOptions opt = c.opt;
        opt.checkpoint = dir.path;
        // Run 1 up to epoch k's record, or on into epoch k+2 (its state for
        // k+1 is saved but not committed: the restart goes back to k).
        std::size_t stop = s.epoch_at[k] + 1;
        if (overrun) stop = std::min(s.epoch_at[k + 1] + 5, s.lines.size());
        const std::vector<std::string> first(s.lines.begin(),
                                             s.lines.begin() + static_cast<std::ptrdiff_t>(stop));
        const auto out1 = before_epoch(run(opt, first, false), k);
        sx::CheckpointDir(dir.path, "sx-sink").commit(static_cast<std::int64_t>(k), {});
        // The state saved at k does not depend on the path that led there.
        CHECK(saved_payload(dir.path, static_cast<std::int64_t>(k)) ==
              saved_payload(ref_dir.path, static_cast<std::int64_t>(k)));
        const auto out2 = run(opt, resumed_input(s, k), true);
        std::vector<std::string> got = data_rows(out1);
        for (const auto& r : data_rows(out2)) got.push_back(r);
        CHECK(got == want);
        // The restored operator goes on saving the same states.
        const auto last = static_cast<std::int64_t>(epochs - 1);
        CHECK(saved_payload(dir.path, last) == saved_payload(ref_dir.path, last));
      }
    }
  }
}

TEST_CASE("two restarts in a row (available-now runs) equal one run") {
  const Stream s = make_stream(5, 200, 25);
  for (const Config& c : configs()) {
    CAPTURE(c.name);
    const auto want = data_rows(run(c.opt, s.lines, true));
    TempDir dir;
    sx::WindowOptions opt = c.opt;
    opt.checkpoint = dir.path;
    opt.name = "w1";
    std::vector<std::string> got;
    // Runs end at epochs 2, 5 and the end; each restarts from the previous.
    std::optional<std::size_t> from;
    for (const std::size_t to : {std::size_t{2}, std::size_t{5}, s.epoch_at.size() - 1}) {
      std::vector<std::string> in;
      if (from) {
        in = resumed_input(s, *from);
        const std::size_t cut = in.size() - (s.lines.size() - (s.epoch_at[to] + 1));
        in.resize(cut);
      } else {
        in.assign(s.lines.begin(),
                  s.lines.begin() + static_cast<std::ptrdiff_t>(s.epoch_at[to] + 1));
      }
      const auto out = run(opt, in, to == s.epoch_at.size() - 1);
      for (const auto& r : data_rows(before_epoch(out, to))) got.push_back(r);
      sx::CheckpointDir(dir.path, "sx-sink").commit(static_cast<std::int64_t>(to), {});
      from = to;
    }
    CHECK(got == want);
    CHECK(fs::exists(dir.path + "/w1"));
  }
}

TEST_CASE("a checkpoint made with other flags is refused, naming the flag") {
  TempDir dir;
  const Stream s = make_stream(3, 40, 20);
  sx::WindowOptions opt = configs()[0].opt;
  opt.checkpoint = dir.path;
  opt.fingerprint = {{"tumbling", "1m"}, {"by", "k"}, {"agg", "count"}};
  run(opt, s.lines, true);
  sx::CheckpointDir(dir.path, "sx-sink").commit(1, {});
  opt.fingerprint = {{"tumbling", "2m"}, {"by", "k"}, {"agg", "count"}};
  try {
    run(opt, {s.lines[0]}, false);
    FAIL("no error");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kUsage);
    const std::string m = e.what();
    CHECK(m.find("--tumbling 1m") != std::string::npos);
    CHECK(m.find("--tumbling 2m") != std::string::npos);
  }
  // Another stage name has no state for the committed epoch.
  opt.fingerprint = {{"tumbling", "1m"}, {"by", "k"}, {"agg", "count"}};
  opt.name = "other";
  try {
    run(opt, {s.lines[0]}, false);
    FAIL("no error");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kData);
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
  // The same flags resume.
  opt.name = "sx-window";
  CHECK_NOTHROW(run(opt, {s.lines[0]}, false));
}

TEST_CASE("a truncated or padded payload is refused, never half loaded") {
  TempDir dir;
  const Stream s = make_stream(9, 60, 20);
  sx::WindowOptions opt = configs()[2].opt;  // session: windows, sessions, all aggregates
  opt.checkpoint = dir.path;
  run(opt,
      std::vector<std::string>(s.lines.begin(),
                               s.lines.begin() + static_cast<std::ptrdiff_t>(s.epoch_at[1] + 1)),
      false);
  sx::CheckpointDir sink(dir.path, "sx-sink");
  sink.commit(1, {});
  sx::CheckpointDir stage(dir.path, "sx-window");
  const std::string payload = saved_payload(dir.path, 1);
  REQUIRE(payload.size() > 200);
  for (std::size_t n = 0; n <= payload.size(); n += (n < 64 ? 1 : 37)) {
    if (n == payload.size()) break;
    CAPTURE(n);
    stage.write(1, opt.fingerprint, std::string_view(payload).substr(0, n));
    try {
      run(opt, {s.lines[0]}, false);
      FAIL("a truncated payload was loaded");
    } catch (const sx::Error& e) {
      CHECK(e.kind() == sx::Error::Kind::kData);
      CHECK(std::string(e.what()).find("checkpoint " + dir.path + "/sx-window/1") == 0);
    }
  }
  stage.write(1, opt.fingerprint, payload + "x");
  CHECK_THROWS_AS(run(opt, {s.lines[0]}, false), sx::Error);
  stage.write(1, opt.fingerprint, payload);
  CHECK_NOTHROW(run(opt, {s.lines[0]}, false));
}

TEST_CASE("agg_save and agg_load round-trip every aggregate; the bytes are canonical") {
  const char* const values[] = {R"({"f":"b"})",  R"({"f":3})",   R"({"f":"2023-07-30T10:00:00Z"})",
                                R"({"f":null})", R"({"f":1.5})", R"({"f":"a"})",
                                R"({})",         R"({"f":"1"})", R"({"f":[1,2]})",
                                R"({"f":true})", R"({"f":"b"})", R"({"f":-7})"};
  for (const char* spec : {"count", "count_if(f=b)", "sum(f)", "avg(f)", "min(f)", "max(f)",
                           "count_distinct(f)", "first(f)", "last(f)", "collect_list(f)"}) {
    CAPTURE(spec);
    const sx::AggSpec a = sx::parse_agg(spec);
    const bool numeric = a.kind == sx::AggKind::kSum || a.kind == sx::AggKind::kAvg;
    // Two states with the same content reached in different orders.
    sx::AggState fwd, rev;
    sx::RecordReader reader;
    std::string why;
    const sx::FieldSet fields({sx::FieldPath::parse("f")});
    std::uint64_t seq = 0;
    auto apply = [&](sx::AggState& st, const char* rec, std::uint64_t at) {
      sx::PaddedLine p(rec);
      REQUIRE(reader.open(p.view(), &why));
      sx::JsonValue v;
      REQUIRE(reader.get_fields(fields, &v, &why));
      if (numeric) {
        sx::JsonValue n;
        if (!sx::to_number(v, &n)) return;
        sx::agg_add_number(a, st, n);
      } else {
        sx::agg_update(a, st, v, at);
      }
    };
    for (const char* rec : values) apply(fwd, rec, ++seq);
    std::string full;
    sx::agg_result(a, fwd, full);
    sx::PayloadWriter w1;
    sx::agg_save(fwd, w1);
    sx::AggState back;
    sx::PayloadReader r(w1.bytes());
    sx::agg_load(r, back);
    r.expect_end();
    std::string got;
    sx::agg_result(a, back, got);
    CHECK(got == full);
    sx::PayloadWriter w2;
    sx::agg_save(back, w2);
    CHECK(w2.bytes() == w1.bytes());
    CHECK(w1.bytes().size() >= sx::kAggSavedMinBytes);
    if (a.kind == sx::AggKind::kCountDistinct) {
      // The same set built in another order saves the same bytes.
      std::uint64_t s2 = 0;
      for (std::size_t i = std::size(values); i-- > 0;) apply(rev, values[i], ++s2);
      sx::PayloadWriter w3;
      sx::agg_save(rev, w3);
      CHECK(w3.bytes() == w1.bytes());
    }
    // Updates after a restore continue as before it.
    sx::AggState cont = std::move(back);
    apply(fwd, R"({"f":"zz"})", ++seq);
    apply(cont, R"({"f":"zz"})", seq);
    std::string a1, a2;
    sx::agg_result(a, fwd, a1);
    sx::agg_result(a, cont, a2);
    CHECK(a1 == a2);
    // Every truncation is an error.
    for (std::size_t n = 0; n < w1.bytes().size(); ++n) {
      sx::PayloadReader t(std::string_view(w1.bytes()).substr(0, n));
      sx::AggState x;
      CHECK_THROWS_AS(sx::agg_load(t, x), sx::Error);
    }
  }
}
