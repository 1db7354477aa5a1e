// The half of sx-read that every source shares: it turns input lines into
// the stream (sx(7)). It validates each line, reads its event time, forwards
// its bytes (spliced from a plain file where it can), and writes the header
// and the epoch and watermark records where the EpochPolicy says, calling
// the source's checkpoint just before each epoch record. A source (the file
// source; next, Kafka) decides where lines come from, and what its position
// is: the checkpoint payload is the source's own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "io/json.h"
#include "io/json_scan.h"
#include "io/line_reader.h"
#include "io/output.h"
#include "source/epoch_policy.h"
#include "source/source.h"
#include "stream/bad_input.h"
#include "stream/field_usage.h"
#include "stream/progress.h"
#include "stream/record_time.h"

namespace sx {

class StreamWriter {
 public:
  // Saves the source's position for epoch `id`, before its epoch record.
  using Save = std::function<void(std::int64_t id)>;

  // Throws usage_error for options that do not go together (--watermark
  // without --time-field, an unknown time zone). `opt` and `clock` outlive it.
  StreamWriter(const SourceOptions& opt, Output& out, Clock& clock);

  void on_save(Save save) { save_ = std::move(save); }
  // --progress FILE, and the line on a terminal (bytes_total: of the inputs).
  void write_progress(const std::string& path, const std::string& stage);
  void show_progress_line(std::uint64_t bytes_total);

  // The stream record, then (on a restart) the watermark in force.
  void write_header(bool bounded);
  // Reads `reader` to its end (for now, in follow mode), handing each line
  // on. `offset`, if given, is set to the position after each line before
  // the line is handled (an epoch that ends there saves it); a reader
  // without one is a whole regular file, whose lines may go on by splice.
  void drain(LineReader& reader, std::uint64_t* offset = nullptr);
  // One record that is not a line of a file (a Kafka message): `text` is
  // its value, followed by kLinePadding readable bytes, read as the
  // --format says; `extra` (may be empty): object members appended to the
  // record made of it (--kafka-metadata). `number` and `source` name it in
  // messages (SOURCE:NUMBER).
  void add_message(std::string_view text, std::string_view extra, std::uint64_t number,
                   const std::string& source);
  // A message that cannot become a record (an Avro value that does not
  // decode): bad input of `kind`, as --on-error says.
  void reject(BadKind kind, const std::string& source, std::uint64_t number,
              const std::string& reason, std::string_view raw) {
    bad_.handle(kind, source, number, reason, raw);
  }
  // Before the first add_message: the --format's input starts (now, for a
  // syslog year). False when the format needs a header line (csv, tsv),
  // which a stream of messages does not have.
  bool start_messages();
  // Ends the open epoch, if any.
  void end_epoch();
  // Live input with nothing new: the no-data epoch owed, if the watermark
  // moved past the one in force during the newest epoch (Spark's no-data
  // batch), so that what it closed downstream is committed now.
  void idle();
  // The input's end: the last epoch, then per --trigger the final
  // watermark and epoch (continuous) or the no-data epoch owed.
  void finish();
  // The bad-input summary (at the end, also after an error).
  void finish_bad() { bad_.finish(); }
  void flush() { out_.flush(); }

  EpochPolicy& epochs() { return epochs_; }
  // --trigger once: its epoch is done, read no more.
  bool stopped() const { return stop_; }
  // Raw bytes of the inputs read to their end (for the progress line).
  void add_bytes_done(std::uint64_t n) { bytes_done_ += n; }
  void show_progress(bool last);

 private:
  void on_line(const Line& line, const std::string& source);
  // --format: converts `line` into text_ (a record), or handles it (a
  // header, a held line, a line not in the format). False: nothing to write.
  // The record is text_ without its last kLinePadding bytes.
  bool convert(const Line& line, const std::string& source);
  // The format at a new input (reader) and at the end of one.
  void start_input(LineReader& reader);
  void end_input(const std::string& source);
  // The bad-input message's hint for the first bad line: the format the
  // line looks like, when it is not the one being read. Under --on-error
  // fail it throws the message then, without advice to skip the line.
  void add_format_hint(std::string_view line, const std::string& source, std::uint64_t number);
  // The record's event time into *t; false when it has none (handled as bad
  // input). Inline: it runs for every record.
  bool extract_time(const JsonValue& value, const Line& line, std::string_view text,
                    const std::string& source, EventTime* t) {
    BadKind kind;
    if (usage_.pending()) usage_.check(0, value, text);  // until the field is seen once
    if (time_->convert(value, t, &kind, &why_)) return true;
    return time_failed(value, line, source, kind);
  }
  bool time_failed(const JsonValue& value, const Line& line, const std::string& source,
                   BadKind kind);
  void no_data_epoch();
  std::string_view append_extra(std::string_view text);
  void fail_if_all_bad();

  const SourceOptions& opt_;
  const bool progress_line_;  // opt_.progress_line, kept by value for the per-line test
  Output& out_;
  BadInputPolicy bad_;
  std::unique_ptr<EventTimeField> time_;
  bool has_time_ = false;
  FieldUsage usage_;                    // --time-field, when no record has it (misspelled?)
  LineReader* spliced_ = nullptr;       // the file drained, when its lines may be spliced
  LineReader* draining_ = nullptr;      // the reader being drained
  JsonValidator validator_;             // for lines the scanner is not sure of
  std::unique_ptr<FieldSet> time_set_;  // the time field, or nothing
  std::unique_ptr<FieldScanner> scanner_;
  std::unique_ptr<LineFormat> format_;     // --format other than ndjson, else null
  std::string text_;                       // the converted record, kLinePadding bytes after it
  const std::string* time_key_ = nullptr;  // --format: a top-level time field's key
  std::string time_scratch_;               // its value, when unescaped
  std::string_view extra_;                 // add_message: members to append
  std::string with_extra_;                 // the record with them
  std::uint64_t reader_id_ = 0;            // the input format_ is reading (LineReader::id)
  std::uint64_t held_line_ = 0;            // the first line of a record held by format_
  std::string held_text_;                  // its lines so far (for a dead-letter file)
  bool hinted_ = false;                    // the first bad line was given its hint
  std::string hint_;                       // the format the first bad line looked like
  std::string input_name_;                 // the input format_ is reading
  std::string why_;
  Clock& clock_;
  EpochPolicy epochs_;  // where epochs end, and the watermark
  Save save_;
  bool stop_ = false;  // --trigger once: the epoch is done
  std::unique_ptr<ProgressWriter> progress_;
  std::unique_ptr<ProgressLine> line_;  // on a terminal
  std::uint64_t bytes_done_ = 0;
};

}  // namespace sx
