// What the database sinks (sqlite_sink, pg_sink) share: SQL identifiers, the
// kinds of values a column takes, and the rules of the commit table
// sx_commits against the checkpoint (man/sx-sink.1, DATABASE SINKS).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"
#include "io/line_reader.h"
#include "sink/epoch_sink.h"
#include "sink/sink_mode.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"

namespace sx {

// sx-sink --db's options (sink_run.cpp fills them from the flags).
struct DbSinkOptions {
  std::string path;   // the database file (sqlite:PATH)
  std::string url;    // postgresql://... or a libpq connection string (never shown)
  std::string table;  // --table
  SinkMode mode = SinkMode::kAppend;
  std::vector<std::string> key;  // --key (else the stream header's keys)
  // --db-timeout: how long a locked database is waited for (SQLite's busy
  // timeout), or a lost PostgreSQL connection retried, in milliseconds.
  std::int64_t timeout_ms = 30000;
  std::string pipeline;  // the commit table's pipeline name (empty: no --checkpoint)
};

}  // namespace sx

namespace sx::db {

// "name" with '"' doubled: an SQL identifier whatever its bytes.
std::string ident(std::string_view name);

// What a column accepts, from its declared type (SQLite's affinity rules,
// which also read PostgreSQL's type names; BOOLEAN and JSON told apart).
enum class ColKind { kAny, kNumber, kText, kBool, kJson };
ColKind kind_of_declared(std::string_view declared);
bool accepts(ColKind k, JsonType t);
const char* kind_name(ColKind k);  // "numbers", "strings", ...

// A column of the table a sink writes: its name, its type as the database
// names it ("INTEGER", "bigint", "timestamp with time zone"), what it takes.
struct Column {
  std::string name;
  std::string declared;
  ColKind kind = ColKind::kAny;
  bool integer = false;  // an integer type ("INTEGER", "bigint"): no fraction fits
};
// A column of type `declared`, its kind and integer flag derived once.
Column make_column(std::string name, std::string declared);
// The key columns: --key, else the stream header's keys; a usage_error for
// update mode without any.
std::vector<std::string> key_columns(const DbSinkOptions& opt, const SinkHeader& header);
int column_index(const std::vector<Column>& columns, std::string_view name);  // -1: none
std::string column_list(const std::vector<Column>& columns);                  // "a, b, c"
// An existing table must have the key columns and the stream header's
// columns: else a usage_error naming the one missing and what to do.
void check_table(const std::vector<Column>& columns, const std::vector<std::string>& keys,
                 const std::vector<std::string>& header_columns, const std::string& where,
                 const std::string& table);

// A table to create must have the key columns among its columns (`names`):
// else a usage_error naming the one missing.
void check_keys_in(const std::vector<std::string>& names, const std::vector<std::string>& keys,
                   const std::string& where);

// One record as a table row: its top-level fields (the last of a repeated
// key wins), then matched to the table's columns.
class RowReader {
 public:
  // False, after `bad` handled it, when the record is not a JSON object.
  bool read(const Line& line, const std::string& source, BadInputPolicy& bad);
  const std::vector<std::pair<std::string, JsonValue>>& fields() const { return fields_; }
  const JsonValue* field(std::string_view name) const;
  // slots()[i] becomes the value for columns[i] (null: the record has none).
  // False, after `bad` handled it, when a field has no column or a value is
  // not of its column's kind (with integers_only, a number with a fraction
  // does not go into an integer column either).
  bool match(const std::vector<Column>& columns, const Line& line, const std::string& source,
             BadInputPolicy& bad, const std::string& where, const std::string& table,
             bool integers_only);
  const std::vector<const JsonValue*>& slots() const { return slots_; }
  // The columns of a table made from this row: the stream header's, then
  // the row's other fields in their order.
  std::vector<std::string> new_table_names(const std::vector<std::string>& header_columns) const;

 private:
  RecordReader reader_;
  std::string why_;
  std::vector<std::pair<std::string, JsonValue>> fields_;
  std::vector<const JsonValue*> slots_;
};

// The current UTC time as RFC 3339 (committed_at).
std::string now_text();

// The epochs a table holds against the checkpoint's commits, for one
// pipeline and table (the sx_commits row, man/sx-sink.1 "Exactly once").
// Without --checkpoint there is no row to keep: nothing is a replay.
class EpochLedger {
 public:
  EpochLedger(const DbSinkOptions& opt, CheckpointDir* ckpt) : opt_(opt), ckpt_(ckpt) {}
  bool recording() const { return !opt_.pipeline.empty(); }
  // The sx_commits row as read from the database (none: leave it unset).
  void found(std::int64_t epoch, std::string checkpoint_id) {
    db_epoch_ = epoch;
    db_id_ = std::move(checkpoint_id);
  }
  // Reads the checkpoint's side (its newest commit, its identity, made at
  // the first run) and checks the two against each other: a usage_error
  // saying how to rebuild when they do not go together.
  void settle(const std::string& where);
  std::int64_t committed() const { return committed_; }
  const std::string& checkpoint_id() const { return ckpt_id_; }
  // The table already holds epoch `id` (a replay after a crash between the
  // database's commit and the checkpoint's).
  bool holds(std::int64_t id) const { return recording() && id <= db_epoch_ && db_id_ == ckpt_id_; }
  // Epoch `id` may be committed next (CheckpointDir::check_follows).
  void check_follows(std::int64_t id) const {
    if (ckpt_) ckpt_->check_follows(id, committed_);
  }
  // After the database's commit of `id`; then after the checkpoint's
  // (`kind`: "sqlite", "postgresql", the commit record's first line).
  void table_committed(std::int64_t id) {
    if (!recording()) return;
    db_epoch_ = std::max(db_epoch_, id);
    db_id_ = ckpt_id_;
  }
  void checkpoint_commit(std::int64_t id, const char* kind);

 private:
  const DbSinkOptions& opt_;
  CheckpointDir* ckpt_;
  std::int64_t db_epoch_ = -1;  // the newest epoch in sx_commits (-1: none)
  std::string db_id_;           // the checkpoint identity it was written through
  std::int64_t committed_ = -1;
  std::string ckpt_id_;
};

}  // namespace sx::db
