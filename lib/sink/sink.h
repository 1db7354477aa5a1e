// The end of a pipeline (sx-sink's engine): writes data records as NDJSON
// (original bytes; control records stripped unless kept), as Spark
// console-style tables per epoch, or as CSV.
#pragma once

#include <memory>
#include <string>

#include "io/csv_writer.h"
#include "io/json.h"
#include "io/table_writer.h"
#include "stream/bad_input.h"
#include "stream/stage.h"

namespace sx {

enum class SinkFormat { kNdjson, kTable, kCsv };
// "ndjson", "table", "csv"; throws usage_error naming the choices.
SinkFormat parse_sink_format(const std::string& name);

struct SinkOptions {
  SinkFormat format = SinkFormat::kNdjson;
  bool keep_control = false;  // ndjson only
  std::size_t num_rows = 20;  // table: rows shown per batch (0 = all)
  std::size_t truncate = 20;  // table: cell width (0 = no truncation)
  // --checkpoint: commit each epoch once its output is flushed (stdout is
  // at-least-once: a crash between the write and the commit repeats it).
  // The output of an epoch is held back (in memory, past 1 MiB in a
  // temporary file under the stage's checkpoint folder) until its epoch
  // record, so that a run that ends before an epoch does (an available-now
  // run, an upstream failure, a signal) writes none of it: the next run
  // brings those rows again with their epoch. Held rows are written at the
  // end only when the stream is over (no stream header: a batch; or the
  // final watermark, +inf, was seen).
  class CheckpointDir* checkpoint = nullptr;
};

class SinkOperator : public Operator {
 public:
  // Throws usage_error for options that do not go together.
  SinkOperator(const SinkOptions& options, Output& out, BadInputPolicy& bad);
  void on_record(const Line& line, const std::string& source) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_end() override;
  ~SinkOperator() override;

 private:
  void handle_control(const Control& control, std::string_view raw);
  // Feeds the fields of a record to `emit(key, shown_text)`; false if it is
  // not a JSON object (reported through the bad-input policy).
  template <class Emit>
  bool fields(const Line& line, const std::string& source, Emit&& emit);

  // Where rows go: the held output with --checkpoint, else out_.
  Output& target() { return held_ ? *held_ : out_; }
  // --checkpoint: hands the held bytes to out_ (release) or drops them.
  void release_held();
  void drop_held();

  SinkOptions opt_;
  BadInputPolicy& bad_;
  std::unique_ptr<Output> held_;
  int held_fd_ = -1;             // the spill file (unlinked) behind held_
  std::uint64_t held_mark_ = 0;  // held_->bytes_written() at the last release
  std::uint64_t held_rows_ = 0;  // data records held since the last epoch record
  std::int64_t committed_ = -2;  // newest commit (-1: none; -2: not read yet)
  bool header_seen_ = false, final_seen_ = false;
  RecordReader reader_;
  std::string why_;
  std::unique_ptr<TableWriter> table_;
  std::unique_ptr<CsvWriter> csv_;
  std::int64_t next_batch_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace sx
