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

#include "io/json.h"
#include "ops/window_plan.h"
#include "state/aggregate.h"
#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/stage.h"

namespace sx {

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
