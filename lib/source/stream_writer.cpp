#include "source/stream_writer.h"

#include "base/error.h"
#include "stream/control_record.h"

namespace sx {

StreamWriter::StreamWriter(const SourceOptions& opt, Output& out, Clock& clock)
    : opt_(opt),
      progress_line_(opt.progress_line),
      out_(out),
      bad_(opt.on_error),
      clock_(clock),
      epochs_(opt.max_records_per_trigger, opt.max_files_per_trigger, opt.stream.watermark_delay,
              clock) {
  if (!opt_.stream.time_field.empty()) {
    time_ = std::make_unique<EventTimeField>(opt_.stream);
    has_time_ = true;
    usage_.add("--time-field", time_->path());
  } else if (opt_.stream.watermark_delay >= 0) {
    throw usage_error("--watermark needs --time-field: the watermark follows event time");
  }
  time_set_ = std::make_unique<FieldSet>(has_time_ ? std::vector<FieldPath>{time_->path()}
                                                   : std::vector<FieldPath>{});
  scanner_ = std::make_unique<FieldScanner>(*time_set_);
}

void StreamWriter::write_progress(const std::string& path, const std::string& stage) {
  progress_ = std::make_unique<ProgressWriter>(path, stage);
}

void StreamWriter::show_progress_line(std::uint64_t bytes_total) {
  line_ = std::make_unique<ProgressLine>("sx-read", bytes_total);
}

void StreamWriter::write_header(bool bounded) {
  StreamInfo header = opt_.stream;
  header.source = "sx-read";
  header.bounded = bounded;
  out_.write_line(make_stream_record(header));
  // On a restart, the watermark in force for the next epoch comes first.
  const EventTime wm = epochs_.state().watermark;
  if (wm != EventTime::none()) out_.write_line(make_watermark_record(wm));
}

void StreamWriter::end_epoch() {
  if (!epochs_.open()) return;
  const EpochPolicy::Ended e = epochs_.end_epoch(clock_.now());
  if (save_) save_(e.id);
  if (progress_) {
    progress_->epoch(e.id, e.records, e.records, e.in_force,
                     StageStats{bad_.count(), 0, 0, &usage_});
  }
  out_.write_line(make_epoch_record(e.id));
  if (opt_.trigger == SourceOptions::Trigger::kOnce) stop_ = true;
  if (e.advanced) out_.write_line(make_watermark_record(epochs_.state().watermark));
  out_.flush();
}

// An epoch without records, run with the current watermark (after its
// record, written when it advanced): what that watermark closes downstream
// comes before this epoch's record, so the epoch commits it.
void StreamWriter::no_data_epoch() {
  const std::int64_t id = epochs_.end_empty_epoch(clock_.now());
  if (save_) save_(id);
  if (progress_) {
    progress_->epoch(id, 0, 0, epochs_.state().watermark, StageStats{bad_.count(), 0, 0, &usage_});
  }
  out_.write_line(make_epoch_record(id));
  out_.flush();
}

void StreamWriter::finish() {
  usage_.warn_unseen();
  end_epoch();
  // available-now and once end this run only: the stream goes on next time,
  // so no final watermark (open windows wait in their checkpoints). As
  // Spark's Trigger.AvailableNow, available-now ends with a no-data epoch
  // when the watermark advanced after the last one, so a cron run commits
  // the windows its own input closed (a rerun with nothing new owes none,
  // and writes no epoch). --trigger once runs one epoch: a data epoch if
  // there is new input, else the no-data epoch an earlier run owes
  // (Trigger.Once: the windows show one run later).
  if (opt_.trigger != SourceOptions::Trigger::kContinuous) {
    if (has_time_ && epochs_.no_data_epoch_owed() &&
        (opt_.trigger == SourceOptions::Trigger::kAvailableNow ||
         epochs_.state().next_epoch == epochs_.first_epoch())) {
      no_data_epoch();
    }
    out_.flush();
    return;
  }
  if (has_time_) {
    // A finite input is over: a final watermark closes everything
    // downstream, and a last epoch carries what it made final (a rerun
    // adds nothing).
    out_.write_line(make_watermark_record(EventTime::end()));
    epochs_.end_stream();
    no_data_epoch();
  }
  out_.flush();
}

// One line of input: validate, extract time, forward.
void StreamWriter::on_line(const Line& line, const std::string& source) {
  if (line.too_long) {
    bad_.handle(BadKind::kTooLong, source, line.number,
                "line longer than --max-line-bytes (" + std::to_string(opt_.max_line_bytes) +
                    " bytes; raise the limit if such records are expected)",
                line.text);
    return;
  }
  if (line.unterminated) {
    bad_.handle(BadKind::kUnterminated, source, line.number,
                "last line has no final newline (a truncated file?)", line.text);
    return;
  }
  // The scanner validates the common line and finds its time; simdjson
  // decides the rest.
  JsonValue time_value;
  const bool scanned = scanner_->scan(line.text, &time_value) == ScanResult::kOk;
  if (!scanned && !validator_.validate_object(line.text, &why_)) {
    const BadKind kind = why_.starts_with("not a JSON object") || why_.starts_with("empty")
                             ? BadKind::kNotObject
                         : why_ == "invalid UTF-8" ? BadKind::kInvalidUtf8
                                                   : BadKind::kMalformed;
    bad_.handle(kind, source, line.number, why_, line.text);
    return;
  }
  if (is_control(line.text)) {
    bad_.handle(BadKind::kNotObject, source, line.number,
                "a control record in sx-read's input (the key \"@sx\" is reserved for sx; "
                "strip control records with sx-sink first)",
                line.text);
    return;
  }
  if (has_time_) {
    EventTime t;
    if (!scanned) time_value = validator_.get(time_->path());
    if (!extract_time(time_value, line, source, &t)) return;
    // Spark's watermark starts at 0 (1970-01-01T00:00:00Z), in force from
    // the first epoch: an event at or before it is late. Written just
    // before the first such event: no record before it can be affected.
    if (epochs_.observe(t)) out_.write_line(make_watermark_record(EventTime{0}));
  }
  // The line's bytes as they are in the file (not decompressed, no '\r'
  // dropped): the kernel can hand them on without a copy.
  if (spliced_ != nullptr && !spliced_->compressed() &&
      spliced_->position() == line.offset + line.text.size() + 1) {
    const auto start = static_cast<std::uint64_t>(spliced_->start_offset());
    out_.write_line_at(line.text, start + line.offset);
  } else {
    out_.write_line(line.text);
  }
  const bool end = epochs_.add_record();
  if (progress_line_ && (epochs_.records() & 0xFFFF) == 0) show_progress(false);
  if (end) end_epoch();
}

bool StreamWriter::extract_time(const JsonValue& value, const Line& line, const std::string& source,
                                EventTime* t) {
  BadKind kind;
  if (usage_.pending()) usage_.check(0, value, line.text);  // until the field is seen once
  if (time_->convert(value, t, &kind, &why_)) return true;
  if (value.type == JsonType::kMissing) {
    // A misspelled --time-field: name the nearest key of the record.
    const std::string near = usage_.suggestion(0);
    if (!near.empty()) why_.insert(why_.find('"', why_.find('"') + 1) + 1, near);
  }
  bad_.handle(kind, source, line.number, why_, line.text);
  return false;
}

// Reads `reader` to its end (for now, in follow mode). `offset`, if given,
// is set to the position after each line before the line is handled (an
// epoch that ends in on_line records it).
void StreamWriter::drain(LineReader& reader, std::uint64_t* offset) {
  // A whole regular file (not a tailed one, which may be truncated while
  // its lines are in the pipe): its lines go on by splice, see on_line.
  spliced_ = offset == nullptr && reader.start_offset() >= 0 ? &reader : nullptr;
  if (spliced_ != nullptr) out_.splice_from(reader.fd());
  draining_ = &reader;
  Line line;
  while (!stop_ && reader.next(&line)) {
    if (offset != nullptr) *offset = reader.position();
    on_line(line, reader.name());
  }
  if (spliced_ != nullptr) out_.splice_from(-1);
  spliced_ = nullptr;
  draining_ = nullptr;
}

// The live line: bytes read of the total, records/s, and an ETA.
void StreamWriter::show_progress(bool last) {
  if (!line_) return;
  const std::uint64_t done = bytes_done_ + (draining_ ? draining_->raw_bytes_read() : 0);
  line_->show(done, epochs_.records(), last);
}

}  // namespace sx
