#include "sink/sqlite_sink.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string_view>
#include <thread>

#include "base/error.h"
#include "io/checkpoint_file.h"
#include "io/json.h"
#include "sink/db_common.h"

namespace sx {

namespace {

// The declared SQLite type of a new column whose first value is `v`.
const char* declared_for(const JsonValue& v) {
  switch (v.type) {
    case JsonType::kInt:
    case JsonType::kUint:
      return "INTEGER";
    case JsonType::kDouble:
      return "REAL";
    case JsonType::kString:
      return "TEXT";
    case JsonType::kBool:
      return "BOOLEAN";
    case JsonType::kObject:
    case JsonType::kArray:
      return "JSON";
    default:
      return "";
  }
}

}  // namespace

struct SqliteSink::Impl {
  Impl(DbSinkOptions o, CheckpointDir* c, BadInputPolicy& b)
      : opt(std::move(o)), bad(b), ledger(opt, c) {}

  ~Impl() {
    if (insert) sqlite3_finalize(insert);
    if (db) sqlite3_close_v2(db);  // an open transaction is rolled back
  }

  std::string where() const { return "sqlite:" + opt.path + " table " + opt.table; }

  [[noreturn]] void fail(const std::string& what, int rc) const {
    std::string msg = where() + ": " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      msg += " (another process held the database for longer than --db-timeout " +
             std::to_string(opt.timeout_ms / 1000) +
             "s; wait for it to finish, or raise --db-timeout)";
      throw locked_error(msg);
    }
    throw io_error(msg);
  }

  void exec(const std::string& sql, const char* what) {
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(what, rc);
  }

