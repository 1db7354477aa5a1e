// sx-join: the stream-static join. Flags in, JoinOperator (ops/join.h) out.
#include <algorithm>

#include "cli/cli.h"
#include "cli/stage_tool.h"
#include "ops/join.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-join",
    "sx-join [FILE ...] -- join an sx stream with a static table (a stream-static join).\n\n"
    "Reads an sx stream (or any NDJSON) and looks each record's --on key up in the --static\n"
    "file (CSV with a header, or NDJSON; .zst too), loaded into memory at start. inner\n"
    "(the default) writes the record with the matching row's columns appended, once per\n"
    "matching row; left also writes records without a match, with those columns null;\n"
    "semi writes the records that match, anti those that do not, both unchanged. A\n"
    "missing or null key never matches (SQL NULL). Keys compare as text: 1, 1.0 and \"1\"\n"
    "are equal. A static column named like a field of the record gets --prefix. Control\n"
    "records pass through; with --reload the file is read again at epoch boundaries when\n"
    "it changed (replace it by rename).",
    "Examples:\n"
    "  sx-read --time-field timestamp events.ndjson | sx-join --static users.csv --on user_id\n"
    "  ... | sx-join --static users.csv --on user_id --how left --select name,tier\n"
    "  ... | sx-join --static users.ndjson.zst --on uid=user_id --prefix u_\n"
    "  ... | sx-join --static blocked.csv --on ip,port --how anti\n"
    "  ... | sx-join --static prices.txt --static-format csv --on sku --reload\n"
    "  ... | sx-join --static users.csv --on user_id --on-error skip --max-line-bytes 1MiB\n"
    "More: man sx-join; the stream protocol: man sx."};

}  // namespace

int main(int argc, char** argv) {
  sx::StageFlags stage;
  std::vector<std::string> on, select;
  std::string static_format, how = "inner", prefix;
  sx::JoinOptions opt;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        sx::add_inputs_arg(app, stage.inputs);
        app.add_option("--static", opt.table.path,
                       "The static table: CSV with a header line, or NDJSON; .zst compressed "
                       "files too")
            ->required()
            ->type_name("FILE");
        app.add_option("--static-format", static_format,
                       "csv or ndjson (default: by the name, .csv or .ndjson/.jsonl/.json, "
                       "else by the first character: '{' is NDJSON)")
            ->type_name("FORMAT");
        app.add_option("--on", on,
                       "Join key (repeatable, or comma-separated: all must match): KEY on both "
                       "sides, or STREAM_KEY=STATIC_KEY; a dotted stream key reaches into objects")
            ->required()
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("KEYS");
        app.add_option("--how", how, "inner, left, semi or anti (see above)")
            ->default_val("inner")
            ->type_name("HOW");
        app.add_option("--select", select,
                       "Static columns to append, comma-separated, in this order (default: all "
                       "but the key columns named as their stream key: --on a=b keeps b)")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("COLUMNS");
        app.add_option("--prefix", prefix,
                       "Put before the name of a static column that the stream record already "
                       "has (default: the file's base name and _, e.g. users_)")
            ->type_name("P");
        app.add_option("--checkpoint", opt.checkpoint,
                       "Record at each epoch which version of the static file the next epoch "
                       "joins with, in DIR (the pipeline's --checkpoint directory)")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        sx::add_name_flag(app, opt.name);
        sx::add_lock_flag(app, stage.wait_lock);
        app.add_flag("--reload", opt.reload,
                     "At each epoch record, read --static again if it changed (mtime, size, "
                     "inode); a file that does not load keeps the old table, with a warning");
        sx::add_progress_flag(app, stage.progress);
        sx::add_input_flags(app, stage.input);
      },
      [&](const CLI::App& app) {
        for (const auto& k : on) opt.on.push_back(sx::parse_join_key(k));
        opt.how = sx::parse_join_how(how);
        if (!static_format.empty()) opt.table.format = sx::parse_static_format(static_format);
        if (app.get_option("--select")->count() > 0) opt.table.select = select;
        if (app.get_option("--prefix")->count() > 0) opt.prefix = prefix;
        opt.table.max_line_bytes = stage.input.max_line_bytes;
        const bool stream_on_stdin =
            stage.inputs.empty() ||
            std::find(stage.inputs.begin(), stage.inputs.end(), "-") != stage.inputs.end();
        if (opt.table.path == "-" && stream_on_stdin) {
          throw sx::usage_error("--static -: the stream is on stdin too; give the table as a file");
        }
        return sx::run_stage_tool(stage, opt.checkpoint, opt.name,
                                  [&](sx::Output& out, sx::BadInputPolicy& bad) {
                                    return std::make_unique<sx::JoinOperator>(opt, out, bad);
                                  });
      });
}
