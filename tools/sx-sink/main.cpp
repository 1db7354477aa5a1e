// sx-sink: the end of an sx pipeline. Flags in, StdoutSinkOperator (lib/sink/stdout_sink.h) out.
#include "base/signals.h"
#include "cli/cli.h"
#include "sink/dir_sink.h"
#include "sink/stdout_sink.h"
#include "stream/checkpoint.h"
#include "stream/run_lock.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-sink",
    "sx-sink [FILE ...] -- write the records of an sx stream for people or other programs.\n\n"
    "Reads an sx stream (or any NDJSON) on stdin. ndjson (the default) writes the data\n"
    "records as their original bytes and drops the control records, so the output is plain\n"
    "NDJSON for jq, mlr or a file; --keep-control keeps them for another sx stage. table\n"
    "prints each epoch as Spark's console sink does: a 'Batch: N' banner and an aligned\n"
    "table. csv writes a header from the first record's keys, then one row per record.\n"
    "Writing to stdout is at-least-once across restarts; --path DIR (with --checkpoint) writes\n"
    "files exactly-once, in append, update or complete mode, optionally partitioned and\n"
    "zstd-compressed.",
    "Examples:\n"
    "  sx-gen --events 2000 | sx-read --time-field timestamp --watermark 10m | sx-sink --format "
    "table\n"
    "  sx-read --time-field ts events.ndjson | sx-sink --format csv --output events.csv\n"
    "  sx-read --time-field ts events.ndjson | sx-sink --keep-control > stream.ndjson\n"
    "  sx-sink --format table --num-rows 0 --truncate 0 < stream.ndjson\n"
    "  sx-read --checkpoint ck in/ | sx-sink --checkpoint ck --path out/   # exactly-once files\n"
    "  ... | sx-sink --checkpoint ck --path out/ --partition-by country,day --compress zstd\n"
    "  ... | sx-window --by user --agg count --mode complete --checkpoint ck \\\n"
    "      | sx-sink --checkpoint ck --path out/ --mode complete   # out/current/ is the table\n"
    "More: man sx-sink; the stream protocol: man sx."};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string format = "ndjson";
  std::string output, checkpoint, name = "sx-sink", path;
  std::string mode = "append", compress;
  std::vector<std::string> partition_by;
  std::size_t max_partitions = 10000;
  CLI::Option* max_partitions_opt = nullptr;
  CLI::Option* mode_opt = nullptr;
  sx::SinkOptions opt;
  sx::InputFlags input;
  bool wait_lock = false;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        app.add_option("inputs", inputs, "Streams to read; '-' or none: stdin")->type_name("FILE");
        app.add_option("--format", format, "ndjson, table or csv")
            ->default_val("ndjson")
            ->type_name("FORMAT");
        app.add_flag("--keep-control", opt.keep_control,
                     "ndjson: keep control records (stream, epoch, watermark) in the output");
        app.add_option("--output", output, "Write to FILE instead of stdout (replacing it)")
            ->type_name("FILE");
        app.add_option("--num-rows", opt.num_rows,
                       "table: rows shown per batch, 0 for all (Spark's numRows)")
            ->default_val(20)
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option("--truncate", opt.truncate,
                       "table: cut cells longer than N characters and right-align; 0: never cut, "
                       "left-align (Spark's truncate)")
            ->default_val(20)
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option("--checkpoint", checkpoint,
                       "Commit each epoch in DIR (the pipeline's --checkpoint directory), so a "
                       "restart resumes after it; stdout stays at-least-once, --path exactly-once")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        sx::add_name_flag(app, name);
        sx::add_lock_flag(app, wait_lock);
        app.add_option("--path", path,
                       "Write each epoch's records as files in DIR, visible only once the epoch "
                       "commits (exactly-once across restarts; needs --checkpoint)")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        mode_opt = app.add_option("--mode", mode,
                                  "--path: append (each epoch adds files), update (each epoch adds "
                                  "the rows that changed in it) or complete (each epoch's records "
                                  "replace the table in DIR/current atomically)")
                       ->default_val("append")
                       ->type_name("MODE");
        app.add_option("--partition-by", partition_by,
                       "--path: write each record under DIR/FIELD=VALUE/ (hive style; repeat or "
                       "comma-separate for nested folders; dotted paths reach into objects)")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("FIELD");
        max_partitions_opt =
            app.add_option("--max-partitions", max_partitions,
                           "--partition-by: fail when one epoch writes more than N partitions (a "
                           "folder and file each); 0: no limit")
                ->default_val(10000)
                ->transform(sx::count_check())
                ->type_name("N");
        app.add_option("--compress", compress,
                       "--path: zstd writes part-NNNNNNNN.ndjson.zst files (read with zstd -dc)")
            ->type_name("ALGO");
        sx::add_input_flags(app, input);
      },
      [&]() {
        opt.format = sx::parse_sink_format(format);
        sx::stop_on_signals();
        // The stage folder and the commit log, for the whole run (and --path below).
        sx::RunLock lock(checkpoint, name, wait_lock, /*committer=*/true);
        std::unique_ptr<sx::CheckpointDir> ckpt;
        if (!checkpoint.empty()) ckpt = std::make_unique<sx::CheckpointDir>(checkpoint, name);
        if (path.empty() && (mode_opt->count() > 0 || !partition_by.empty() || !compress.empty() ||
                             max_partitions_opt->count() > 0)) {
          throw sx::usage_error(
              "--mode, --partition-by, --max-partitions and --compress go with "
              "--path DIR (the directory sink)");
        }
        if (!path.empty()) {
          sx::DirSinkOptions dir;
          dir.path = path;
          dir.mode = sx::parse_sink_mode(mode);
          if (!compress.empty() && compress != "zstd") {
            throw sx::usage_error("--compress: unknown compression '" + compress + "' (use zstd)");
          }
          dir.zstd = !compress.empty();
          dir.max_partitions = max_partitions;
          for (const auto& f : partition_by) {
            for (const auto& seen : dir.partition_by) {
              if (seen.text() == f) throw sx::usage_error("--partition-by names " + f + " twice");
            }
            dir.partition_by.push_back(sx::FieldPath::parse(f));
          }
          if (!ckpt) {
            throw sx::usage_error(
                "--path needs --checkpoint DIR: the commit log is what makes an "
                "epoch's files appear exactly once");
          }
          if (!output.empty() || opt.format != sx::SinkFormat::kNdjson || opt.keep_control) {
            throw sx::usage_error(
                "--path writes NDJSON files; it does not go with --output, "
                "--format or --keep-control");
          }
          lock.lock_directory(dir.path);
          sx::Output none(1);
          sx::BadInputPolicy bad(input.on_error);
          sx::DirSinkOperator sink(std::move(dir), *ckpt, bad, none);
          sx::StageInput in{inputs, input.max_line_bytes};
          sx::run_stage(in, sink, none, bad);
          return sx::kExitOk;
        }
        opt.checkpoint = ckpt.get();
        std::unique_ptr<sx::Output> file;
        sx::Output stdout_out(1);
        sx::Output& out = output.empty() ? stdout_out : *(file = sx::Output::open_file(output));
        sx::BadInputPolicy bad(input.on_error);
        sx::StdoutSinkOperator sink(out, opt, out, bad);
        sx::StageInput in{inputs, input.max_line_bytes};
        sx::run_stage(in, sink, out, bad);
        if (file) file->sync();
        return sx::kExitOk;
      });
}