  sqlite3_stmt* prepare(const std::string& sql, const char* what) {
    sqlite3_stmt* st = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr);
    if (rc != SQLITE_OK) fail(what, rc);
    return st;
  }

  void open(const SinkHeader& header) {
    const int rc =
        sqlite3_open_v2(opt.path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      const std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      throw io_error("cannot open the database sqlite:" + opt.path + ": " + msg +
                     " (check that its folder exists and is writable)");
    }
    sqlite3_busy_timeout(db, static_cast<int>(std::min<std::int64_t>(opt.timeout_ms, 1 << 30)));
    // WAL: readers see the last committed epoch while one is written.
    // Several sinks opening a new database at once: the switch to WAL can
    // meet SQLITE_BUSY, which SQLite returns at once (its busy handler is
    // not called there), so it is retried here within --db-timeout.
    for (std::int64_t waited_ms = 0;; waited_ms += 5) {
      const int wal = sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if (wal == SQLITE_OK) break;
      if (wal != SQLITE_BUSY || waited_ms >= opt.timeout_ms) {
        fail("opening the database (WAL mode)", wal);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    exec("PRAGMA synchronous=FULL", "setting synchronous=FULL");
    header_columns = header.columns;
    keys = db::key_columns(opt, header);
    read_table();
    if (!opt.pipeline.empty()) {
      exec(
          "CREATE TABLE IF NOT EXISTS sx_commits (pipeline TEXT NOT NULL, tbl TEXT NOT NULL, "
          "epoch INTEGER NOT NULL, checkpoint_id TEXT NOT NULL, committed_at TEXT NOT NULL, "
          "PRIMARY KEY (pipeline, tbl))",
          "creating the commit table sx_commits");
      sqlite3_stmt* st =
          prepare("SELECT epoch, checkpoint_id FROM sx_commits WHERE pipeline = ?1 AND tbl = ?2",
                  "reading the commit table sx_commits");
      sqlite3_bind_text(st, 1, opt.pipeline.data(), static_cast<int>(opt.pipeline.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(st, 2, opt.table.data(), static_cast<int>(opt.table.size()), SQLITE_STATIC);
      const int step = sqlite3_step(st);
      if (step == SQLITE_ROW) {
        const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
        ledger.found(sqlite3_column_int64(st, 0), id ? id : "");
      }
      sqlite3_finalize(st);
      if (step != SQLITE_ROW && step != SQLITE_DONE) fail("reading sx_commits", step);
    }
    ledger.settle(where());
  }

  // The table's columns, when it exists.
  void read_table() {
    sqlite3_stmt* st = prepare("SELECT name, type FROM pragma_table_info(?1)", "reading the table");
    sqlite3_bind_text(st, 1, opt.table.data(), static_cast<int>(opt.table.size()), SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const auto* n = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      columns.push_back(db::make_column(n ? n : "", t ? t : ""));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) fail("reading the table's columns", rc);
    if (columns.empty()) return;
    table_known = true;
    db::check_table(columns, keys, header_columns, where(), opt.table);
    prepare_insert();
  }

  void prepare_insert() {
    std::string cols, params;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      cols += (i ? ", " : "") + db::ident(columns[i].name);
      params += (i ? ", ?" : "?") + std::to_string(i + 1);
    }
    std::string sql =
        "INSERT INTO " + db::ident(opt.table) + " (" + cols + ") VALUES (" + params + ")";
    if (opt.mode == SinkMode::kUpdate) {
      std::string key_cols, set;
      for (const std::string& k : keys) key_cols += (key_cols.empty() ? "" : ", ") + db::ident(k);
      for (const db::Column& c : columns) {
        if (std::find(keys.begin(), keys.end(), c.name) != keys.end()) continue;
        set += (set.empty() ? "" : ", ") + db::ident(c.name) + " = excluded." + db::ident(c.name);
      }
      sql +=
          " ON CONFLICT (" + key_cols + ") DO " + (set.empty() ? "NOTHING" : "UPDATE SET " + set);
    }
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &insert, nullptr);
    if (rc != SQLITE_OK) {
      const std::string msg = sqlite3_errmsg(db);
      if (opt.mode == SinkMode::kUpdate && msg.find("ON CONFLICT") != std::string::npos) {
        std::string key_cols;
        for (const std::string& k : keys) key_cols += (key_cols.empty() ? "" : ", ") + db::ident(k);
        throw usage_error(where() + ": --mode update upserts by (" + key_cols +
                          "), but the table has no PRIMARY KEY or UNIQUE index on them; add one: "
                          "CREATE UNIQUE INDEX ON " +
                          db::ident(opt.table) + " (" + key_cols + ")");
      }
      fail("preparing the insert", rc);
    }
  }

  // The table from the first row: the header's columns (then the row's other
  // fields), types from the row's values, the key as primary key.
  void create_table() {
    const std::vector<std::string> names = row.new_table_names(header_columns);
    db::check_keys_in(names, keys, where());
    std::string sql = "CREATE TABLE " + db::ident(opt.table) + " (";
    for (std::size_t i = 0; i < names.size(); ++i) {
      const JsonValue* v = row.field(names[i]);
      const char* declared = v ? declared_for(*v) : "";
      sql += (i ? ", " : "") + db::ident(names[i]) + (*declared ? " " : "") + declared;
      columns.push_back(db::make_column(names[i], declared));
    }
    if (!keys.empty()) {
      std::string key_cols;
      for (const std::string& k : keys) key_cols += (key_cols.empty() ? "" : ", ") + db::ident(k);
      sql += ", PRIMARY KEY (" + key_cols + ")";
    }
    sql += ")";
    exec(sql, "creating the table");
    table_known = true;
    prepare_insert();
  }

  void begin_tx() {
    if (in_tx) return;
    exec("BEGIN IMMEDIATE", "beginning the epoch's transaction");
    in_tx = true;
  }

  void rollback() {
    if (!in_tx) return;
    in_tx = false;
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  void write(const Line& line, const std::string& source) {
    if (skip_epoch) return;
    if (!row.read(line, source, bad)) return;
    begin_tx();
    if (!table_known) {
      // Another pipeline into the same table may have made it since open
      // (scaling out by partitions): looked for again under the write lock.
      read_table();
      if (!table_known) create_table();
    }
    if (opt.mode == SinkMode::kComplete && !cleared) {
      exec("DELETE FROM " + db::ident(opt.table), "emptying the table (complete mode)");
      cleared = true;
    }
    if (!row.match(columns, line, source, bad, where(), opt.table, /*integers_only=*/false)) {
      return;
    }
    for (std::size_t i = 0; i < columns.size(); ++i) bind(static_cast<int>(i + 1), row.slots()[i]);
    const int rc = sqlite3_step(insert);
    sqlite3_reset(insert);  // every parameter is bound again for the next row
    if (rc != SQLITE_DONE) {
      if (rc == SQLITE_CONSTRAINT || rc == SQLITE_MISMATCH || rc == SQLITE_TOOBIG) {
        bad.handle(BadKind::kBadValue, source, line.number,
                   where() + " refused the row: " + sqlite3_errmsg(db), line.text);
        return;
      }
      fail("inserting " + source + ":" + std::to_string(line.number), rc);
    }
  }

  void bind(int at, const JsonValue* v) {
    if (!v) {
      sqlite3_bind_null(insert, at);
      return;
    }
    switch (v->type) {
      case JsonType::kInt:
        sqlite3_bind_int64(insert, at, v->i);
        break;
      case JsonType::kDouble:
        sqlite3_bind_double(insert, at, v->d);
        break;
      case JsonType::kBool:
        sqlite3_bind_int(insert, at, v->boolean ? 1 : 0);
        break;
      case JsonType::kUint:  // beyond int64: SQLite keeps the digits' nearest REAL
      case JsonType::kString:
      case JsonType::kObject:
      case JsonType::kArray:
        sqlite3_bind_text(insert, at, v->text.data(), static_cast<int>(v->text.size()),
                          SQLITE_STATIC);
        break;
      default:
        sqlite3_bind_null(insert, at);
    }
  }

  void commit(std::int64_t id) {
    ledger.check_follows(id);
    if (ledger.holds(id)) {
      rollback();  // nothing was written (skip_epoch); the table has this epoch
    } else {
      if (ledger.recording()) {
        begin_tx();
        sqlite3_stmt* st = prepare(
            "INSERT INTO sx_commits (pipeline, tbl, epoch, checkpoint_id, committed_at) "
            "VALUES (?1, ?2, ?3, ?5, ?4) ON CONFLICT (pipeline, tbl) DO UPDATE SET "
            "epoch = excluded.epoch, checkpoint_id = excluded.checkpoint_id, "
            "committed_at = excluded.committed_at",
            "recording the epoch in sx_commits");
        const std::string at = db::now_text();
        sqlite3_bind_text(st, 1, opt.pipeline.data(), static_cast<int>(opt.pipeline.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 2, opt.table.data(), static_cast<int>(opt.table.size()),
                          SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, id);
        sqlite3_bind_text(st, 4, at.data(), static_cast<int>(at.size()), SQLITE_STATIC);
        const std::string& ckpt_id = ledger.checkpoint_id();
        sqlite3_bind_text(st, 5, ckpt_id.data(), static_cast<int>(ckpt_id.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) fail("recording the epoch in sx_commits", rc);
      }
      if (in_tx) {
        fault_point("db-before-commit");
        const int rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail("committing epoch " + std::to_string(id), rc);
        in_tx = false;
      }
      ledger.table_committed(id);
    }
    fault_point("db-after-commit");
    ledger.checkpoint_commit(id, "sqlite");
  }

  DbSinkOptions opt;
  BadInputPolicy& bad;
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::vector<std::string> header_columns, keys;
  std::vector<db::Column> columns;
  bool table_known = false;
  db::EpochLedger ledger;
  bool in_tx = false;
  bool skip_epoch = false;  // a replay of an epoch the table has
  bool cleared = false;     // complete mode: this epoch emptied the table
  db::RowReader row;
};

SqliteSink::SqliteSink(DbSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad)
    : impl_(std::make_unique<Impl>(std::move(options), ckpt, bad)) {}
SqliteSink::~SqliteSink() = default;

void SqliteSink::open(const SinkHeader& header) { impl_->open(header); }
std::int64_t SqliteSink::last_committed() const { return impl_->ledger.committed(); }
void SqliteSink::begin_epoch(std::int64_t id) {
  impl_->skip_epoch = impl_->ledger.holds(id);
  impl_->cleared = false;
}
void SqliteSink::write(const Line& line, const std::string& source) { impl_->write(line, source); }
void SqliteSink::commit_epoch(std::int64_t id) { impl_->commit(id); }
void SqliteSink::abort_epoch() { impl_->rollback(); }
void SqliteSink::finish() {
  // Records after the last epoch record (plain NDJSON, or a stream that
  // ended without one): a last batch, committed without an epoch.
  if (impl_->in_tx) {
    const int rc = sqlite3_exec(impl_->db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) impl_->fail("committing the last batch", rc);
    impl_->in_tx = false;
  }
}

}  // namespace sx
