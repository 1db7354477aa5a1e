// sx-window's engine: event-time windowed (tumbling, sliding, session) and
// running aggregations per group key, driven by the stream's epoch and
// watermark records, with Spark's output modes (sx(7), "Windows" and
// "Output modes"; man sx-window).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/checkpoint_file.h"
#include "io/json.h"
#include "state/aggregate.h"
#include "state/window.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/record_time.h"
#include "stream/stage.h"

namespace sx {

enum class OutputMode { kAppend, kUpdate, kComplete };
// "append", "update", "complete"; throws usage_error naming the choices.
OutputMode parse_output_mode(const std::string& name);

struct WindowOptions {
  WindowSpec window;
  std::vector<std::string> by;              // group key paths
  std::vector<std::string> aggs;            // --agg specs; none: count
  std::optional<OutputMode> mode;           // not given: append (update for running aggregations)
  Micros ttl = -1;                          // running aggregations: drop a key after this silence
  std::string late_file;                    // --late FILE
  std::uint64_t max_state_rows = 10000000;  // 0: no limit
  // --max-state-bytes: the state's estimated bytes (rows, keys, the values of
  // collect_list and count_distinct); 0: no limit.
  std::uint64_t max_state_bytes = std::uint64_t{4} << 30;
  // --max-windows-per-record: the most windows (size / slide, rounded up) a
  // sliding window spec may put one record in; 0: no limit.
  std::uint64_t max_windows_per_record = 1000;
  // --time-field etc.: for input without a stream header. With a header,
  // sx-read decides how times are read: --time-format and --time-zone apply
  // only together with a --time-field of one's own (a usage error otherwise,
  // when they differ from the header's).
  TimeOverride time;
  bool window_zone_given = false;  // --window-time-zone (window.zone) was given
  // --checkpoint DIR (empty: none): the state is restored from DIR/NAME/C at
  // construction (C: the newest committed epoch) and saved to DIR/NAME/N at
  // each epoch record N, after the rows the epoch releases and before the
  // record is forwarded (sx(7), "CHECKPOINTS").
  std::string checkpoint;
  std::string name = "sx-window";  // --name
  // The flags the state depends on, as given (sx-window's main builds it); a
  // checkpoint made with another fingerprint is refused (usage_error).
  Fingerprint fingerprint;
};

class WindowOperator : public Operator {
 public:
  // Throws usage_error for options that do not go together.
  WindowOperator(const WindowOptions& options, Output& out, BadInputPolicy& bad);
  ~WindowOperator() override;
  // Reads the checkpoint, settles the time settings from the header (or the
  // flags) and writes this stage's stream header.
  void on_start(const StreamStart& start) override;
  void on_record(const Line& line, const std::string& source) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_end() override;
  // Late rows so far; state rows (windows x groups, sessions, running keys).
  StageStats stats() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
