// sx-sink: the end of an sx pipeline. Flags in, run_sink (lib/sink/sink_run.h) out.
#include "cli/cli.h"
#include "sink/sink_run.h"

namespace {

constexpr sx::ToolInfo kInfo{
    "sx-sink",
    "sx-sink [FILE ...] -- write the records of an sx stream for people or other programs.\n\n"
    "Reads an sx stream (or any NDJSON) on stdin. ndjson (the default) writes the data\n"
    "records as their original bytes and drops the control records, so the output is plain\n"
    "NDJSON for jq, mlr or a file; --keep-control keeps them for another sx stage. table\n"
    "prints each epoch as Spark's console sink does: a 'Batch: N' banner and an aligned\n"
    "table. csv writes a header from the first record's keys, then one row per record; tsv\n"
    "the same with tabs (\\t \\n \\\\ escapes); markdown a GitHub table per epoch.\n"
    "bar draws a bar per record per epoch (--value FIELD); live redraws the current result\n"
    "table in place on a terminal at each epoch, rows replaced by key.\n"
    "--time-zone shows the time fields in a zone, --precision rounds doubles.\n"
    "Writing to stdout is at-least-once across restarts; --path DIR (with --checkpoint) writes\n"
    "files exactly-once, in append, update or complete mode, optionally partitioned and\n"
    "zstd-compressed; --db writes rows into a SQLite or PostgreSQL table; --kafka writes each\n"
    "record as a message to a Kafka topic (exactly-once with --checkpoint).",
    "Examples:\n"
    "  sx-gen --events 2000 | sx-read --time-field timestamp --watermark 10m | sx-sink --format "
    "table\n"
    "  sx-read --time-field ts events.ndjson | sx-sink --format csv --output events.csv\n"
    "  sx-read --time-field ts events.ndjson | sx-sink --keep-control > stream.ndjson\n"
    "  sx-sink --format table --num-rows 0 --truncate 0 < stream.ndjson\n"
    "  ... | sx-window --by status --agg count | sx-sink --format tsv > counts.tsv\n"
    "  ... | sx-window --tumbling 1h --agg 'avg(bytes)' | sx-sink --format markdown --precision 2\n"
    "  ... | sx-window --tumbling 1d --window-time-zone Europe/Paris --agg count \\\n"
    "      | sx-sink --format table --time-zone Europe/Paris\n"
    "  ... | sx-window --tumbling 1m --by status --agg count | sx-sink --format bar --value "
    "count\n"
    "  sx-read --follow --time-field ts log.ndjson | sx-window --tumbling 1m --by status --agg "
    "count --mode update | sx-sink --format live\n"
    "  sx-read --checkpoint ck in/ | sx-sink --checkpoint ck --path out/   # exactly-once files\n"
    "  ... | sx-sink --checkpoint ck --path out/ --partition-by country,day --compress zstd\n"
    "  ... | sx-window --by user --agg count --mode complete --checkpoint ck \\\n"
    "      | sx-sink --checkpoint ck --path out/ --mode complete   # out/current/ is the table\n"
    "  ... | sx-sink --kafka localhost:9092 --topic events --key user_id\n"
    "  sx-read --checkpoint ck in/ | sx-sink --checkpoint ck --kafka b1:9092,b2:9092 --topic t \\\n"
    "      --kafka-option compression.type=zstd --kafka-timeout 5m   # exactly-once messages\n"
    "More: man sx-sink; the stream protocol: man sx."};

}  // namespace

