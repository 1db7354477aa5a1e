#include "sink/pg_sink.h"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/time_parser.h"
#include "io/checkpoint_file.h"
#include "io/csv_writer.h"
#include "io/json.h"
#include "io/libpq_api.h"

namespace sx {

using namespace sx::dl_libpq;  // io/libpq_api.h: loaded when first used

std::string redact_db_url(const std::string& url) {
  std::string out = url;
  // postgresql://user:PASSWORD@host/...
  const std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t at = out.find('@', start);
    const std::size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... as a keyword or a URL parameter.
  for (std::size_t p = out.find("password="); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    const std::size_t v = p + 9;
    std::size_t e = v;
    if (e < out.size() && out[e] == '\'') {
      e = out.find('\'', e + 1);
      e = e == std::string::npos ? out.size() : e + 1;
    } else {
      while (e < out.size() && out[e] != ' ' && out[e] != '&') ++e;
    }
    out.replace(v, e - v, "***");
  }
  return out;
}

namespace {

// A lost connection (the server restarted, the network dropped): the epoch's
// transaction is done again once a new one is open.
struct ConnectionLost {
  std::string message;
};

std::string trimmed(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

bool is_iso_time(std::string_view s) {
  static const TimeParser iso("iso8601", "UTC");
  EventTime t;
  return s.size() >= 10 && s[4] == '-' && iso.parse(s, &t);
}

}  // namespace

struct PgSink::Impl {
  Impl(DbSinkOptions o, CheckpointDir* c, BadInputPolicy& b)
      : opt(std::move(o)), bad(b), ledger(opt, c) {}
  ~Impl() {
    if (conn) PQfinish(conn);
  }

  std::string where() const { return server + " table " + opt.table; }

  // ---- the connection ----

  void connect() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(opt.timeout_ms);
    auto delay = std::chrono::milliseconds(100);
    bool answered_before = false;
    for (;;) {
      conn = PQconnectdb(opt.url.c_str());
      if (PQstatus(conn) == CONNECTION_OK) break;
      const std::string msg = trimmed(PQerrorMessage(conn));
      PQfinish(conn);
      conn = nullptr;
      // Retried while the server does not answer or is not ready (down,
      // starting, restarting); a refusal by a server that answers, twice in
      // a row (it may have just become ready), is final: a password, a
      // database name.
      const PGPing ping = PQping(opt.url.c_str());
      const bool answers = ping == PQPING_OK;
      const bool retry =
          ping == PQPING_NO_RESPONSE || ping == PQPING_REJECT || (answers && !answered_before);
      answered_before = answers;
      if (!retry || std::chrono::steady_clock::now() + delay > deadline) {
        throw io_error("cannot connect to PostgreSQL (" + redact_db_url(opt.url) + "): " + msg +
                       (!answers ? " (retried for --db-timeout; is the server running?)"
                                 : " (check the URL, and the credentials in it, the PG* "
                                   "variables or ~/.pgpass)"));
      }
      if (!answers) {
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(5000));
      }
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    const char* host = PQhost(conn);
    server = std::string("postgresql database ") + PQdb(conn) + " on " +
             (host && *host == '/' ? std::string("socket ") + host
              : host               ? host
                                   : "?");
  }

  bool lost() const { return !conn || PQstatus(conn) == CONNECTION_BAD; }

  // Runs `sql`; throws ConnectionLost, or `fail`'s error, on failure.
  PGresult* run(const std::string& sql, const char* what, int n = 0,
                const char* const* params = nullptr) {
    PGresult* r = n == 0 ? PQexec(conn, sql.c_str())
                         : PQexecParams(conn, sql.c_str(), n, nullptr, params, nullptr, nullptr, 0);
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN) return r;
    check(r, what);
    return r;  // not reached
  }
  void exec(const std::string& sql, const char* what, int n = 0,
            const char* const* params = nullptr) {
    PQclear(run(sql, what, n, params));
  }

