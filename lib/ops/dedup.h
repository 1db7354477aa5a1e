// sx-dedup's engine: streaming deduplication with Spark's two semantics
// (sx(7), man sx-dedup). Default, dropDuplicates(keys): a key's first
// occurrence passes; when the event-time field is among the keys (or there
// are no keys: the whole record holds it), its state goes once the watermark
// reaches that time, otherwise it stays for the life of the stream.
// --within-watermark, dropDuplicatesWithinWatermark(keys): a key is held from
// its first event time until the watermark reaches that time plus the
// watermark delay. On a watermarked stream, a record at or below the
// watermark is late whatever the keys: not passed, counted, kept with --late
// FILE. A key part naming the event-time field compares as an instant.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stream/bad_input.h"
#include "stream/control_record.h"
#include "stream/record_time.h"
#include "stream/stage.h"

namespace sx {

struct DedupOptions {
  std::vector<std::string> keys;  // empty: the whole record (its bytes)
  bool within_watermark = false;
  std::string duplicates_file;    // --duplicates FILE
  std::string late_file;          // --late FILE
  std::uint64_t max_keys = 0;     // 0: no limit
  std::string checkpoint;         // --checkpoint DIR (empty: none)
  std::string name = "sx-dedup";  // --name
  TimeOverride time;  // --time-field etc.: for input without a header, or to override it
};

class DedupOperator : public Operator {
 public:
  DedupOperator(const DedupOptions& options, Output& out, BadInputPolicy& bad);
  ~DedupOperator() override;
  // Reads the checkpoint and settles the time settings and keys; usage_error
  // (data_error on an empty input) for --within-watermark without a watermark.
  void on_start(const StreamStart& start) override;
  void on_record(const Line& line, const std::string& source) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_idle() override;
  void on_end() override;

  StageStats stats() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
