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
    "sx-read [FILE|DIR ...] -- turn NDJSON files, directories or stdin into an sx event stream.\n"
    "sx-read --kafka BROKERS --subscribe TOPICS -- the same from Kafka topics (man sx-read).\n\n"
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
    "  sx-read --kafka localhost:9092 --subscribe events --checkpoint ck --time-field ts \\\n"
    "    | sx-sink --checkpoint ck --path out/      # Kafka; offsets in the checkpoint\n"
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
  std::string subscribe, ending, data_loss = "true", kafka_timeout;
  std::vector<std::string> kafka_options;
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
        // Kafka (lib/source/kafka_source.h); sx-read(1), KAFKA.
        app.add_option("--kafka", opt.kafka.brokers,
                       "Read Kafka topics from these brokers (HOST:PORT,...) instead of files")
            ->check(sx::non_empty_check("brokers such as localhost:9092"))
            ->type_name("BROKERS")
            ->group("Kafka");
        app.add_option("--subscribe", subscribe, "--kafka: the topics to read (T1,T2)")
            ->type_name("TOPICS")
            ->group("Kafka");
        app.add_option("--subscribe-pattern", opt.kafka.pattern,
                       "--kafka: read every topic whose whole name matches REGEX (new ones too)")
            ->type_name("REGEX")
            ->group("Kafka");
        app.add_option("--assign", opt.kafka.assign,
                       "--kafka: read these partitions, as Spark's JSON: {\"t\":[0,1]}")
            ->type_name("JSON")
            ->group("Kafka");
        app.add_option("--starting-offsets", opt.kafka.starting,
                       "--kafka, first run: earliest, latest (default) or Spark's JSON "
                       "{\"t\":{\"0\":23,\"1\":-2}} (-2 earliest, -1 latest)")
            ->type_name("OFFSETS")
            ->group("Kafka");
        app.add_option("--ending-offsets", ending,
                       "--kafka: latest: read up to the offsets latest at start, then end the "
                       "stream (a bounded stream, its final watermark closes every window)")
            ->type_name("latest")
            ->group("Kafka");
        app.add_option("--max-offsets-per-trigger", opt.kafka.max_offsets,
                       "--kafka: offsets per epoch at most, shared by the partitions in "
                       "proportion to what each has to read")
            ->type_name("N")
            ->transform(sx::count_check(1))
            ->group("Kafka");
        app.add_option("--fail-on-data-loss", data_loss,
                       "--kafka: true (default): offsets gone before they were read (retention, "
                       "a deleted topic) are an error; false: a warning, and they are skipped")
            ->type_name("true|false")
            ->group("Kafka");
        app.add_option("--kafka-option", kafka_options,
                       "--kafka: a librdkafka setting, e.g. security.protocol=SASL_SSL "
                       "(repeatable)")
            ->type_name("KEY=VALUE")
            ->group("Kafka");
        app.add_option("--kafka-metadata", opt.kafka.metadata,
                       "--kafka: add the message's topic, partition, offset, timestamp, "
                       "timestampType, key and headers to each record as object FIELD")
            ->type_name("FIELD")
            ->group("Kafka");
        app.add_option("--value-format", opt.kafka.value_format,
                       "--kafka: json (default: each value one record, read as --format says) or "
                       "avro (with --avro-schema or --schema-registry)")
            ->type_name("json|avro")
            ->group("Kafka");
        app.add_option("--avro-schema", opt.kafka.avro_schema,
                       "--value-format avro: the values' schema (an .avsc file); no header")
            ->type_name("FILE")
            ->group("Kafka");
        app.add_option("--schema-registry", opt.kafka.schema_registry,
                       "--value-format avro: values in Confluent's wire format, schemas fetched "
                       "by id from this registry (GET URL/schemas/ids/ID)")
            ->type_name("URL")
            ->group("Kafka");
        app.add_option("--kafka-timeout", kafka_timeout,
                       "--kafka: how long brokers may be unreachable before sx-read gives up "
                       "(default 60s)")
            ->type_name("DURATION")
            ->group("Kafka");
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
        if (opt.kafka.brokers.empty()) {
          for (const char* flag :
               {"--subscribe", "--subscribe-pattern", "--assign", "--starting-offsets",
                "--ending-offsets", "--max-offsets-per-trigger", "--fail-on-data-loss",
                "--kafka-option", "--kafka-metadata", "--kafka-timeout", "--value-format",
                "--avro-schema", "--schema-registry"}) {
            if (app.get_option(flag)->count() > 0) {
              throw sx::usage_error(std::string(flag) + " is for --kafka BROKERS");
            }
          }
        }
        for (std::size_t at = 0; !subscribe.empty() && at <= subscribe.size();) {
          const std::size_t comma = std::min(subscribe.find(',', at), subscribe.size());
          if (comma > at) opt.kafka.subscribe.push_back(subscribe.substr(at, comma - at));
          at = comma + 1;
        }
        if (!ending.empty() && ending != "latest") {
          throw sx::usage_error("--ending-offsets: '" + ending +
                                "' is not latest (the one ending sx-read knows)");
        }
        opt.kafka.ending_latest = ending == "latest";
        if (data_loss != "true" && data_loss != "false") {
          throw sx::usage_error("--fail-on-data-loss takes true or false, not '" + data_loss + "'");
        }
        opt.kafka.fail_on_data_loss = data_loss == "true";
        for (const auto& kv : kafka_options) {
          const auto eq = kv.find('=');
          if (eq == std::string::npos || eq == 0) {
            throw sx::usage_error(
                "--kafka-option takes KEY=VALUE, e.g. security.protocol=SSL, "
                "not '" +
                kv + "'");
          }
          opt.kafka.options.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        }
        if (!kafka_timeout.empty()) {
          opt.kafka.timeout = sx::flag_duration("--kafka-timeout", kafka_timeout);
        }
        if (!opt.kafka.brokers.empty()) opt.progress_line = false;
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
