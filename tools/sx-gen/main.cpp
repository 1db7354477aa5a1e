// sx-gen: deterministic clickstream events for tests, demos and benchmarks.
// Flags in; gen_run.h checks them and writes the events.
#include <string>

#include "cli/cli.h"
#include "gen_run.h"

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
    "  sx-gen --events 1000000 --format combined > access.log\n"
    "  sx-gen --events 1000000 --rate 100000 --wall-clock | sx-read --time-field timestamp ...\n"
    "More: man sx-gen; the stream protocol: man sx."};

void define(CLI::App& app, sx::gen::GenFlags& f) {
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
  app.add_option("--format", f.format,
                 "ndjson (default), combined (each event as an nginx access log line: "
                 "man sx-gen) or csv (a header line, then one row per event)")
      ->default_val("ndjson")
      ->type_name("FORMAT");
  app.add_flag("--wall-clock", f.wall_clock,
               "Stamp each event with the wall clock (UTC, microseconds) when it is made, instead "
               "of --start and --time-step: with --rate, for latency measurements");
  app.add_option("--batch-size", f.batch_size, "Lines per file of --batch-dir")
      ->default_val("100")
      ->type_name("N");
}

}  // namespace

int main(int argc, char** argv) {
  sx::gen::GenFlags flags;
  return sx::tool_main(
      kInfo, argc, argv, [&](CLI::App& app) { define(app, flags); },
      [&](const CLI::App& app) {
        flags.batch_size_given = app.count("--batch-size") > 0;
        return sx::gen::run_gen(flags);
      });
}
