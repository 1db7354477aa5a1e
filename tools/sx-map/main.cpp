// sx-map: filter, derive, select, drop and rename fields with Spark SQL
// expressions. Flags in (in command-line order), MapOperator (ops/map.h) out.
#include "cli/cli.h"
#include "cli/stage_tool.h"
#include "ops/map.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-map",
    "sx-map [FILE ...] -- filter and reshape the records of an sx stream with Spark SQL\n"
    "expressions (man sx-expr).\n\n"
    "Each flag is a step, run on every record in the order given, as a chain of Spark's\n"
    "filter, withColumn, select, drop and withColumnRenamed (or Miller's then-chain):\n"
    "--where drops the records for which EXPR is not true (false or null); --set adds or\n"
    "replaces a top-level field; --select keeps only the columns listed (fields or\n"
    "expressions, 'EXPR AS name'); --drop and --rename change fields by name. Control\n"
    "records pass through, the stream header with the columns and time field as the steps\n"
    "leave them. A record that only --where steps saw goes on as its original bytes.",
    "Examples:\n"
    "  sx-read --time-field ts events.ndjson | sx-map --where 'event_type = \"purchase\" AND "
    "value > 100'\n"
    "  ... | sx-map --set 'revenue=price * qty' --set 'day=date_trunc(\"day\", ts)'\n"
    "  ... | sx-map --select 'user.id AS user_id, lower(path) AS path, status'\n"
    "  ... | sx-map --drop password,token --rename 'msg=message'\n"
    "  ... | sx-window --tumbling 15m --agg 'count_if(level = \"error\") as errors' \\\n"
    "      | sx-map --where 'errors > 100' | sx-sink --format table   # alerts\n"
    "More: man sx-map; expressions: man sx-expr; the stream protocol: man sx."};

}  // namespace

int main(int argc, char** argv) {
  sx::StageFlags stage;
  std::vector<std::string> where, set, select, drop, rename;
  struct Flag {
    const char* name;
    sx::MapStep::Kind kind;
    std::vector<std::string>* values;
  };
  const Flag flags[] = {{"--where", sx::MapStep::Kind::kWhere, &where},
                        {"--set", sx::MapStep::Kind::kSet, &set},
                        {"--select", sx::MapStep::Kind::kSelect, &select},
                        {"--drop", sx::MapStep::Kind::kDrop, &drop},
                        {"--rename", sx::MapStep::Kind::kRename, &rename}};
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        sx::add_inputs_arg(app, stage.inputs);
        const char* help[] = {
            "Keep only the records for which EXPR is true (repeatable; null is not true)",
            "NAME=EXPR: set the top-level field NAME (a new one goes last; repeatable)",
            "Keep only these columns, in this order: fields or expressions, comma-separated, "
            "'EXPR AS name' to name one",
            "Remove these top-level fields, comma-separated (absent ones are ignored)",
            "OLD=NEW: rename a top-level field, comma-separated pairs (absent: ignored)"};
        const char* types[] = {"EXPR", "NAME=EXPR", "COLUMNS", "FIELDS", "OLD=NEW"};
        for (std::size_t i = 0; i < std::size(flags); ++i) {
          app.add_option(flags[i].name, *flags[i].values, help[i])
              ->allow_extra_args(false)
              ->type_name(types[i]);
        }
        sx::add_progress_flag(app, stage.progress);
        sx::add_input_flags(app, stage.input);
      },
      [&](const CLI::App& app) {
        // The steps in command-line order: parse_order() lists each
        // occurrence of an option; its values come in the same order.
        sx::MapOptions opt;
        std::size_t next[std::size(flags)] = {};
        for (const CLI::Option* o : app.parse_order()) {
          for (std::size_t i = 0; i < std::size(flags); ++i) {
            if (o->get_name() != flags[i].name) continue;
            opt.steps.push_back({flags[i].kind, flags[i].values->at(next[i]++)});
          }
        }
        if (opt.steps.empty()) {
          throw sx::usage_error(
              "nothing to do: give --where, --set, --select, --drop or --rename (sx-map --help)");
        }
        return sx::run_stage_tool(stage, "", "sx-map",
                                  [&](sx::Output& out, sx::BadInputPolicy& bad) {
                                    return std::make_unique<sx::MapOperator>(opt, out, bad);
                                  });
      });
}
