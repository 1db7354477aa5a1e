// sx-window: event-time windowed and running aggregations. Flags in, a plan
// (ops/window_plan.h) and a WindowOperator (ops/window_operator.h) out.
#include "cli/cli.h"
#include "cli/stage_tool.h"
#include "ops/window_aggs.h"
#include "ops/window_operator.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-window",
    "sx-window [FILE ...] -- aggregate an sx stream per event-time window and group key.\n\n"
    "Reads an sx stream (from sx-read) on stdin and writes one record per window and\n"
    "group: window_start, window_end, the --by keys, then the --agg results. Windows are\n"
    "half-open [start, end) and aligned to the Unix epoch (plus --offset); --session\n"
    "windows close after GAP without events; with no window flag the aggregation runs\n"
    "for ever per key. --mode append (the default for windows) writes each window once,\n"
    "when the watermark passes its end (on a bounded stream, a file read by sx-read\n"
    "without --follow, no watermark is needed: its end closes every window); update\n"
    "writes the rows changed in each epoch;\n"
    "complete writes the whole table each epoch. Records whose window the watermark had\n"
    "already closed are late: not applied, counted, and kept with --late FILE.",
    "Examples:\n"
    "  sx-read --time-field ts --watermark 1m clicks.ndjson \\\n"
    "    | sx-window --tumbling 1m --by user_id --agg count | sx-sink --format table\n"
    "  ... | sx-window --window 10m --slide 5m --by event_type --agg 'avg(value) as mean'\n"
    "  ... | sx-window --session 30m --by user_id --agg count --agg 'sum(value)'\n"
    "  ... | sx-window --by user_id --agg 'sum(amount) as total' --ttl 1h --mode update\n"
    "  ... | sx-window --tumbling 1d --window-time-zone Europe/Paris \\\n"
    "    --agg 'count_if(event_type=purchase)'   # Paris days, written +01:00/+02:00\n"
    "  ... | sx-window --tumbling 1m --by 'lower(host) as host' \\\n"
    "    --agg 'sum(price * qty) as revenue' --agg 'count_if(level = \"error\") as error_count' "
    "\\\n"
    "    --having 'error_count > 100'\n"
    "  ... | sx-window --tumbling 5m --agg count --late late.ndjson\n"
    "  ... | sx-window --tumbling 1h --by path --agg count --top 10 --order-by 'count DESC'\n"
    "  sx-read --time-field ts access.ndjson | sx-window --tumbling 5m --agg count\n"
    "  sx-read --checkpoint ck --trigger available-now --time-field ts --watermark 1m in/ \\\n"
    "    | sx-window --checkpoint ck --tumbling 1m --by k \\\n"
    "    | sx-sink --checkpoint ck --path out/   # from cron: open windows carry over\n"
    "More: man sx-window; the stream protocol: man sx."};

}  // namespace

