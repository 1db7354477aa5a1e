#include "sink/sink_operator.h"

#include "base/signals.h"

namespace sx {

void SinkOperator::on_start(const StreamStart& start) {
  SinkHeader header;
  if (start.header != nullptr) {
    header.stream = start.header;
    header.columns = start.header->columns;
    header.keys = start.header->keys;
  }
  sink_.open(header);
  next_ = sink_.last_committed() + 1;
}

void SinkOperator::on_control(const Control& control, std::string_view raw) {
  if (control.type == ControlType::kStream) header_seen_ = true;
  if (control.type == ControlType::kWatermark && control.watermark == EventTime::end()) {
    final_seen_ = true;
  }
  if (control.type != ControlType::kEpoch) {
    sink_.control(control, raw);
    return;
  }
  if (!in_epoch_) begin();
  sink_.control(control, raw);
  sink_.commit_epoch(control.epoch);
  in_epoch_ = false;
  next_ = control.epoch + 1;
}

void SinkOperator::on_end() {
  // Over: a batch without a stream header (plain NDJSON), or the end-of-
  // stream watermark came. Else this run ended before its stream did
  // (available-now, once, an upstream failure or a signal).
  if ((header_seen_ && !final_seen_) || interrupted()) {
    sink_.abort_epoch();
  } else {
    sink_.finish();
  }
}

}  // namespace sx
