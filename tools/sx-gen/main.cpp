// sx-gen: deterministic clickstream events for tests, demos and benchmarks.
// Flags in, Clickstream (clickstream.h) out, to stdout or a BatchDir.
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <string>
#include <system_error>

#include "base/duration.h"
#include "base/time_parser.h"
#include "batch_dir.h"
#include "cli/cli.h"
#include "clickstream.h"
#include "io/line_reader.h"
#include "io/output.h"
#include "pacer.h"
#include "users_table.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-gen",
    "sx-gen -- write deterministic clickstream events as NDJSON, one object per line:\n"
    "  {\"event_id\":\"e1\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"user_id\":42,"
    "\"event_type\":\"click\",\"value\":123.45,\"session_id\":\"session_7\"}\n\n"
    "The same --seed and flags give byte-identical output (unless --start now). Event time\n"
    "starts at --start and moves forward by a random gap of 0..2x --time-step per event.\n"
    "--late-fraction makes some events late (their timestamp lies 1s..--late-max behind the\n"
    "current event time) and --duplicate-fraction re-sends some recent events byte for byte,\n"
    "as a retrying producer does; both leave the other events unchanged. user_id is uniform\n"
    "in 1..--users; event_type is view 50%, click 30%, add_to_cart 15%, purchase 5%; value\n"
    "is uniform in 10.00..1000.00; session_id is session_1..session_100. --users-table also\n"
    "writes a CSV of the users (user_id,name,tier) to join with. --batch-dir writes files of\n"
    "--batch-size lines instead of stdout, each appearing whole (written hidden, then\n"
    "renamed), as a producer feeding a streaming file source would. --rate paces the output\n"
    "in real time; --wall-clock stamps each event with the time it is written (latency).",
    "Examples:\n"
    "  sx-gen --events 5\n"
    "  sx-gen --events 2000 --seed 7 --late-fraction 0.1 --duplicate-fraction 0.05 \\\n"
    "    | sx-read --time-field timestamp --watermark 10m | sx-sink --format table\n"
    "  sx-gen --events 0 --users 50 --users-table users.csv\n"
    "  sx-gen --events inf --rate 20 --start now --batch-dir incoming --batch-size 100\n"
    "  sx-gen --events 10000000 > events.ndjson\n"
    "  sx-gen --events 1000000 --rate 100000 --wall-clock | sx-read --time-field timestamp ...\n"
    "More: man sx-gen; the stream protocol: man sx."};

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int sig) {
  g_stop = 1;
  std::signal(sig, SIG_DFL);  // a second ^C ends the process at once
}

// SIGINT and SIGTERM end the run cleanly (buffered lines written, the last
// partial batch file published), unless the shell had them ignored (nohup, a
// background job), which stays so.
void catch_stop_signals() {
  for (int sig : {SIGINT, SIGTERM}) {
    if (std::signal(sig, on_signal) == SIG_IGN) std::signal(sig, SIG_IGN);
  }
}

// A whole number >= `min`, or (when allowed) "inf", which gives UINT64_MAX.
std::uint64_t parse_count(const char* flag, const std::string& text, const char* what,
                          std::uint64_t min, bool allow_inf = false) {
  if (allow_inf && (text == "inf" || text == "infinite")) return UINT64_MAX;
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || v < min) {
    throw sx::usage_error(std::string(flag) + ": '" + text + "' is not " + what +
                          "; give a whole number >= " + std::to_string(min) +
                          (allow_inf ? " or 'inf'" : ""));
  }
  return v;
}

double parse_number(const char* flag, const std::string& text, double min, double max,
                    const char* what) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v) || v < min || v > max) {
    throw sx::usage_error(std::string(flag) + ": '" + text + "' is not " + what);
  }
  return v;
}

// A duration flag, bounded so that event-time arithmetic cannot overflow.
sx::Micros parse_span(const char* flag, const std::string& text) {
  sx::Micros d = 0;
  try {
    d = sx::parse_duration(text);
  } catch (const sx::Error& e) {
    throw sx::usage_error(std::string(flag) + ": " + e.what());
  }
  constexpr sx::Micros kMaxSpan = sx::kMaxEventTime - sx::kMinEventTime;
  if (d > kMaxSpan) throw sx::usage_error(std::string(flag) + ": '" + text + "' is too long");
  return d;
}

sx::EventTime parse_start(const std::string& text) {
  if (text == "now") {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return {std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()};
  }
  sx::EventTime t;
  std::string why;
  if (!sx::TimeParser().parse(text, &t, &why)) {
    throw sx::usage_error("--start: " + why + "; or give 'now'");
  }
  return t;
}

struct Flags {
  std::string seed = "1";
  std::string events = "1000";
  std::string start = "2024-01-01T00:00:00Z";
  std::string time_step;  // default: 100ms, or 1/rate with --rate
  std::string rate = "0";
  std::string late_fraction = "0";
  std::string late_max = "10m";
  std::string duplicate_fraction = "0";
  std::string users = "1000";
  std::string users_table;
  std::string batch_dir;
  std::string batch_size = "100";
  bool wall_clock = false;
  CLI::Option* batch_size_option = nullptr;
};

