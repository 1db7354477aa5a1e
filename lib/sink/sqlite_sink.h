// sx-sink --db sqlite:PATH --table NAME: the SQLite sink (man/sx-sink.1,
// "DATABASE SINKS"), an EpochSink (sink/epoch_sink.h).
//
// Each epoch is one transaction. With --checkpoint, the same transaction
// records the epoch in the commit table sx_commits (pipeline, tbl, epoch,
// committed_at), one row per pipeline and table; the pipeline is the
// checkpoint directory's absolute path and the sink's --name. After the
// transaction commits, the checkpoint's commit log gets the epoch (as for
// --path). A restart that replays an epoch the table already has (the crash
// came between the two) skips its rows and writes only the checkpoint commit:
// Spark's foreachBatch with its batchId. So kill -9 anywhere loses and
// doubles nothing.
//
// Modes (Spark's outputMode): append inserts the epoch's rows; update upserts
// them by the key columns (INSERT ... ON CONFLICT (key) DO UPDATE); complete
// replaces the table's rows with the epoch's (DELETE then INSERT in the one
// transaction, so readers see the old table or the new one). A complete-mode
// epoch without rows (sx-window writes the table only when it changed) leaves
// the table as it is.
//
// Schema: a missing table is created from the first row (its columns in the
// stream header's order when it names them; types from the values: INTEGER,
// REAL, TEXT, BOOLEAN, JSON as TEXT, no type for a null), the key as its
// primary key. An existing table is written by column name; a field with no
// column, or a value of the wrong kind for its column, is bad input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sink/epoch_sink.h"
#include "sink/sink_mode.h"
#include "sink/sink_operator.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"

namespace sx {

struct DbSinkOptions {
  std::string path;   // the database file (sqlite:PATH)
  std::string table;  // --table
  SinkMode mode = SinkMode::kAppend;
  std::vector<std::string> key;  // --key (else the stream header's keys)
  // --db-timeout: how long a locked database is waited for (SQLite's busy
  // timeout), in milliseconds.
  std::int64_t timeout_ms = 30000;
  std::string pipeline;  // the commit table's pipeline name (empty: no --checkpoint)
};

class SqliteSink final : public EpochSink {
 public:
  // `ckpt` is null without --checkpoint.
  SqliteSink(DbSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad);
  ~SqliteSink() override;
  SqliteSink(const SqliteSink&) = delete;
  SqliteSink& operator=(const SqliteSink&) = delete;

  void open(const SinkHeader& header) override;
  std::int64_t last_committed() const override;
  void begin_epoch(std::int64_t id) override;
  void write(const Line& line, const std::string& source) override;
  void commit_epoch(std::int64_t id) override;
  void abort_epoch() override;
  void finish() override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

class SqliteSinkOperator final : public SinkOperatorFor<SqliteSink> {
 public:
  SqliteSinkOperator(DbSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad, Output& out)
      : SinkOperatorFor<SqliteSink>(out, std::move(options), ckpt, bad) {}
};

}  // namespace sx
