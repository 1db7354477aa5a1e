// --progress FILE: one NDJSON record per epoch per stage, modelled on Spark's
// StreamingQueryProgress (sx(7), "PROGRESS"):
//   {"stage":"sx-window","batchId":3,"timestamp":"2026-11-21T20:00:00.123Z",
//    "numInputRows":100000,"numOutputRows":12,"inputRowsPerSecond":...,
//    "processedRowsPerSecond":...,"durationMs":41,"watermark":"...",
//    "numRowsDroppedByWatermark":0,"numRowsTotal":48,"memoryUsedBytes":9000}
// numInputRows counts the data records the stage read in the epoch (bad ones
// included), numOutputRows the data records it wrote; state and late counts
// come from the stage (zero for stateless ones). "unseenFields" (only while
// some field a flag names was in no record yet: a misspelling?) lists them:
//   "unseenFields":[{"field":"user_idd","namedBy":"--by","didYouMean":"user_id"}]
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/event_time.h"
#include "io/output.h"

namespace sx {

class FieldUsage;

// What a stage reports about its state at an epoch's end.
struct StageStats {
  std::uint64_t late_rows = 0;         // dropped by the watermark (cumulative)
  std::uint64_t state_rows = 0;        // windows x groups, keys, ...
  std::uint64_t state_bytes = 0;       // an estimate of their memory
  const FieldUsage* fields = nullptr;  // the fields its flags name (unseenFields)
};

class ProgressWriter {
 public:
  // Appends to `path`; throws io_error when it cannot be opened.
  ProgressWriter(const std::string& path, std::string stage);
  ~ProgressWriter();

  // The end of epoch `id`: rows read and written in it, the watermark in
  // force (EventTime::none(): none yet), the stage's stats. Written and
  // flushed at once, so `tail -f` shows it.
  void epoch(std::int64_t id, std::uint64_t input_rows, std::uint64_t output_rows,
             EventTime watermark, const StageStats& stats);

 private:
  std::unique_ptr<Output> out_;
  std::string stage_;
  std::int64_t last_ = 0;  // steady clock (us) at the previous epoch's end
  std::uint64_t late_before_ = 0;
};

// The live progress line of a source on a terminal (stderr): bytes read of
// the total, records/s and an ETA, redrawn in place at most 4 times a second.
class ProgressLine {
 public:
  // `tool` starts the line; `bytes_total`: of the inputs (0: unknown, no ETA).
  ProgressLine(std::string tool, std::uint64_t bytes_total);
  // `bytes` and `records` read so far. `last`: the final state, drawn
  // whatever the time, and the line ended.
  void show(std::uint64_t bytes, std::uint64_t records, bool last);

 private:
  std::string tool_;
  std::uint64_t total_;
  std::int64_t started_, last_;  // steady clock (us)
};

}  // namespace sx
