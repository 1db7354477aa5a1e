// sx-read: the source of an sx pipeline. Flags in, a Source (lib/source/source.h) out.
#include <unistd.h>

#include <algorithm>

#include "base/duration.h"
#include "base/signals.h"
#include "cli/cli.h"
#include "io/output.h"
#include "source/source.h"
#include "stream/run_lock.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-read",
    "sx-read [FILE|DIR ...] -- turn NDJSON files, directories or stdin into an sx event stream.\n\n"
    "Every line must be one JSON object, unless --format says how to read it (CSV, logfmt,\n"
    "Apache/nginx, syslog, a regex). sx-read validates it, reads its event time from\n"
    "--time-field, and forwards it byte for byte (other formats: the JSON object made of it).\n"
    "It opens the stream with a `stream` record and cuts it into epochs (micro-batches) at\n"
    "deterministic points: by default one epoch per input file, and one per 100000 records\n"
    "on stdin. Live input (a stdin pipe or terminal, --follow) also ends an epoch when it has\n"
    "been open 10ms (--trigger interval=D: D), so results show at once under steady traffic.\n"
    "After each epoch it sends the watermark (max event time seen so far minus --watermark)\n"
    "to the stages downstream.\n"
    "At the end of a finite input it sends a final watermark, so every open window closes.\n"
    "Directories are read in name order; files named .* or _* are skipped.",
    "Examples:\n"
    "  sx-read --time-field timestamp --watermark 10m events/ | sx-sink --format table\n"
    "  sx-gen --events 1000 | sx-read --time-field timestamp | sx-sink --format csv\n"
    "  sx-read --format combined --time-field time_local access.log.1 access.log.2.gz | sx-sink\n"
    "  sx-read --time-field ts --on-error dead-letter=bad.ndjson logs.ndjson.zst | sx-sink\n"
    "  sx-read --follow --time-field timestamp --watermark 1m incoming/ | sx-sink\n"
    "  sx-read --checkpoint ck --trigger available-now --time-field ts in/ \\\n"
    "    | sx-sink --checkpoint ck --path out/      # from cron: each run adds what is new\n"
    "  sx-read --follow --checkpoint ck --trigger interval=10s --time-field ts app.log in/ \\\n"
    "    | sx-sink --checkpoint ck --path out/      # live; a restart goes on where it was\n"
    "Protocol, epochs and watermarks: man sx; this tool: man sx-read."};

}  // namespace