void define(CLI::App& app, Flags& f) {
  app.add_option("--seed", f.seed, "Seed of the pseudo-random sequence; same seed, same output")
      ->default_val("1")
      ->type_name("N");
  app.add_option("--events", f.events,
                 "Lines to write, duplicates included; 'inf' runs until killed or the reader "
                 "goes away; 0 writes none")
      ->default_val("1000")
      ->type_name("N|inf");
  app.add_option("--start", f.start,
                 "Event time of the first event: ISO-8601, epoch seconds, or 'now' (the one "
                 "non-deterministic choice)")
      ->default_val("2024-01-01T00:00:00Z")
      ->type_name("TIME");
  app.add_option("--time-step", f.time_step,
                 "Mean event-time gap between events; each gap is uniform in 0..2x this "
                 "(default 100ms; with --rate, 1/EPS, so event time keeps up with the clock)")
      ->type_name("DURATION");
  app.add_option("--rate", f.rate,
                 "Write EPS lines per second in real time (fractions allowed); 0 is as fast as "
                 "possible")
      ->default_val("0")
      ->type_name("EPS");
  app.add_option("--late-fraction", f.late_fraction,
                 "Probability (0..1) that an event is late: its timestamp is 1s..--late-max "
                 "behind the current event time")
      ->default_val("0")
      ->type_name("F");
  app.add_option("--late-max", f.late_max, "Largest lateness of a late event (at least 1s)")
      ->default_val("10m")
      ->type_name("DURATION");
  app.add_option("--duplicate-fraction", f.duplicate_fraction,
                 "Probability (0..1) that a line is an exact copy of one of the last 100 events "
                 "written (same event_id and timestamp)")
      ->default_val("0")
      ->type_name("F");
  app.add_option("--users", f.users, "Number of users: user_id is uniform in 1..N")
      ->default_val("1000")
      ->type_name("N");
  app.add_option("--users-table", f.users_table,
                 "Also write the users as CSV (user_id,name,tier) to FILE, before the events")
      ->type_name("FILE");
  app.add_option("--batch-dir", f.batch_dir,
                 "Write the events to DIR/batch_000000.json, batch_000001.json, ... instead of "
                 "stdout, each renamed into place when complete; DIR is created if missing")
      ->type_name("DIR");
  app.add_flag("--wall-clock", f.wall_clock,
               "Stamp each event with the wall clock (UTC, microseconds) when it is made, instead "
               "of --start and --time-step: with --rate, for latency measurements");
  f.batch_size_option =
      app.add_option("--batch-size", f.batch_size, "Lines per file of --batch-dir")
          ->default_val("100")
          ->type_name("N");
}

// Writes `lines` lines of `stream` to `sink`, paced when `pacer` is set.
// Returns false when interrupted by a signal.
template <class Sink>
bool generate(sx::gen::Clickstream& stream, std::uint64_t lines, sx::gen::Pacer* pacer,
              bool wall_clock, Sink& sink) {
  for (std::uint64_t i = 0; lines == UINT64_MAX || i < lines; ++i) {
    if (pacer) pacer->before(i, sink);
    if (g_stop) return false;
    if (wall_clock) {
      stream.set_now(std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
    }
    sink.write(stream.next());
  }
  return true;
}

int run(const Flags& f) {
  sx::gen::ClickstreamOptions opt;
  opt.seed = parse_count("--seed", f.seed, "a seed", 0);
  const std::uint64_t events = parse_count("--events", f.events, "a number of lines", 0, true);
  opt.start = parse_start(f.start);
  const double rate = parse_number("--rate", f.rate, 0, 1e12,
                                   "a rate; give lines per second >= 0 (0: as fast as possible)");
  if (!f.time_step.empty()) {
    opt.time_step = parse_span("--time-step", f.time_step);
  } else if (rate > 0) {
    opt.time_step = std::max<sx::Micros>(1, std::llround(1e6 / rate));
  }
  const char* fraction = "a fraction; give a number from 0 to 1 (e.g. 0.05 for 5%)";
  opt.late_fraction = parse_number("--late-fraction", f.late_fraction, 0, 1, fraction);
  opt.late_max = parse_span("--late-max", f.late_max);
  if (opt.late_max < sx::kMicrosPerSecond) {
    throw sx::usage_error("--late-max: '" + f.late_max +
                          "' is shorter than 1s, the least lateness of a late event");
  }
  opt.duplicate_fraction =
      parse_number("--duplicate-fraction", f.duplicate_fraction, 0, 1, fraction);
  opt.users = parse_count("--users", f.users, "a number of users", 1);
  const std::uint64_t batch_size =
      parse_count("--batch-size", f.batch_size, "a number of lines", 1);
  if (f.batch_size_option->count() != 0 && f.batch_dir.empty()) {
    throw sx::usage_error("--batch-size applies to --batch-dir; give --batch-dir DIR too");
  }

  if (!f.users_table.empty()) {
    auto table = sx::Output::open_file(f.users_table);
    sx::gen::write_users_table(*table, opt.users, opt.seed);
    table->flush();
  }

  catch_stop_signals();
  sx::gen::Clickstream stream(opt);
  sx::gen::Pacer pacer(rate > 0 ? rate : 1, &g_stop);
  sx::gen::Pacer* paced = rate > 0 ? &pacer : nullptr;
  bool done;
  if (!f.batch_dir.empty()) {
    sx::gen::BatchDir dir(f.batch_dir, batch_size);
    done = generate(stream, events, paced, f.wall_clock, dir);
    dir.finish();
  } else {
    sx::Output out(1);
    done = generate(stream, events, paced, f.wall_clock, out);
    out.flush();
  }
  return done ? sx::kExitOk : sx::kExitInterrupted;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  return sx::tool_main(
      kInfo, argc, argv, [&](CLI::App& app) { define(app, flags); }, [&]() { return run(flags); });
}