int main(int argc, char** argv) {
  sx::SinkFlags f;
  sx::InputFlags input;
  return sx::tool_main(
      kInfo, argc, argv,
      [&](CLI::App& app) {
        app.add_option("inputs", f.inputs, "Streams to read; '-' or none: stdin")
            ->type_name("FILE");
        app.add_option("--format", f.format, "ndjson, table, csv, tsv, markdown, bar or live")
            ->default_val("ndjson")
            ->type_name("FORMAT");
        app.add_flag("--keep-control", f.stream.keep_control,
                     "ndjson: keep control records (stream, epoch, watermark) in the output");
        app.add_option("--output", f.output, "Write to FILE instead of stdout (replacing it)")
            ->type_name("FILE");
        app.add_option("--num-rows", f.stream.num_rows,
                       "table: rows shown per batch, 0 for all (Spark's numRows)")
            ->default_val(20)
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option("--truncate", f.stream.truncate,
                       "table: cut cells longer than N characters and right-align; 0: never cut, "
                       "left-align (Spark's truncate)")
            ->default_val(20)
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option("--empty-batches", f.empty_batches,
                       "table: show or skip the batch of an epoch without rows (default: skip "
                       "on a terminal, show otherwise, as Spark's console sink)")
            ->type_name("show|skip");
        app.add_option("--time-zone", f.stream.time_zone,
                       "Show window_start, window_end and the stream's time field as RFC 3339 "
                       "times in ZONE with their offset (IANA name, UTC or +05:30)")
            ->check(sx::non_empty_check("a time zone"))
            ->type_name("ZONE");
        app.add_option("--precision", f.stream.precision,
                       "Show doubles with N digits after the point (trailing zeros kept); "
                       "integers as they are")
            ->transform(sx::count_check(0, sx::kMaxPrecision))
            ->type_name("N");
        app.add_option("--value", f.stream.bar_value,
                       "bar: the numeric field the bars show, scaled per epoch to the largest")
            ->type_name("FIELD");
        app.add_option("--label", f.stream.bar_label,
                       "bar: the fields that label a bar (repeat or comma-separate; default: "
                       "every other field but window_end)")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("FIELD");
        app.add_option("--key", f.stream.live_key,
                       "live and --db: the fields that identify a row, which a newer row with "
                       "the same key replaces (live's default: the fields of the first row that "
                       "are not numbers; --db: the stream header's keys); --kafka: the one field "
                       "whose value is the message key (none: no key)")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("FIELD");
        app.add_option(
               "--checkpoint", f.checkpoint,
               "Commit each epoch in DIR (the pipeline's --checkpoint directory), so a "
               "restart resumes after it; stdout stays at-least-once, --path, --db and --kafka "
               "exactly-once")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        sx::add_name_flag(app, f.name);
        sx::add_lock_flag(app, f.wait_lock);
        app.add_option("--path", f.path,
                       "Write each epoch's records as files in DIR, visible only once the epoch "
                       "commits (exactly-once across restarts; needs --checkpoint)")
            ->check(sx::non_empty_check("a directory"))
            ->type_name("DIR");
        app.add_option("--db", f.db,
                       "Write each epoch's rows into a database table in one transaction, "
                       "exactly once with --checkpoint: sqlite:PATH (a SQLite file) or "
                       "postgresql://[USER@]HOST[:PORT]/DB (libpq; PG* variables and ~/.pgpass)")
            ->check(sx::non_empty_check("a database URL"))
            ->type_name("URL");
        app.add_option("--table", f.table,
                       "--db: the table the rows go to (created from the first row when missing)")
            ->check(sx::non_empty_check("a table name"))
            ->type_name("NAME");
        app.add_option("--db-timeout", f.db_timeout,
                       "--db: how long to wait for a database another process holds locked (then "
                       "exit 75), or to connect again to a PostgreSQL server (then exit 1)")
            ->default_val("30s")
            ->type_name("DURATION");
        app.add_option("--kafka", f.kafka,
                       "Write each data record as one message to a Kafka topic (--topic) through "
                       "the brokers host:port[,host:port...]: acknowledged before exit; exactly "
                       "once with --checkpoint")
            ->check(sx::non_empty_check("the brokers"))
            ->type_name("BROKERS");
        app.add_option("--topic", f.topic, "--kafka: the topic the messages go to")
            ->check(sx::non_empty_check("a topic"))
            ->type_name("T");
        app.add_option("--kafka-option", f.kafka_options,
                       "--kafka: a librdkafka property for the producer (repeat: "
                       "security.protocol=SASL_SSL, sasl.*, ssl.*, compression.type=zstd, ...)")
            ->allow_extra_args(false)
            ->type_name("KEY=VALUE");
        app.add_option("--kafka-timeout", f.kafka_timeout,
                       "--kafka: how long a message may wait for the brokers' acknowledgement "
                       "(through an outage), then exit 1")
            ->default_val("60s")
            ->type_name("DURATION");
        app.add_option("--mode", f.mode,
                       "--path and --db: append (each epoch adds its rows), update (each epoch "
                       "upserts the rows that changed in it, by --key) or complete (each "
                       "epoch's rows replace the table, atomically for readers)")
            ->default_val("append")
            ->type_name("MODE");
        app.add_option("--partition-by", f.partition_by,
                       "--path: write each record under DIR/FIELD=VALUE/ (hive style; repeat or "
                       "comma-separate for nested folders; dotted paths reach into objects)")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("FIELD");
        app.add_option("--max-partitions", f.max_partitions,
                       "--partition-by: fail when one epoch writes more than N partitions (a "
                       "folder and file each); 0: no limit")
            ->default_val(10000)
            ->transform(sx::count_check())
            ->type_name("N");
        app.add_option("--compress", f.compress,
                       "--path: zstd writes part-NNNNNNNN.ndjson.zst files (read with zstd -dc)")
            ->type_name("ALGO");
        sx::add_input_flags(app, input);
      },
      [&](const CLI::App& app) {
        f.mode_given = app.count("--mode") > 0;
        f.max_partitions_given = app.count("--max-partitions") > 0;
        f.db_timeout_given = app.count("--db-timeout") > 0;
        f.kafka_timeout_given = app.count("--kafka-timeout") > 0;
        f.on_error = input.on_error;
        f.max_line_bytes = input.max_line_bytes;
        return sx::run_sink(std::move(f));
      });
}
