// sx-dedup: streaming deduplication. Flags in, DedupOperator (lib/dedup.h) out.
#include "base/signals.h"
#include "cli/cli.h"
#include "ops/dedup.h"
#include "stream/run_lock.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-dedup",
    "sx-dedup [FILE ...] -- drop the records of an sx stream whose key was seen before.\n\n"
    "The first record of each --key passes through as its original bytes; later ones are\n"
    "dropped (kept with --duplicates FILE). As Spark's dropDuplicates(keys): when the\n"
    "event-time field is among the keys, a key is forgotten once the watermark reaches its\n"
    "time; otherwise keys are kept for the life of the stream. --within-watermark is\n"
    "dropDuplicatesWithinWatermark(keys): a key is held from its first event time until the\n"
    "watermark passes that time plus the watermark delay. With a watermark in force, a record\n"
    "at or before it is late: dropped, counted, kept with --late FILE.",
    "Examples:\n"
    "  sx-read --time-field timestamp --watermark 1h events/ | sx-dedup --key event_id,timestamp\n"
    "  sx-read --time-field timestamp --watermark 10m events/ \\\n"
    "    | sx-dedup --key event_id --within-watermark | sx-window --tumbling 5m --agg count\n"
    "  sx-read logs.ndjson | sx-dedup --key request.id --duplicates dups.ndjson\n"
    "  sx-dedup < plain.ndjson           # whole identical lines, kept for ever\n"
    "  sx-read --time-field ts big.ndjson | sx-dedup --key id --max-keys 50000000\n"
    "More: man sx-dedup; the stream protocol: man sx."};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  sx::DedupOptions opt;
  sx::InputFlags input;
  sx::TimeFlags time;
  CLI::App* app_ptr = nullptr;
  std::string progress;
  bool wait_lock = false;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        app_ptr = &app;
        app.add_option("inputs", inputs, "Streams to read; '-' or none: stdin")->type_name("FILE");
        app.add_option("--key", opt.keys,
                       "Key fields, comma-separated; dotted paths reach into objects; a missing "
                       "field is null. None: the whole record, byte for byte")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("FIELDS");
        app.add_flag("--within-watermark", opt.within_watermark,
                     "Spark's dropDuplicatesWithinWatermark: hold a key until the watermark passes "
                     "its first event time plus the delay (needs a watermark)");
        app.add_option(
               "--duplicates", opt.duplicates_file,
               "Append dropped duplicates to FILE ({\"source\",\"line\",\"reason\",\"raw\"})")
            ->type_name("FILE");
        app.add_option("--late", opt.late_file, "Append late records to FILE with the reason")
            ->type_name("FILE");
        app.add_option("--max-keys", opt.max_keys,
                       "Fail when more than N keys are held (default 0: no limit)")
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option("--checkpoint", opt.checkpoint,
                       "Save the keys held after each epoch in DIR (the pipeline's --checkpoint "
                       "directory); a restart resumes from the last committed epoch")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        sx::add_name_flag(app, opt.name);
        sx::add_lock_flag(app, wait_lock);
        sx::add_progress_flag(app, progress);
        sx::add_time_flags(app, time);
        sx::add_input_flags(app, input);
      },
      [&]() {
        sx::time_override(*app_ptr, time, &opt.time);
        sx::Output out(1);
        sx::BadInputPolicy bad(input.on_error);
        sx::DedupOperator op(opt, out, bad);
        std::unique_ptr<sx::ProgressWriter> writer;
        if (!progress.empty()) writer = std::make_unique<sx::ProgressWriter>(progress, opt.name);
        sx::StageInput in{inputs, input.max_line_bytes, writer.get()};
        sx::stop_on_signals();
        const sx::RunLock lock(opt.checkpoint, opt.name, wait_lock);
        sx::run_stage(in, op, out, bad);
        return sx::kExitOk;
      });
}
