// The sink interface: where a pipeline's records end, committed epoch by
// epoch. Implemented by stdout and --output (sink/stdout_sink.h), by the
// directory sink --path (sink/dir_sink.h), and next by database sinks (one
// transaction per epoch that records the epoch in the same transaction, as
// Spark's foreachBatch with its batchId). SinkOperator (sink/sink_operator.h)
// drives a sink from the stream; a sink knows nothing of control records but
// what it asks for.
//
// The calls, in order, for one run:
//   open(header)            once, when the stream begins (its first line, or
//                           its end when empty): recover here (roll a commit
//                           that a crash cut short forward or back), not at
//                           launch: upstream, sx-read --reset may still be
//                           emptying the checkpoint;
//   then for each epoch:
//     begin_epoch(id)       before its first record, or at its epoch record
//                           when it has none;
//     write(record)...      its data records;
//     commit_epoch(id)      at its epoch record: make the epoch's output
//                           visible and durable together with the fact "id is
//                           committed" (atomically where the sink can: files
//                           renamed after the commit record, a database
//                           transaction);
//   and at the end one of
//     finish()              the stream is over (no stream header, i.e. plain
//                           NDJSON, or the end-of-stream watermark came):
//                           records after the last epoch record form a last
//                           batch, which a sink writes if it is not
//                           transactional;
//     abort_epoch()         the stream stopped inside an epoch (an
//                           available-now or once run, a signal, an upstream
//                           failure): the open epoch's records belong to an
//                           epoch this run did not finish; a transactional
//                           sink drops them (the next run brings them again).
// control(c, raw) sees every control record (the header and epoch records
// included, before open's and commit_epoch's work on them is done), for sinks
// that show or forward them. Errors are thrown as sx::Error (base/error.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/line_reader.h"
#include "stream/control_record.h"

namespace sx {

// What a sink learns when the stream begins.
struct SinkHeader {
  // The stream header; null without one. Valid during open() only.
  const StreamInfo* stream = nullptr;
  // The data records' keys when the header names them (sx-window's results),
  // for a table's columns before any row or a database table's schema.
  std::vector<std::string> columns;
  // The columns that identify a row, for update/complete output into a
  // table with upserts (window_start, window_end and the group keys). Empty
  // until the stream header carries them: a database sink takes them from
  // its own flags meanwhile.
  std::vector<std::string> keys;
};

class EpochSink {
 public:
  virtual ~EpochSink() = default;
  virtual void open(const SinkHeader& header) = 0;
  // The newest epoch committed in the sink's own commit log (-1: none, or no
  // commit log). Valid after open(). The stages upstream resume after the
  // pipeline's last commit, so the next epoch the stream brings is this + 1.
  virtual std::int64_t last_committed() const = 0;
  // `id`: the epoch the coming records belong to if the stream goes on from
  // last_committed() (then one more after each epoch record); commit_epoch
  // is told the id the stream actually carries.
  virtual void begin_epoch(std::int64_t id) = 0;
  // A data record: the raw line with its padding (io/json.h); `source` and
  // line.number name it in messages.
  virtual void write(const Line& record, const std::string& source) = 0;
  // The epoch record `id`. A sink with a commit log refuses an id that does
  // not follow its newest commit (CheckpointDir::check_follows).
  virtual void commit_epoch(std::int64_t id) = 0;
  virtual void abort_epoch() = 0;
  virtual void finish() = 0;
  virtual void control(const Control&, std::string_view /*raw*/) {}
};

}  // namespace sx
