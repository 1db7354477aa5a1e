// SinkOperator: the operator that drives an EpochSink (sink/epoch_sink.h)
// from the stream; run_stage (stream/stage.h) drives it in turn. It decides
// when an epoch begins, commits at each epoch record, and at the end whether
// the stream is over (finish) or stopped inside an epoch (abort_epoch).
//
// SinkOperatorFor<S> owns its sink, of a concrete (final) type S, so the
// per-record call to S::write is direct, not virtual.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "sink/epoch_sink.h"
#include "stream/stage.h"

namespace sx {

class SinkOperator : public Operator {
 public:
  void on_start(const StreamStart& start) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_end() override;

 protected:
  SinkOperator(Output& out, EpochSink& sink) : Operator(out), sink_(sink) {}
  // Before a record or an epoch record when no epoch is open.
  void begin() {
    sink_.begin_epoch(next_);
    in_epoch_ = true;
  }

  bool in_epoch_ = false;

 private:
  EpochSink& sink_;
  std::int64_t next_ = 0;  // the epoch the next records belong to
  bool header_seen_ = false, final_seen_ = false;
};

template <class S>
class SinkOperatorFor : public SinkOperator {
 public:
  // `out` is the driver's output (run_stage flushes it); `args` build the sink.
  template <class... Args>
  explicit SinkOperatorFor(Output& out, Args&&... args)
      : SinkOperator(out, sink_), sink_(std::forward<Args>(args)...) {}

  void on_record(const Line& line, const std::string& source) final {
    if (!in_epoch_) begin();
    sink_.write(line, source);
  }
  S& sink() { return sink_; }

 private:
  S sink_;
};

}  // namespace sx
