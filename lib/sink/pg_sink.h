// sx-sink --db postgresql://... --table NAME: the PostgreSQL sink (libpq;
// man/sx-sink.1, "DATABASE SINKS"), an EpochSink (sink/epoch_sink.h).
//
// The records of an epoch are checked (a column for each field, a value of
// the column's kind) and held, as COPY text, until its epoch record; then one
// transaction writes them all: COPY into the table (append), or into a
// temporary table and from there INSERT ... ON CONFLICT DO UPDATE (update;
// the last row of a key in the epoch wins) or DELETE and INSERT (complete),
// with the epoch's row of sx_commits, as the SQLite sink does. A connection
// lost at any point is opened again, with backoff, for up to --db-timeout:
// if sx_commits shows the epoch, its COMMIT had landed; else the transaction
// is done again from the held rows. Nothing committed is lost or doubled.
//
// The URL (or libpq connection string) may hold a password: it is never
// written in a message, a checkpoint or --progress; messages name the
// database by its server and name. libpq also reads PG* variables and
// ~/.pgpass.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "sink/db_common.h"
#include "sink/epoch_sink.h"
#include "sink/sink_operator.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"

namespace sx {

class PgSink final : public EpochSink {
 public:
  PgSink(DbSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad);
  ~PgSink() override;
  PgSink(const PgSink&) = delete;
  PgSink& operator=(const PgSink&) = delete;

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

class PgSinkOperator final : public SinkOperatorFor<PgSink> {
 public:
  PgSinkOperator(DbSinkOptions options, CheckpointDir* ckpt, BadInputPolicy& bad, Output& out)
      : SinkOperatorFor<PgSink>(out, std::move(options), ckpt, bad) {}
};

// `url` without its password (postgresql://user:PASSWORD@host/db, or
// password=... in a keyword/value string), for messages.
std::string redact_db_url(const std::string& url);

}  // namespace sx
