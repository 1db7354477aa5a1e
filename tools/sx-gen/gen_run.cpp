#include "gen_run.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <string>
#include <system_error>

#include "base/duration.h"
#include "base/error.h"
#include "base/time_parser.h"
#include "batch_dir.h"
#include "clickstream.h"
#include "io/output.h"
#include "pacer.h"
#include "users_table.h"

namespace sx::gen {

namespace {

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
    throw usage_error(std::string(flag) + ": '" + text + "' is not " + what +
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
    throw usage_error(std::string(flag) + ": '" + text + "' is not " + what);
  }
  return v;
}

// A duration flag, bounded so that event-time arithmetic cannot overflow.
Micros parse_span(const char* flag, const std::string& text) {
  Micros d = 0;
  try {
    d = parse_duration(text);
  } catch (const Error& e) {
    throw usage_error(std::string(flag) + ": " + e.what());
  }
  constexpr Micros kMaxSpan = kMaxEventTime - kMinEventTime;
  if (d > kMaxSpan) throw usage_error(std::string(flag) + ": '" + text + "' is too long");
  return d;
}

EventTime parse_start(const std::string& text) {
  if (text == "now") {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return {std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()};
  }
  EventTime t;
  std::string why;
  if (!TimeParser().parse(text, &t, &why)) {
    throw usage_error("--start: " + why + "; or give 'now'");
  }
  return t;
}

// Writes `lines` lines of `stream` to `sink`, paced when `pacer` is set.
// Returns false when interrupted by a signal.
template <class Sink>
bool generate(Clickstream& stream, std::uint64_t lines, Pacer* pacer, bool wall_clock, Sink& sink) {
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

}  // namespace

int run_gen(const GenFlags& f) {
  ClickstreamOptions opt;
  if (f.format == "combined") {
    opt.format = GenFormat::kCombined;
  } else if (f.format == "csv") {
    opt.format = GenFormat::kCsv;
  } else if (f.format != "ndjson") {
    throw usage_error("--format: '" + f.format + "' is not a format (use ndjson, combined or csv)");
  }
  opt.seed = parse_count("--seed", f.seed, "a seed", 0);
  const std::uint64_t events = parse_count("--events", f.events, "a number of lines", 0, true);
  opt.start = parse_start(f.start);
  const double rate = parse_number("--rate", f.rate, 0, 1e12,
                                   "a rate; give lines per second >= 0 (0: as fast as possible)");
  if (!f.time_step.empty()) {
    opt.time_step = parse_span("--time-step", f.time_step);
  } else if (rate > 0) {
    opt.time_step = std::max<Micros>(1, std::llround(1e6 / rate));
  }
  const char* fraction = "a fraction; give a number from 0 to 1 (e.g. 0.05 for 5%)";
  opt.late_fraction = parse_number("--late-fraction", f.late_fraction, 0, 1, fraction);
  opt.late_max = parse_span("--late-max", f.late_max);
  if (opt.late_max < kMicrosPerSecond) {
    throw usage_error("--late-max: '" + f.late_max +
                      "' is shorter than 1s, the least lateness of a late event");
  }
  opt.duplicate_fraction =
      parse_number("--duplicate-fraction", f.duplicate_fraction, 0, 1, fraction);
  opt.users = parse_count("--users", f.users, "a number of users", 1);
  const std::uint64_t batch_size =
      parse_count("--batch-size", f.batch_size, "a number of lines", 1);
  if (f.batch_size_given && f.batch_dir.empty()) {
    throw usage_error("--batch-size applies to --batch-dir; give --batch-dir DIR too");
  }

  if (!f.users_table.empty()) {
    auto table = Output::open_file(f.users_table);
    write_users_table(*table, opt.users, opt.seed);
    table->flush();
  }

  catch_stop_signals();
  Clickstream stream(opt);
  Pacer pacer(rate > 0 ? rate : 1, &g_stop);
  Pacer* paced = rate > 0 ? &pacer : nullptr;
  bool done;
  if (!f.batch_dir.empty()) {
    const char* ext = opt.format == GenFormat::kCsv        ? ".csv"
                      : opt.format == GenFormat::kCombined ? ".log"
                                                           : ".json";
    BatchDir dir(f.batch_dir, batch_size, std::string(stream.header()), ext);
    done = generate(stream, events, paced, f.wall_clock, dir);
    dir.finish();
  } else {
    Output out(1);
    out.write(stream.header());
    done = generate(stream, events, paced, f.wall_clock, out);
    out.flush();
  }
  return done ? kExitOk : kExitInterrupted;
}

}  // namespace sx::gen
