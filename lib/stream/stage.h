// The driver every downstream stage runs on (sx-window, sx-dedup, sx-join,
// sx-sink): it owns input, control-record detection, the bad-input
// policy and output flushing; the operator owns the meaning.
//
// Order contract: control records reach the operator in stream order; an
// operator emits everything a watermark or epoch made final, then forwards the
// record (Operator's default does just the forwarding). The driver flushes the
// output after each epoch and watermark record and whenever input would block.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "io/line_reader.h"
#include "io/output.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/progress.h"
#include "stream/record_time.h"

namespace sx {

// How a stage's input began, given to Operator::on_start.
struct StreamStart {
  const StreamInfo* header = nullptr;  // the stream header, when the input began with one
  // Without a header: what came first (an empty input, a data record, a
  // control record), and the first line for a data record (for messages).
  HeaderlessStart how = HeaderlessStart::kRecord;
  std::string_view first_line;
};

class Operator {
 public:
  virtual ~Operator() = default;
  // Called once by the driver, before anything else reaches the operator:
  // with the header when the input begins with one (on_control then gets the
  // header record too), else with what came first; for an empty input, just
  // before on_end. Stages read their checkpoint and settle their time
  // settings here.
  virtual void on_start(const StreamStart&) {}
  // A data record: the raw line, with padding after it (see json.h). `source`
  // and line.number name it in messages.
  virtual void on_record(const Line& line, const std::string& source) = 0;
  // A control record. `raw` is its exact text. Default: forward it.
  virtual void on_control(const Control& control, std::string_view raw);
  // Input is about to block: emit anything held back (see sx-dedup's
  // prefetch pipeline) before the driver flushes the output.
  virtual void on_idle() {}
  // End of input, after the last record.
  virtual void on_end() {}
  // For --progress: late rows so far and the state held (stateless: zeros).
  virtual StageStats stats() const { return {}; }

 protected:
  explicit Operator(Output& out) : out_(out) {}
  Output& out_;
};

// The order of the control records every stage checks (sx(7), STREAM ORDER):
// at most one stream header, epoch ids that increase, watermarks that never
// go back. A stream that breaks it was put together wrongly (two streams
// concatenated, two writers on one pipe, a filter that reorders lines), and
// going on would give wrong answers, so check() throws data_error naming
// `source`:`line` and the probable cause.
class StreamOrder {
 public:
  void check(const Control& control, const std::string& source, std::uint64_t line);

 private:
  bool header_seen_ = false;
  std::uint64_t header_line_ = 0;
  std::int64_t last_epoch_ = -1;
  EventTime watermark_ = EventTime::none();
};

struct StageInput {
  std::vector<std::string> files;  // empty or "-": stdin
  std::size_t max_line_bytes = std::size_t{16} << 20;
  ProgressWriter* progress = nullptr;  // --progress: a record per epoch
};

// Reads the inputs and drives `op`. The control records' order is checked
// (StreamOrder) before the operator sees them. On SIGINT/SIGTERM
// (signals.h) the input stops between two lines, op.on_end() runs as at the
// end of input (interrupted() tells it apart), and the Error of kind
// kInterrupted goes on to the caller. Bad lines (too long, unterminated, a
// malformed control record) go to `bad`; the operator reports bad data
// records through the same policy. Calls bad.finish() at the end.
void run_stage(const StageInput& input, Operator& op, Output& out, BadInputPolicy& bad);

}  // namespace sx
