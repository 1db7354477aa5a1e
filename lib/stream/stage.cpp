#include "stream/stage.h"

#include "base/error.h"
#include "base/signals.h"
#include "io/fs.h"

namespace sx {

void Operator::on_control(const Control&, std::string_view raw) { out_.write_line(raw); }

void StreamOrder::check(const Control& control, const std::string& source, std::uint64_t line) {
  // The message prefix, built only for an error.
  const auto at = [&] { return source + ":" + std::to_string(line) + ": "; };
  switch (control.type) {
    case ControlType::kStream:
      if (header_seen_) {
        throw data_error(at() + "a second stream header (the first was at line " +
                         std::to_string(header_line_) +
                         "): two sx streams were joined into one input (cat of saved streams, "
                         "or two producers writing to one pipe); a stage reads one stream, so "
                         "run each through its own pipeline, or read the data once with one "
                         "sx-read");
      }
      header_seen_ = true;
      header_line_ = line;
      break;
    case ControlType::kEpoch:
      if (control.epoch <= last_epoch_) {
        throw data_error(at() + "epoch " + std::to_string(control.epoch) +
                         (control.epoch == last_epoch_ ? " again" : "") + " after epoch " +
                         std::to_string(last_epoch_) +
                         ": epoch ids must increase; two streams were joined into one input, "
                         "or something upstream repeats lines; run each stream through its own "
                         "pipeline");
      }
      last_epoch_ = control.epoch;
      break;
    case ControlType::kWatermark:
      if (control.watermark < watermark_) {
        throw data_error(at() + "the watermark goes back, from " + format_time(watermark_) +
                         " to " + format_time(control.watermark) +
                         ": watermarks never decrease; two streams were joined into one input, "
                         "or a filter upstream reordered the lines (keep control records in "
                         "place: see sx(7), KEEPING CONTROL RECORDS THROUGH FOREIGN FILTERS)");
      }
      watermark_ = control.watermark;
      break;
    case ControlType::kOther:
      break;
  }
}

void run_stage(const StageInput& input, Operator& op, Output& out, BadInputPolicy& bad) {
  bool started = false;
  const auto start = [&](StreamStart how) {
    if (started) return;
    started = true;
    op.on_start(how);
  };
  try {
    const std::vector<std::string> files =
        expand_inputs(input.files.empty() ? std::vector<std::string>{"-"} : input.files);
    std::string why;
    // --progress: rows read in this epoch, data rows written before it.
    std::uint64_t rows_in = 0, written_before = out.data_lines_written();
    EventTime watermark = EventTime::none();
    StreamOrder order;
    for (const auto& path : files) {
      auto reader = LineReader::open(path, input.max_line_bytes);
      reader->set_wait_hooks(
          [&op, &out] {
            op.on_idle();
            out.flush();
          },
          -1, nullptr);
      Line line;
      while (reader->next(&line)) {
        if (line.too_long) {
          bad.handle(BadKind::kTooLong, reader->name(), line.number,
                     too_long_reason(input.max_line_bytes), line.text);
        } else if (line.unterminated) {
          bad.handle(BadKind::kUnterminated, reader->name(), line.number,
                     "last line has no final newline (a truncated stream?)", line.text);
        } else if (is_control(line.text)) {
          auto control = parse_control(line.text, &why);
          if (!control) {
            bad.handle(BadKind::kMalformed, reader->name(), line.number, why, line.text);
            continue;
          }
          order.check(*control, reader->name(), line.number);
          if (control->type == ControlType::kStream) {
            start({&control->stream, HeaderlessStart::kRecord, {}});
          } else {
            start({nullptr, HeaderlessStart::kControl, {}});
          }
          if (control->type == ControlType::kWatermark) watermark = control->watermark;
          op.on_control(*control, line.text);
          if (input.progress && control->type == ControlType::kEpoch) {
            const std::uint64_t written = out.data_lines_written();
            input.progress->epoch(control->epoch, rows_in, written - written_before, watermark,
                                  op.stats());
            rows_in = 0;
            written_before = written;
          }
          if (control->type == ControlType::kEpoch || control->type == ControlType::kWatermark) {
            out.flush();
          }
        } else {
          ++rows_in;
          start({nullptr, HeaderlessStart::kRecord, line.text});
          op.on_record(line, reader->name());
        }
      }
    }
    // The end of input may be the upstream stage stopping on the same signal
    // that has just reached this one: the stream was cut, not ended.
    if (interrupted()) throw interrupted_error();
    start({nullptr, HeaderlessStart::kEmpty, {}});
    op.on_end();
    out.flush();
  } catch (const Error& e) {
    if (e.kind() == Error::Kind::kInterrupted) {
      // SIGINT/SIGTERM, between two lines: end as at the end of input (side
      // files flushed, summaries written; what follows the last epoch record
      // is no committed epoch: see the sink), then exit 130.
      try {
        start({nullptr, HeaderlessStart::kEmpty, {}});
        op.on_end();
        out.flush();
      } catch (const BrokenPipe&) {
      } catch (const Error&) {
      }
    }
    bad.finish();
    throw;
  } catch (...) {
    bad.finish();
    throw;
  }
  bad.finish();
}

}  // namespace sx
