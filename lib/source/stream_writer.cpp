#include "source/stream_writer.h"

#include <sys/stat.h>

#include <chrono>

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
  format_ = make_line_format(opt_.format, opt_.format_options);
  if (format_ && has_time_ && time_->path().parts().size() == 1) {
    time_key_ = &time_->path().parts().front();
    format_->want_key(*time_key_);
  }
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

void StreamWriter::add_message(std::string_view text, std::string_view extra, std::uint64_t number,
                               const std::string& source) {
  Line line;
  line.text = text;
  line.number = number;
  extra_ = extra;
  on_line(line, source);
  extra_ = {};
}

// The record `text` (a JSON object, or not: then it stays as it is, and is
// refused as such) with extra_'s members before its closing brace.
std::string_view StreamWriter::append_extra(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  if (end == 0 || text[end - 1] != '}') return text;
  std::size_t before = end - 1;
  while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t')) --before;
  const bool empty = before > 0 && text[before - 1] == '{';
  with_extra_.assign(text.data(), end - 1);
  if (!empty) with_extra_.push_back(',');
  with_extra_.append(extra_).push_back('}');
  const std::size_t n = with_extra_.size();
  with_extra_.append(kLinePadding, ' ');
  return std::string_view(with_extra_.data(), n);
}

bool StreamWriter::start_messages() {
  if (!format_) return true;
  if (format_->needs_header()) return false;
  InputStart start;
  start.modified_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  format_->start_input(start);
  return true;
}

void StreamWriter::idle() {
  if (has_time_ && !epochs_.open() && epochs_.no_data_epoch_owed()) no_data_epoch();
}

void StreamWriter::end_epoch() {
  if (!epochs_.open()) return;
  // Not inside a record held by --format (a quoted CSV field over lines):
  // the position saved would fall inside it. It ends after that record.
  if (format_ && format_->pending()) return;
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
  // Before the final watermark: the stages after see a stream cut short,
  // and write no result of it.
  fail_if_all_bad();
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

// No line read could be read in the format (under --on-error skip or
// dead-letter): the input is surely not what sx-read was told it is (a log
// read as NDJSON), and an empty result with exit status 0 would hide that.
// Lines in the format but with a bad event time do not count here.
void StreamWriter::fail_if_all_bad() {
  const std::uint64_t n = bad_.count(BadKind::kMalformed) + bad_.count(BadKind::kNotObject) +
                          bad_.count(BadKind::kInvalidUtf8) + bad_.count(BadKind::kNoMatch);
  if (epochs_.records() > 0 || n == 0 || n != bad_.count()) return;
  const std::string advice =
      hint_.empty() ? "check --format and the input"
                    : "the input looks like " + hint_ + ": read it with --format " + hint_;
  throw data_error("no line could be read as " + std::string(format_ ? format_->name() : "ndjson") +
                   " (" + std::to_string(n) + (n == 1 ? " bad line" : " bad lines") +
                   "), no record was read: " + advice);
}

// One line of input: convert (--format), validate, extract time, forward.
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
  // (text's address is never taken: it stays in registers, not copied whole
  // through the stack from the Line that LineReader wrote field by field.)
  std::string_view text = line.text;
  if (format_) {
    if (!convert(line, source)) return;
    text = std::string_view(text_.data(), text_.size() - kLinePadding);
  }
  if (!extra_.empty()) text = append_extra(text);
  JsonValue time_value;
  bool scanned = false;
  if (format_ && extra_.empty() && (!has_time_ || time_key_)) {
    // A record an input format made: valid JSON by construction, flat, each
    // key once. Only its time field is read, by a lookup of its key.
    if (has_time_) {
      time_value = made_record_field(text, *time_key_, time_scratch_, format_->wanted_at());
    }
    scanned = true;
  } else {
    // The scanner validates the common line and finds its time; simdjson
    // decides the rest.
    scanned = scanner_->scan(text, &time_value) == ScanResult::kOk;
    if (!scanned && !validator_.validate_object(text, &why_)) {
      const BadKind kind = why_.starts_with("not a JSON object") || why_.starts_with("empty")
                               ? BadKind::kNotObject
                           : why_ == "invalid UTF-8" ? BadKind::kInvalidUtf8
                                                     : BadKind::kMalformed;
      if (!format_) add_format_hint(line.text, source, line.number);
      bad_.handle(kind, source, line.number, why_, line.text);
      return;
    }
    if (!format_ && is_control(text)) {
      bad_.handle(BadKind::kNotObject, source, line.number,
                  "a control record in sx-read's input (the key \"@sx\" is reserved for sx; "
                  "strip control records with sx-sink first)",
                  line.text);
      return;
    }
  }
  if (has_time_) {
    EventTime t;
    if (!scanned) time_value = validator_.get(time_->path());
    if (!extract_time(time_value, line, text, source, &t)) return;
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
    out_.write_line(text);
  }
  const bool end = epochs_.add_record();
  if (progress_line_ && (epochs_.records() & 0xFFFF) == 0) show_progress(false);
  if (end) end_epoch();
}

