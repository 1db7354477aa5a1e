// What the database sinks (sqlite_sink, pg_sink) share: SQL identifiers, the
// kinds of values a column takes, and the rules of the commit table
// sx_commits against the checkpoint (man/sx-sink.1, DATABASE SINKS).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"
#include "io/line_reader.h"
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
};
int column_index(const std::vector<Column>& columns, std::string_view name);  // -1: none
std::string column_list(const std::vector<Column>& columns);                  // "a, b, c"
// An existing table must have the key columns and the stream header's
// columns: else a usage_error naming the one missing and what to do.
void check_table(const std::vector<Column>& columns, const std::vector<std::string>& keys,
                 const std::vector<std::string>& header_columns, const std::string& where,
                 const std::string& table);

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

 private:
  RecordReader reader_;
  std::string why_;
  std::vector<std::pair<std::string, JsonValue>> fields_;
  std::vector<const JsonValue*> slots_;
};

// The current UTC time as RFC 3339 (committed_at).
std::string now_text();

// The checkpoint's identity for the commit table: made at the first run with
// --db (the part db-id of the sink's folder), gone with sx-read --reset.
std::string checkpoint_identity(CheckpointDir& ckpt);

// The table's newest epoch of this pipeline (db_epoch, -1: none, written
// through the checkpoint identity db_id) against the checkpoint's newest
// commit (committed, identity ckpt_id): equal, or one ahead (a crash after
// the database's commit, before the checkpoint's). Anything else throws a
// usage_error that says how to rebuild. `where` names the table; `row` the
// sx_commits row.
void check_commits(const std::string& where, const std::string& row, std::int64_t db_epoch,
                   const std::string& db_id, std::int64_t committed, const std::string& ckpt_id);

}  // namespace sx::db
