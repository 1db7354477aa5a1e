// The end of a pipeline (sx-sink's engine): writes data records as NDJSON
// (original bytes; control records stripped unless kept), as Spark
// console-style tables per epoch, or as CSV.
#pragma once

#include <memory>
#include <string>

#include "bad_input.h"
#include "csv_writer.h"
#include "json.h"
#include "stage.h"
#include "table_writer.h"

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
  class CheckpointDir* checkpoint = nullptr;
};

class SinkOperator : public Operator {
 public:
  // Throws usage_error for options that do not go together.
  SinkOperator(const SinkOptions& options, Output& out, BadInputPolicy& bad);
  void on_record(const Line& line, const std::string& source) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_end() override;

 private:
  void handle_control(const Control& control, std::string_view raw);
  // Feeds the fields of a record to `emit(key, shown_text)`; false if it is
  // not a JSON object (reported through the bad-input policy).
  template <class Emit>
  bool fields(const Line& line, const std::string& source, Emit&& emit);

  SinkOptions opt_;
  BadInputPolicy& bad_;
  RecordReader reader_;
  std::string why_;
  std::unique_ptr<TableWriter> table_;
  std::unique_ptr<CsvWriter> csv_;
  std::int64_t next_batch_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace sx
