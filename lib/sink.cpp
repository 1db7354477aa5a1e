#include "sink.h"

#include "checkpoint.h"

#include "cli.h"
#include "error.h"

namespace sx {

SinkFormat parse_sink_format(const std::string& name) {
  if (name == "ndjson" || name == "jsonl" || name == "json") return SinkFormat::kNdjson;
  if (name == "table") return SinkFormat::kTable;
  if (name == "csv") return SinkFormat::kCsv;
  throw usage_error("--format: unknown format '" + name + "' (use ndjson, table or csv)");
}

SinkOperator::SinkOperator(const SinkOptions& options, Output& out, BadInputPolicy& bad)
    : Operator(out), opt_(options), bad_(bad) {
  if (opt_.keep_control && opt_.format != SinkFormat::kNdjson) {
    throw usage_error("--keep-control goes with --format ndjson only (tables and CSV are for "
                      "people and other programs; keep the stream with --format ndjson)");
  }
  if (opt_.format == SinkFormat::kTable) {
    table_ = std::make_unique<TableWriter>(out, opt_.num_rows, opt_.truncate);
  } else if (opt_.format == SinkFormat::kCsv) {
    csv_ = std::make_unique<CsvWriter>(out);
  }
}

template <class Emit>
bool SinkOperator::fields(const Line& line, const std::string& source, Emit&& emit) {
  const bool ok = reader_.open(line.text, &why_) &&
                  reader_.for_each_field(
                      [&](std::string_view key, const JsonValue& v) {
                        switch (v.type) {
                          case JsonType::kNull: emit(key, opt_.format == SinkFormat::kCsv ? "" : "null"); break;
                          case JsonType::kBool: emit(key, v.boolean ? "true" : "false"); break;
                          default: emit(key, v.text);
                        }
                      },
                      &why_);
  if (!ok) {
    bad_.handle(reader_.open_failure(), source, line.number, why_, line.text);
  }
  return ok;
}

void SinkOperator::on_record(const Line& line, const std::string& source) {
  ++records_;
  switch (opt_.format) {
    case SinkFormat::kNdjson:
      out_.write_line(line.text);
      break;
    case SinkFormat::kTable:
      if (fields(line, source, [&](std::string_view k, std::string_view v) { table_->cell(k, v); })) {
        table_->end_row();
      }
      break;
    case SinkFormat::kCsv:
      if (fields(line, source, [&](std::string_view k, std::string_view v) { csv_->field(k, v); })) {
        csv_->end_record(records_);
      }
      break;
  }
}

void SinkOperator::on_control(const Control& control, std::string_view raw) {
  handle_control(control, raw);
  if (opt_.checkpoint && control.type == ControlType::kEpoch &&
      control.epoch > opt_.checkpoint->last_committed()) {
    out_.sync();
    opt_.checkpoint->commit(control.epoch, {});
  }
}

void SinkOperator::handle_control(const Control& control, std::string_view raw) {
  if (opt_.format == SinkFormat::kNdjson) {
    if (opt_.keep_control) out_.write_line(raw);
    return;
  }
  if (table_ && control.type == ControlType::kStream) table_->set_schema(control.stream.columns);
  if (table_ && control.type == ControlType::kEpoch) {
    table_->end_batch(control.epoch);
    next_batch_ = control.epoch + 1;
  }
}

void SinkOperator::on_end() {
  // Rows after the last epoch record (or plain NDJSON with none) form a batch.
  if (table_ && table_->has_rows()) table_->end_batch(next_batch_);
  if (csv_) {
    const std::string w = csv_->finish();
    if (!w.empty()) warn(w);
  }
}

}  // namespace sx