  [[noreturn]] void check(PGresult* r, const std::string& what) {
    // One line: the primary message, and its detail.
    std::string msg = trimmed(r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
    if (msg.empty()) msg = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    const std::string detail = trimmed(r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : nullptr);
    if (!detail.empty()) msg += " (" + detail + ")";
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    const std::string context = trimmed(r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : nullptr);
    PQclear(r);
    if (lost() || sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
        sqlstate == "57P03") {
      throw ConnectionLost{msg};
    }
    if (sqlstate == "42P10") {
      std::string key_cols;
      for (const std::string& k : keys) key_cols += (key_cols.empty() ? "" : ", ") + db::ident(k);
      throw usage_error(where() + ": --mode update upserts by (" + key_cols +
                        "), but the table has no PRIMARY KEY or UNIQUE index on them; add one: "
                        "CREATE UNIQUE INDEX ON " +
                        db::ident(opt.table) + " (" + key_cols + ")");
    }
    // A COPY error names the row: "COPY t, line N, column c: ...".
    std::string origin;
    const std::size_t line_at = context.find(", line ");
    if (line_at != std::string::npos) {
      const std::size_t n = std::strtoull(context.c_str() + line_at + 7, nullptr, 10);
      if (n >= 1 && n <= row_origin.size()) {
        origin = sources[row_origin[n - 1].first] + ":" + std::to_string(row_origin[n - 1].second) +
                 ": ";
      }
      const std::size_t col = context.find(", column ");
      if (col != std::string::npos) origin += "column " + context.substr(col + 9) + ": ";
    }
    throw data_error(origin + where() + " refused the epoch (" + what +
                     "; its transaction is rolled back): " + msg);
  }

  void reconnect(const std::string& why_lost) {
    if (conn) PQfinish(conn);
    conn = nullptr;
    try {
      connect();
    } catch (const Error& e) {
      throw io_error("lost the connection to " + where() + " (" + why_lost +
                     ") and could not connect again within --db-timeout: " + e.what());
    }
  }

  // ---- open ----

  void open(const SinkHeader& header) {
    connect();
    header_columns = header.columns;
    keys = db::key_columns(opt, header);
    if (header.stream) time_field = header.stream->time_field;
    for (;;) {
      try {
        read_table();
        if (ledger.recording()) {
          exec(
              "CREATE TABLE IF NOT EXISTS sx_commits (pipeline TEXT NOT NULL, tbl TEXT NOT NULL, "
              "epoch BIGINT NOT NULL, checkpoint_id TEXT NOT NULL, committed_at TIMESTAMPTZ NOT "
              "NULL, PRIMARY KEY (pipeline, tbl))",
              "creating the commit table sx_commits");
          read_db_epoch();
        }
        break;
      } catch (const ConnectionLost& e) {
        reconnect(e.message);
      }
    }
    ledger.settle(where());
  }

  void read_db_epoch() {
    const char* params[] = {opt.pipeline.c_str(), opt.table.c_str()};
    PGresult* r =
        run("SELECT epoch, checkpoint_id FROM sx_commits WHERE pipeline = $1 AND tbl = $2",
            "reading the commit table sx_commits", 2, params);
    if (PQntuples(r) == 1)
      ledger.found(std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10), PQgetvalue(r, 0, 1));
    PQclear(r);
  }

  void read_table() {
    const char* params[] = {opt.table.c_str()};
    PGresult* r =
        run("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "reading the table's columns", 1, params);
    std::vector<db::Column> found;
    for (int i = 0; i < PQntuples(r); ++i) {
      found.push_back(db::make_column(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1)));
    }
    PQclear(r);
    table_exists = !found.empty();
    if (!table_exists) return;
    columns = std::move(found);
    db::check_table(columns, keys, header_columns, where(), opt.table);
  }

  // ---- records ----

