// What the database sinks (sqlite_sink, pg_sink) share: SQL identifiers, the
// kinds of values a column takes, and the rules of the commit table
// sx_commits against the checkpoint (man/sx-sink.1, DATABASE SINKS).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"
#include "sink/sink_mode.h"
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