int main(int argc, char** argv) {
  sx::SourceOptions opt;
  sx::InputFlags input;
  sx::TimeFlags time;
  std::string watermark;
  std::string idle = "100ms";
  std::string trigger = "continuous";
  bool no_line = false;
  bool wait_lock = false;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        app.add_option("inputs", opt.inputs, "Files or directories to read; '-' or none: stdin")
            ->type_name("FILE|DIR");
        app.add_option("--format", opt.format,
                       "How lines become records: ndjson (default), csv, tsv, logfmt, clf, "
                       "combined (Apache/nginx), syslog, lines or regex:PATTERN (named groups)")
            ->type_name("FORMAT");
        app.add_flag("--strings", opt.format_options.strings,
                     "csv, tsv: keep every cell a string (default: a cell that is a JSON number "
                     "becomes a number)");
        app.add_option("--year", opt.format_options.year,
                       "syslog (RFC 3164, no year in its timestamps): the year of the lines "
                       "(default: inferred, see man sx-read)")
            ->type_name("YEAR");
        sx::add_time_flags(app, time);
        app.add_option("--watermark", watermark,
                       "Watermark delay: how late an event may arrive and still count "
                       "(e.g. 10m); needs --time-field")
            ->check(sx::non_empty_check("a delay such as 10m (0s: no delay)"))
            ->type_name("DELAY");
        app.add_option("--max-files-per-trigger", opt.max_files_per_trigger,
                       "Files per epoch (default 1 when no other limit is given)")
            ->type_name("N")
            ->transform(sx::count_check(1));
        app.add_option("--max-records-per-trigger", opt.max_records_per_trigger,
                       "Records per epoch at most (default on stdin: 100000)")
            ->type_name("N")
            ->transform(sx::count_check(1));
        app.add_flag("--follow", opt.follow,
                     "Keep reading: lines appended to files (surviving rotation, like tail -F) "
                     "and new files in directories");
        app.add_option("--idle-epoch", idle,
                       "End the epoch when a live input (--follow, or a stdin pipe) has been "
                       "quiet this long; 0 turns it off")
            ->default_val("100ms")
            ->check(sx::non_empty_check("a duration such as 100ms (0: off)"))
            ->type_name("DURATION");
        app.add_option("--checkpoint", opt.checkpoint,
                       "Record the position after each epoch in DIR (shared by the pipeline's "
                       "stages); a restart goes on after the last epoch the sink committed (with "
                       "--follow too: in each tailed file at its offset)")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        sx::add_name_flag(app, opt.name);
        sx::add_lock_flag(app, wait_lock);
        app.add_flag("--reset", opt.reset,
                     "Empty the --checkpoint directory first: start over from the beginning");
        app.add_option("--trigger", trigger,
                       "continuous (default: the input's end ends the stream), available-now (read "
                       "what is there in epochs, then stop; the stream goes on next run), once "
                       "(one epoch; both need --checkpoint) or interval=10s (live input: an epoch "
                       "ends when open 10s; default 10ms, with --checkpoint 1s)")
            ->type_name("TRIGGER");
        sx::add_progress_flag(app, opt.progress);
        app.add_flag("--progress-line", opt.progress_line,
                     "Show bytes read, records/s and an ETA on stderr (default: when stderr is a "
                     "terminal and the inputs are files)");
        app.add_flag("--no-progress-line", no_line, "Never show the progress line");
        sx::add_input_flags(app, input);
      },
      [&](const CLI::App& app) {
        opt.stream.time_field = time.time_field;
        opt.stream.time_format = time.time_format;
        // clf and combined: time_local is read without --time-format.
        if (app.get_option("--time-format")->count() == 0) {
          const std::string f = sx::default_time_format(opt.format, time.time_field);
          if (!f.empty()) opt.stream.time_format = f;
        }
        opt.stream.time_zone = time.time_zone;
        if (!watermark.empty()) {
          opt.stream.watermark_delay = sx::flag_duration("--watermark", watermark, true);
        }
        opt.idle_epoch = sx::flag_duration("--idle-epoch", idle, true);
        const bool files = !opt.inputs.empty() &&
                           std::find(opt.inputs.begin(), opt.inputs.end(), "-") == opt.inputs.end();
        if (!opt.progress_line) opt.progress_line = files && !opt.follow && ::isatty(2);
        if (no_line) opt.progress_line = false;
        if (opt.follow && (trigger == "available-now" || trigger == "once")) {
          throw sx::usage_error("--trigger " + trigger +
                                " stops when what is there now has been read, while --follow "
                                "waits for more: for a live pipeline use --follow (with --trigger "
                                "interval=D for an epoch every D), from cron --trigger " +
                                trigger + " without --follow");
        }
        if (trigger == "available-now") {
          opt.trigger = sx::SourceOptions::Trigger::kAvailableNow;
        } else if (trigger == "once") {
          opt.trigger = sx::SourceOptions::Trigger::kOnce;
        } else if (trigger.rfind("interval=", 0) == 0) {
          opt.interval = sx::flag_duration("--trigger interval", trigger.substr(9));
        } else if (trigger != "continuous") {
          throw sx::usage_error("--trigger: '" + trigger +
                                "' is not a trigger (use continuous, available-now, once or "
                                "interval=DURATION)");
        }
        opt.on_error = input.on_error;
        opt.max_line_bytes = input.max_line_bytes;
        opt.format_options.max_record_bytes = input.max_line_bytes;
        sx::stop_on_signals();
        // Before --reset and before anything is read: one run at a time.
        const sx::RunLock lock(opt.checkpoint, opt.name, wait_lock);
        sx::Output out(1);
        sx::make_source(std::move(opt), out)->run();
        out.flush();
        return sx::kExitOk;
      });
}