  // The columns of a table to create, from its first row.
  void plan_table() {
    const std::vector<std::string> names = row.new_table_names(header_columns);
    db::check_keys_in(names, keys, where());
    for (const std::string& n : names) {
      const JsonValue* v = row.field(n);
      std::string declared = "TEXT";
      if (v) {
        switch (v->type) {
          case JsonType::kInt:
            declared = "BIGINT";
            break;
          case JsonType::kUint:
            declared = "NUMERIC";
            break;
          case JsonType::kDouble:
            declared = "DOUBLE PRECISION";
            break;
          case JsonType::kBool:
            declared = "BOOLEAN";
            break;
          case JsonType::kObject:
          case JsonType::kArray:
            declared = "JSONB";
            break;
          case JsonType::kString: {
            const bool time_col = n == "window_start" || n == "window_end" || n == time_field;
            declared = time_col && is_iso_time(v->text) ? "TIMESTAMPTZ" : "TEXT";
            break;
          }
          default:
            break;
        }
      }
      columns.push_back(db::make_column(n, declared));
    }
  }

  void write(const Line& line, const std::string& source) {
    if (skip_epoch) return;
    if (!row.read(line, source, bad)) return;
    if (columns.empty()) plan_table();
    if (!row.match(columns, line, source, bad, where(), opt.table, /*integers_only=*/true)) {
      return;
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) rows += '\t';
      const JsonValue* v = row.slots()[i];
      if (!v || v->type == JsonType::kNull || v->type == JsonType::kMissing) {
        rows += "\\N";
      } else if (v->type == JsonType::kBool) {
        rows += v->boolean ? 't' : 'f';
      } else {
        CsvWriter::append_tsv_escaped(rows, v->text);  // COPY's text format
      }
    }
    if (opt.mode == SinkMode::kUpdate) rows += '\t' + std::to_string(row_origin.size());
    rows += '\n';
    if (sources.empty() || sources.back() != source) sources.push_back(source);
    row_origin.emplace_back(static_cast<std::uint32_t>(sources.size() - 1), line.number);
  }

  // ---- commits ----

  std::string column_names() const {
    std::string s;
    for (const db::Column& c : columns) s += (s.empty() ? "" : ", ") + db::ident(c.name);
    return s;
  }

  void copy_rows(const std::string& target) {
    PQclear(run("COPY " + target + " FROM STDIN", "starting the COPY"));
    if (PQputCopyData(conn, rows.data(), static_cast<int>(rows.size())) != 1 ||
        PQputCopyEnd(conn, nullptr) != 1) {
      throw ConnectionLost{trimmed(PQerrorMessage(conn))};
    }
    PGresult* r = PQgetResult(conn);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) check(r, "copying the epoch's rows");
    PQclear(r);
    while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  }

  // One transaction: the table (created when new), the rows, sx_commits.
  void write_transaction(std::int64_t id, bool record) {
    exec("BEGIN", "beginning the epoch's transaction");
    const std::string table = db::ident(opt.table);
    if (!table_exists && !columns.empty()) {
      std::string sql = "CREATE TABLE IF NOT EXISTS " + table + " (";
      for (std::size_t i = 0; i < columns.size(); ++i) {
        sql += (i ? ", " : "") + db::ident(columns[i].name) + " " + columns[i].declared;
      }
      if (!keys.empty()) {
        std::string key_cols;
        for (const std::string& k : keys) key_cols += (key_cols.empty() ? "" : ", ") + db::ident(k);
        sql += ", PRIMARY KEY (" + key_cols + ")";
      }
      exec(sql + ")", "creating the table");
    }
    if (!rows.empty()) {
      const std::string cols = column_names();
      if (opt.mode == SinkMode::kComplete) exec("DELETE FROM " + table, "emptying the table");
      if (opt.mode != SinkMode::kUpdate) {
        copy_rows(table + " (" + cols + ")");
      } else {
        // Into a temporary table, then upserted: the last row of a key wins.
        exec("CREATE TEMP TABLE IF NOT EXISTS sx_stage AS SELECT " + cols + " FROM " + table +
                 " WITH NO DATA",
             "creating the staging table");
        exec("ALTER TABLE sx_stage ADD COLUMN IF NOT EXISTS sx_seq BIGINT",
             "creating the staging table");
        exec("TRUNCATE sx_stage", "emptying the staging table");
        copy_rows("sx_stage (" + cols + ", sx_seq)");
        std::string key_cols, set;
        for (const std::string& k : keys) key_cols += (key_cols.empty() ? "" : ", ") + db::ident(k);
        for (const db::Column& c : columns) {
          if (std::find(keys.begin(), keys.end(), c.name) != keys.end()) continue;
          set += (set.empty() ? "" : ", ") + db::ident(c.name) + " = excluded." + db::ident(c.name);
        }
        exec("INSERT INTO " + table + " (" + cols + ") SELECT DISTINCT ON (" + key_cols + ") " +
                 cols + " FROM sx_stage ORDER BY " + key_cols + ", sx_seq DESC ON CONFLICT (" +
                 key_cols + ") DO " + (set.empty() ? "NOTHING" : "UPDATE SET " + set),
             "upserting the epoch's rows");
      }
    }
    if (record) {
      const std::string epoch = std::to_string(id);
      const char* params[] = {opt.pipeline.c_str(), opt.table.c_str(), epoch.c_str(),
                              ledger.checkpoint_id().c_str()};
      exec(
          "INSERT INTO sx_commits (pipeline, tbl, epoch, checkpoint_id, committed_at) VALUES ($1, "
          "$2, $3, $4, now()) ON CONFLICT (pipeline, tbl) DO UPDATE SET epoch = excluded.epoch, "
          "checkpoint_id = excluded.checkpoint_id, committed_at = excluded.committed_at",
          "recording the epoch in sx_commits", 4, params);
    }
    fault_point("db-before-commit");
    exec("COMMIT", "committing the epoch");
    if (!columns.empty()) table_exists = true;
  }

  // The transaction, done again on a new connection after a lost one,
  // unless its COMMIT had landed (sx_commits has the epoch).
  void write_epoch(std::int64_t id, bool record) {
    for (;;) {
      try {
        write_transaction(id, record);
        return;
      } catch (const ConnectionLost& e) {
        reconnect(e.message);
        if (record) {
          read_db_epoch();
          if (ledger.holds(id)) return;
        }
        const std::vector<db::Column> planned = columns;
        read_table();
        if (!table_exists) columns = planned;
      } catch (...) {
        if (!lost()) PQclear(PQexec(conn, "ROLLBACK"));
        throw;
      }
    }
  }

  void commit(std::int64_t id) {
    ledger.check_follows(id);
    if (!ledger.holds(id)) {  // else a replay: the table has this epoch
      write_epoch(id, ledger.recording());
      ledger.table_committed(id);
    }
    clear();
    fault_point("db-after-commit");
    ledger.checkpoint_commit(id, "postgresql");
  }

  void clear() {
    rows.clear();
    row_origin.clear();
    sources.clear();
  }

  DbSinkOptions opt;
  BadInputPolicy& bad;
  PGconn* conn = nullptr;
  std::string server = "postgresql";
  std::vector<std::string> header_columns, keys;
  std::string time_field;
  std::vector<db::Column> columns;  // the table's, or those planned from the first row
  bool table_exists = false;
  db::EpochLedger ledger;
  bool skip_epoch = false;
  // The epoch's rows as COPY text, and where each came from (for messages).
  std::string rows;
  std::vector<std::string> sources;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> row_origin;  // (sources index, line)
  db::RowReader row;
};

PgSink::PgSink(DbSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad)
    : impl_(std::make_unique<Impl>(std::move(options), ckpt, bad)) {}
PgSink::~PgSink() = default;

void PgSink::open(const SinkHeader& header) { impl_->open(header); }
std::int64_t PgSink::last_committed() const { return impl_->ledger.committed(); }
void PgSink::begin_epoch(std::int64_t id) { impl_->skip_epoch = impl_->ledger.holds(id); }
void PgSink::write(const Line& line, const std::string& source) { impl_->write(line, source); }
void PgSink::commit_epoch(std::int64_t id) { impl_->commit(id); }
void PgSink::abort_epoch() { impl_->clear(); }
void PgSink::finish() {
  // Records after the last epoch record (plain NDJSON): a last batch,
  // committed without an epoch.
  if (!impl_->rows.empty()) impl_->write_epoch(-1, false);
  impl_->clear();
}

}  // namespace sx