bool StreamWriter::convert(const Line& line, const std::string& source) {
  switch (format_->convert(line.text, &text_, &why_)) {
    case LineResult::kRecord:
      break;
    case LineResult::kSkip:
      return false;
    case LineResult::kMore:
      // The record's lines so far: a dead-letter file keeps them all.
      if (held_line_ == 0) {
        held_line_ = line.number;
        held_text_.clear();
      }
      held_text_.append(line.text).push_back('\n');
      return false;
    case LineResult::kBad: {
      std::uint64_t number = line.number;
      std::string_view raw = line.text;
      if (held_line_ != 0) {
        number = held_line_;
        held_text_.append(line.text);
        raw = held_text_;
      }
      held_line_ = 0;
      add_format_hint(line.text, source, number);
      bad_.handle(BadKind::kNoMatch, source, number, why_, raw);
      return false;
    }
  }
  held_line_ = 0;
  // The scanner and simdjson read up to kLinePadding bytes past the text.
  text_.append(kLinePadding, ' ');
  return true;
}

void StreamWriter::add_format_hint(std::string_view line, const std::string& source,
                                   std::uint64_t number) {
  if (hinted_) return;  // the first bad line says it; the rest are counted
  hinted_ = true;
  const std::string guess = guess_line_format(line);
  const std::string current = format_ ? format_->name() : "ndjson";
  if (guess.empty() || guess == current) return;
  why_ += "; the line looks like " + guess + ": read it with --format " + guess;
  hint_ = guess;
  // Under --on-error fail the advice is the format, not skipping the line
  // (which would skip them all).
  if (bad_.mode() == BadInputPolicy::Mode::kFail) {
    throw data_error(source + ":" + std::to_string(number) + ": " + why_);
  }
}

void StreamWriter::start_input(LineReader& reader) {
  if (!format_ || reader.id() == reader_id_) return;
  if (reader_id_ != 0 && format_->pending()) end_input(input_name_);
  reader_id_ = reader.id();
  input_name_ = reader.name();
  held_line_ = 0;
  InputStart start;
  start.resumed = reader.position() > 0 || reader.start_offset() > 0;
  std::string header;
  if (start.resumed && format_->needs_header()) {
    // A restart inside the input: its first line is the header.
    const auto first = LineReader::open(reader.name(), opt_.max_line_bytes);
    Line line;
    if (first->next(&line)) header.assign(line.text);
  }
  start.header = header;
  struct stat st {};
  start.modified_us =
      ::fstat(reader.fd(), &st) == 0 && S_ISREG(st.st_mode)
          ? static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000
          : std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  format_->start_input(start);
}

void StreamWriter::end_input(const std::string& source) {
  if (!format_) return;
  if (!format_->end_input(&why_)) {
    if (!held_text_.empty() && held_text_.back() == '\n') held_text_.pop_back();
    bad_.handle(BadKind::kNoMatch, source, held_line_, why_, held_line_ != 0 ? held_text_ : "");
  }
  held_line_ = 0;
}

bool StreamWriter::time_failed(const JsonValue& value, const Line& line, const std::string& source,
                               BadKind kind) {
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
  spliced_ = offset == nullptr && reader.start_offset() >= 0 && !format_ ? &reader : nullptr;
  if (spliced_ != nullptr) out_.splice_from(reader.fd());
  draining_ = &reader;
  start_input(reader);
  Line line;
  while (!stop_ && reader.next(&line)) {
    if (offset != nullptr) *offset = reader.position();
    on_line(line, reader.name());
  }
  // The input's end (a tailed file is drained again as it grows).
  if (!stop_ && !reader.follow()) end_input(reader.name());
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