int main(int argc, char** argv) {
  sx::StageFlags stage;
  sx::WindowFlags flags;
  sx::WindowOptions opt;
  sx::TimeFlags time;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        sx::add_inputs_arg(app, stage.inputs);
        app.add_option("--tumbling", flags.tumbling, "Tumbling windows of SIZE (e.g. 5m, 1h, 1d)")
            ->check(sx::non_empty_check("a size such as 5m"))
            ->type_name("SIZE");
        app.add_option("--window", flags.window, "Sliding windows of SIZE; give --slide too")
            ->check(sx::non_empty_check("a size such as 10m"))
            ->type_name("SIZE");
        app.add_option("--slide", flags.slide,
                       "How far apart sliding windows start (need not divide --window)")
            ->check(sx::non_empty_check("a duration such as 5m"))
            ->type_name("SLIDE");
        app.add_option("--session", flags.session,
                       "Session windows per key: a session ends after GAP without events")
            ->check(sx::non_empty_check("a gap such as 30m"))
            ->type_name("GAP");
        app.add_option("--offset", flags.offset,
                       "Shift window starts by this much from the epoch (Spark's startTime), "
                       "e.g. 15m; a day window with --offset 6h starts at 06:00")
            ->check(sx::non_empty_check("a duration such as 15m"))
            ->type_name("DURATION");
        app.add_option("--window-time-zone", flags.window_zone,
                       "Zone of the windows: day and week windows are its local days (23 or 25 "
                       "hours across DST), and window_start/window_end are written with its "
                       "offset, e.g. 2024-10-27T00:00:00+02:00 (default UTC)")
            ->type_name("ZONE");
        app.add_option("--by", opt.by,
                       "Group keys, comma-separated: fields (dotted paths reach into objects; a "
                       "missing field groups as null) or expressions (sx-expr(7)), e.g. "
                       "'lower(host) as host'; 'EXPR as NAME' names the column")
            ->allow_extra_args(false)
            ->type_name("KEYS");
        app.add_option("--agg", opt.aggs,
                       "Aggregate (repeatable): count, sum(F), avg(F), min(F), max(F), "
                       "count_distinct(F), first(F), last(F), collect_list(F), count_if(F OP V) "
                       "with OP one of = != < <= > >=, stddev(F), variance(F), median(F), "
                       "percentile(F, P), percentile_approx(F, P [, ACCURACY]), "
                       "approx_count_distinct(F [, RSD]), min_by(F, ORDER), max_by(F, ORDER) "
                       "(sx-window(1), AGGREGATES); an argument may be an expression "
                       "(sx-expr(7)): 'sum(price * qty) as revenue', 'count_if(status >= 500 AND "
                       "method = \"GET\")', 'count(DISTINCT user_id)'; '... as NAME' renames; "
                       "several may be comma-separated. Default: count")
            ->allow_extra_args(false)
            ->type_name("SPEC");
        app.add_option("--having", opt.having,
                       "Write only the result rows where EXPR is true, evaluated on the row's "
                       "fields (window_start, window_end, the --by and --agg names), e.g. "
                       "'error_count > 100' (Spark's HAVING)")
            ->check(sx::non_empty_check("an expression such as 'error_count > 100'"))
            ->type_name("EXPR");
        app.add_option("--mode", flags.mode,
                       "Output mode: append (windows, default; or --by the event-time field), "
                       "update (running default) or complete")
            ->check(sx::non_empty_check("append, update or complete"))
            ->type_name("MODE");
        app.add_option("--ttl", flags.ttl,
                       "Running aggregations: drop a key once the watermark passes its last "
                       "event time plus DURATION")
            ->check(sx::non_empty_check("a duration such as 1h"))
            ->type_name("DURATION");
        app.add_option("--top", opt.top,
                       "Write only the N first rows of each window, ranked by --order-by, when "
                       "the window is written (append: once, when it closes; complete: each "
                       "epoch); not with --mode update or --session")
            ->transform(sx::count_check(1))
            ->type_name("N");
        app.add_option("--order-by", opt.order_by,
                       "How --top ranks a window's rows: 'EXPR [ASC|DESC] [NULLS FIRST|LAST], "
                       "...' over the row's fields (ASC by default; nulls first for ASC, last "
                       "for DESC; ties by the --by keys), e.g. 'count DESC'")
            ->check(sx::non_empty_check("an ordering such as 'count DESC'"))
            ->type_name("LIST");
        app.add_option("--late", opt.late_file,
                       "Append late records (not applied) to FILE with the reason")
            ->type_name("FILE");
        app.add_option("--max-state-rows", opt.max_state_rows,
                       "Fail when the state holds more rows than N (open windows x groups, "
                       "sessions, running keys); 0: no limit")
            ->default_val(10000000)
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option_function<std::string>(
               "--max-state-bytes",
               [&opt](const std::string& v) {
                 opt.max_state_bytes = sx::parse_byte_size("--max-state-bytes", v);
               },
               "Fail when the state would take more than SIZE (an estimate: rows, keys, and "
               "the values collect_list and count_distinct keep), e.g. 512MiB; 0: no limit "
               "(default 4GiB)")
            ->type_name("SIZE");
        app.add_option("--max-windows-per-record", flags.max_windows_per_record,
                       "Refuse --window/--slide that put a record in more than N windows "
                       "(size / slide); 0: no limit (default 1000)")
            ->type_name("N");
        app.add_option("--checkpoint", opt.checkpoint,
                       "Save the state (open windows, sessions, running keys, the watermark) "
                       "after each epoch in DIR (the pipeline's --checkpoint directory); a "
                       "restart resumes from the last committed epoch")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        sx::add_name_flag(app, opt.name);
        sx::add_lock_flag(app, stage.wait_lock);
        sx::add_time_flags(app, time);
        sx::add_progress_flag(app, stage.progress);
        sx::add_input_flags(app, stage.input);
      },
      [&](const CLI::App& app) {
        // --by a,b and --by 'date_trunc("hour", ts) as hour': split at the
        // commas outside parentheses and quotes, one entry each.
        std::vector<std::string> by;
        for (const auto& b : opt.by) {
          for (auto& p : sx::split_list(b)) by.push_back(std::move(p));
        }
        opt.by = std::move(by);
        sx::plan_window(flags, &opt);
        sx::time_override(app, time, &opt.time);
        return sx::run_stage_tool(stage, opt.checkpoint, opt.name,
                                  [&](sx::Output& out, sx::BadInputPolicy& bad) {
                                    return std::make_unique<sx::WindowOperator>(opt, out, bad);
                                  });
      });
}
