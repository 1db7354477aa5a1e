// The stream sink (sx-sink without --path): writes data records to stdout or
// a file (--output) as NDJSON (original bytes; control records stripped
// unless kept), as Spark console-style tables per epoch, as CSV or TSV, or
// as Markdown tables per epoch; with --time-zone and --precision the time
// fields and doubles are shown for people (in ndjson too, which then
// rewrites each record; without them it copies the bytes). An
// EpochSink (sink/epoch_sink.h), driven by SinkOperatorFor<StdoutSink>.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/bar_writer.h"
#include "io/csv_writer.h"
#include "io/json.h"
#include "io/markdown_writer.h"
#include "io/table_writer.h"
#include "io/value_display.h"
#include "sink/epoch_sink.h"
#include "sink/live_view.h"
#include "sink/sink_operator.h"
#include "stream/bad_input.h"

namespace sx {

enum class SinkFormat { kNdjson, kTable, kCsv, kTsv, kMarkdown, kBar, kLive };
// "ndjson", "table", "csv", "tsv", "markdown" ("md"), "bar", "live"; throws
// usage_error naming the choices.
SinkFormat parse_sink_format(const std::string& name);

struct SinkOptions {
  SinkFormat format = SinkFormat::kNdjson;
  bool keep_control = false;        // ndjson only
  std::size_t num_rows = 20;        // table: rows shown per batch (0 = all)
  std::size_t truncate = 20;        // table: cell width (0 = no truncation)
  bool skip_empty_batches = false;  // table: print no batch for an epoch without rows
  // --time-zone: the time fields (window_start, window_end and the stream
  // header's time field, top-level keys) are shown as RFC 3339 times in this
  // zone with their offset (io/value_display.h); empty: as they are.
  std::string time_zone;
  // --precision: doubles (numbers with a fraction or exponent) are shown
  // with this many digits after the point; -1: as they are.
  int precision = -1;

  // bar: --value FIELD (required) and --label FIELDs (empty: the other fields).
  std::string bar_value;
  std::vector<std::string> bar_label;
  // live: --key FIELDs (empty: the header's keys, else inferred); also --truncate.
  std::vector<std::string> live_key;
  // bar, live: the screen's size (run_sink: terminal_size), and for live the
  // terminal to ask again at each redraw (-1: none).
  TerminalSize terminal;
  int terminal_fd = -1;

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

class StdoutSink final : public EpochSink {
 public:
  // Throws usage_error for options that do not go together. `out`: where
  // the rows go (stdout or --output).
  StdoutSink(const SinkOptions& options, Output& out, BadInputPolicy& bad);
  ~StdoutSink() override;
  StdoutSink(const StdoutSink&) = delete;
  StdoutSink& operator=(const StdoutSink&) = delete;

  // With --checkpoint: reads the newest commit.
  void open(const SinkHeader& header) override;
  std::int64_t last_committed() const override { return committed_; }
  void begin_epoch(std::int64_t) override {}
  void write(const Line& line, const std::string& source) override;
  void control(const Control& control, std::string_view raw) override;
  // Writes the epoch's rows (held back with --checkpoint) and, with
  // --checkpoint, syncs the output and commits the epoch.
  void commit_epoch(std::int64_t id) override;
  // Without --checkpoint: as finish() (stdout is not transactional). With
  // it: drops the rows after the last epoch record, with a note.
  void abort_epoch() override;
  void finish() override;

 private:
  // Feeds the fields of a record to `emit(key, shown_text, type)` or
  // `emit(key, shown_text)` (text as shown(): null is "null"); false if it
  // is not a JSON object (reported through the bad-input policy).
  template <class Emit>
  bool fields(const Line& line, const std::string& source, Emit&& emit);

  // --format bar and live: a record to the chart or the live table.
  void write_bar(const Line& line, const std::string& source);
  void write_live(const Line& line, const std::string& source);

  // Where rows go: the held output with --checkpoint, else out_.
  Output& target() { return held_ ? *held_ : out_; }
  // The value of field `key` as shown: `v.text`, or the time in --time-zone,
  // or the rounded double, or "null"/"true"/"false"; *type is v.type, or
  // kString for a time shown in the zone. The view lives until the next call.
  std::string_view shown(std::string_view key, const JsonValue& v, JsonType* type);
  // ndjson with --time-zone or --precision: the record rewritten.
  void write_rewritten(const Line& line, const std::string& source);

  // --checkpoint: hands the held bytes to out_ (release) or drops them.
  void release_held();
  void drop_held();

  SinkOptions opt_;
  Output& out_;
  BadInputPolicy& bad_;
  std::unique_ptr<Output> held_;
  int held_fd_ = -1;             // the spill file (unlinked) behind held_
  std::uint64_t held_mark_ = 0;  // held_->bytes_written() at the last release
  std::uint64_t held_rows_ = 0;  // data records held since the last epoch record
  std::int64_t committed_ = -1;  // newest commit (-1: none)
  RecordReader reader_;
  std::string why_;
  std::unique_ptr<TableWriter> table_;
  std::unique_ptr<CsvWriter> csv_;  // csv and tsv
  std::unique_ptr<MarkdownWriter> markdown_;
  bool saw_epoch_ = false;  // markdown: batches get a heading
  std::unique_ptr<ZoneShower> zone_;
  TimeParser window_time_{"iso8601", "UTC"};  // window_start, window_end
  std::unique_ptr<TimeParser> field_time_;    // the header's time field
  std::string time_field_;
  std::string shown_;
  std::string rewritten_;
  std::unique_ptr<BarWriter> bar_;
  std::string label_;                     // bar: the row's label, reused
  std::string value_text_;                // bar: the value as shown
  std::vector<std::string> label_parts_;  // bar: the --label fields' texts
  std::uint64_t not_numbers_ = 0;         // bar: rows whose value is not a number
  std::unique_ptr<LiveView> live_;
  std::int64_t next_batch_ = 0;
  std::uint64_t records_ = 0;
};

// sx-sink's operator for stdout and --output.
using StdoutSinkOperator = SinkOperatorFor<StdoutSink>;

}  // namespace sx
