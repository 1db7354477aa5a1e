// sx-dedup: streaming deduplication. Flags in, DedupOperator (ops/dedup.h) out.
#include "cli/cli.h"
#include "cli/stage_tool.h"
#include "ops/dedup.h"

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
  sx::StageFlags stage;
  sx::DedupOptions opt;
  sx::TimeFlags time;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        sx::add_inputs_arg(app, stage.inputs);
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
        sx::add_lock_flag(app, stage.wait_lock);
        sx::add_progress_flag(app, stage.progress);
        sx::add_time_flags(app, time);
        sx::add_input_flags(app, stage.input);
      },
      [&](const CLI::App& app) {
        sx::time_override(app, time, &opt.time);
        return sx::run_stage_tool(stage, opt.checkpoint, opt.name,
                                  [&](sx::Output& out, sx::BadInputPolicy& bad) {
                                    return std::make_unique<sx::DedupOperator>(opt, out, bad);
                                  });
      });
}
