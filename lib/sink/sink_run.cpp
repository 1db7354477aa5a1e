#include "sink/sink_run.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <utility>

#include "base/duration.h"
#include "base/error.h"
#include "base/signals.h"
#include "sink/dir_sink.h"
#include "sink/kafka_sink.h"
#include "sink/pg_sink.h"
#include "sink/sqlite_sink.h"
#include "stream/checkpoint.h"
#include "stream/run_lock.h"

namespace sx {

namespace {

// --path's options from the flags; usage_error for what does not go with it.
DirSinkOptions dir_options(const SinkFlags& f, SinkFormat format) {
  DirSinkOptions dir;
  dir.path = f.path;
  dir.mode = parse_sink_mode(f.mode);
  if (!f.compress.empty() && f.compress != "zstd") {
    throw usage_error("--compress: unknown compression '" + f.compress + "' (use zstd)");
  }
  dir.zstd = !f.compress.empty();
  dir.max_partitions = f.max_partitions;
  for (const auto& field : f.partition_by) {
    for (const auto& seen : dir.partition_by) {
      if (seen.text() == field) throw usage_error("--partition-by names " + field + " twice");
    }
    dir.partition_by.push_back(FieldPath::parse(field));
  }
  if (f.checkpoint.empty()) {
    throw usage_error(
        "--path needs --checkpoint DIR: the commit log is what makes an "
        "epoch's files appear exactly once");
  }
  if (!f.output.empty() || format != SinkFormat::kNdjson || f.stream.keep_control ||
      !f.stream.time_zone.empty() || f.stream.precision >= 0) {
    throw usage_error(
        "--path writes NDJSON files; it does not go with --output, "
        "--format, --keep-control, --time-zone or --precision");
  }
  return dir;
}

// DIR as an absolute path without symlinks (it exists: CheckpointDir made it).
std::string real_dir(const std::string& dir) {
  char buf[PATH_MAX];
  return ::realpath(dir.c_str(), buf) ? std::string(buf) : dir;
}

// --db's options from the flags; usage_error for what does not go with it.
DbSinkOptions db_options(const SinkFlags& f, SinkFormat format) {
  DbSinkOptions db;
  if (f.db.starts_with("sqlite:")) {
    db.path = f.db.substr(7);
    if (db.path.empty()) {
      throw usage_error("--db sqlite: needs a file, as in --db sqlite:results.db");
    }
  } else if (f.db.starts_with("postgresql://") || f.db.starts_with("postgres://")) {
    db.url = f.db;
  } else {
    throw usage_error("--db: '" + redact_db_url(f.db).substr(0, f.db.find(':')) +
                      "...' is not a database URL sx-sink knows; write sqlite:PATH (a SQLite "
                      "file, created when missing) or postgresql://[USER@]HOST[:PORT]/DB (libpq)");
  }
  if (f.table.empty()) {
    throw usage_error("--db needs --table NAME: the table the rows go to (created when missing)");
  }
  db.table = f.table;
  db.mode = parse_sink_mode(f.mode);
  db.key = f.stream.live_key;
  db.timeout_ms = parse_duration(f.db_timeout, /*allow_zero=*/true) / 1000;
  if (!f.path.empty() || !f.output.empty() || format != SinkFormat::kNdjson ||
      f.stream.keep_control || !f.stream.time_zone.empty() || f.stream.precision >= 0 ||
      !f.partition_by.empty() || !f.compress.empty()) {
    throw usage_error(
        "--db writes rows into a table; it does not go with --path, --output, --format, "
        "--keep-control, --time-zone, --precision, --partition-by or --compress");
  }
  if (!f.checkpoint.empty()) db.pipeline = real_dir(f.checkpoint) + "/" + f.name;
  return db;
}

// --kafka's options from the flags; usage_error for what does not go with it.
KafkaSinkOptions kafka_options(const SinkFlags& f, SinkFormat format) {
  KafkaSinkOptions k;
  k.brokers = f.kafka;
  if (f.topic.empty()) {
    throw usage_error("--kafka needs --topic T: the topic the messages go to");
  }
  k.topic = f.topic;
  if (f.stream.live_key.size() > 1) {
    throw usage_error(
        "--kafka --key takes one FIELD, the message key (a dotted path reaches "
        "into objects); make a key of several fields with sx-map first");
  }
  if (!f.stream.live_key.empty()) k.key = f.stream.live_key[0];
  for (const std::string& o : f.kafka_options) k.options.push_back(parse_kafka_option(o));
  k.timeout_ms = parse_duration(f.kafka_timeout, /*allow_zero=*/true) / 1000;
  if (k.timeout_ms < 1)
    throw usage_error("--kafka-timeout: at least 1ms (e.g. --kafka-timeout 30s)");
  if (!f.path.empty() || !f.db.empty() || !f.output.empty() || format != SinkFormat::kNdjson ||
      f.stream.keep_control || !f.stream.time_zone.empty() || f.stream.precision >= 0 ||
      f.mode_given || !f.partition_by.empty() || !f.compress.empty()) {
    throw usage_error(
        "--kafka writes each data record as one message; it does not go with --path, --db, "
        "--output, --format, --keep-control, --time-zone, --precision, --mode, --partition-by "
        "or --compress");
  }
  return k;
}

}  // namespace

int run_sink(SinkFlags f) {
  f.stream.format = parse_sink_format(f.format);
  // Spark's console sink prints every batch, rows or not; with live input
  // ending an epoch every few ms, a terminal would show little else, so
  // there the empty ones are left out unless asked for.
  if (f.empty_batches.empty()) {
    f.stream.skip_empty_batches = f.output.empty() && ::isatty(1);
  } else if (f.empty_batches == "show" || f.empty_batches == "skip") {
    if (f.stream.format != SinkFormat::kTable) {
      throw usage_error("--empty-batches applies to --format table");
    }
    f.stream.skip_empty_batches = f.empty_batches == "skip";
  } else {
    throw usage_error("--empty-batches: '" + f.empty_batches + "' is not show or skip");
  }
  if (f.stream.format == SinkFormat::kLive && (!f.output.empty() || !::isatty(1))) {
    throw usage_error(
        "--format live redraws a table on a terminal, and " +
        (f.output.empty() ? std::string("stdout is not one") : "--output writes a file") +
        ": use --format table for a table per epoch in a file or a pipe");
  }
  if (f.stream.format == SinkFormat::kBar || f.stream.format == SinkFormat::kLive) {
    f.stream.terminal = terminal_size(f.output.empty() ? 1 : -1);
    if (f.stream.format == SinkFormat::kLive) f.stream.terminal_fd = 1;
  }
  stop_on_signals();
  // The stage folder and the commit log, for the whole run (and --path below).
  RunLock lock(f.checkpoint, f.name, f.wait_lock, /*committer=*/true);
  std::unique_ptr<CheckpointDir> ckpt;
  if (!f.checkpoint.empty()) ckpt = std::make_unique<CheckpointDir>(f.checkpoint, f.name);
  if (f.db.empty() && (!f.table.empty() || f.db_timeout_given)) {
    throw usage_error("--table and --db-timeout go with --db URL (a database sink)");
  }
  if (f.path.empty() && f.db.empty() &&
      (f.mode_given || !f.partition_by.empty() || !f.compress.empty() || f.max_partitions_given)) {
    throw usage_error(
        "--mode, --partition-by, --max-partitions and --compress go with "
        "--path DIR (the directory sink)");
  }
  if (f.kafka.empty() && (!f.topic.empty() || !f.kafka_options.empty() || f.kafka_timeout_given)) {
    throw usage_error(
        "--topic, --kafka-option and --kafka-timeout go with --kafka BROKERS (the Kafka sink)");
  }
  if (!f.path.empty() && !f.stream.live_key.empty()) {
    throw usage_error("--key goes with --kafka, --db or --format live, not --path");
  }
  const StageInput in{f.inputs, f.max_line_bytes};
  if (!f.kafka.empty()) {
    KafkaSinkOptions kafka = kafka_options(f, f.stream.format);
    Output none(1);
    BadInputPolicy bad(f.on_error);
    KafkaSinkOperator sink(std::move(kafka), ckpt.get(), bad, none);
    run_stage(in, sink, none, bad);
    return kExitOk;
  }
  if (!f.db.empty()) {
    DbSinkOptions db = db_options(f, f.stream.format);
    Output none(1);
    BadInputPolicy bad(f.on_error);
    if (!db.url.empty()) {
      PgSinkOperator sink(std::move(db), ckpt.get(), bad, none);
      run_stage(in, sink, none, bad);
    } else {
      SqliteSinkOperator sink(std::move(db), ckpt.get(), bad, none);
      run_stage(in, sink, none, bad);
    }
    return kExitOk;
  }
  if (!f.path.empty()) {
    DirSinkOptions dir = dir_options(f, f.stream.format);
    lock.lock_directory(dir.path);
    Output none(1);
    BadInputPolicy bad(f.on_error);
    DirSinkOperator sink(std::move(dir), *ckpt, bad, none);
    run_stage(in, sink, none, bad);
    return kExitOk;
  }
  f.stream.checkpoint = ckpt.get();
  std::unique_ptr<Output> file;
  Output stdout_out(1);
  Output& out = f.output.empty() ? stdout_out : *(file = Output::open_file(f.output));
  BadInputPolicy bad(f.on_error);
  StdoutSinkOperator sink(out, f.stream, out, bad);
  run_stage(in, sink, out, bad);
  if (file) file->sync();
  return kExitOk;
}

}  // namespace sx
