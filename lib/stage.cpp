#include "stage.h"

#include "source.h"

namespace sx {

void Operator::on_control(const Control&, std::string_view raw) { out_.write_line(raw); }

void run_stage(const StageInput& input, Operator& op, Output& out, BadInputPolicy& bad) {
  try {
    const std::vector<std::string> files =
        expand_inputs(input.files.empty() ? std::vector<std::string>{"-"} : input.files);
    std::string why;
    // --progress: rows read in this epoch, data rows written before it.
    std::uint64_t rows_in = 0, written_before = out.data_lines_written();
    EventTime watermark = EventTime::none();
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
          op.on_record(line, reader->name());
        }
      }
    }
    op.on_end();
    out.flush();
  } catch (...) {
    bad.finish();
    throw;
  }
  bad.finish();
}

}  // namespace sx
