// The input formats of sx-read (--format): each turns the lines of an input
// into the text of JSON objects, the records that flow through every other
// stage (sx-read(1), "INPUT FORMATS"). NDJSON, the default, needs no
// conversion and has no LineFormat: its lines go on as they are.
//
// A LineFormat sees the lines of one input after another: start_input() at
// the start of each (a file, stdin, a tailed file after rotation), then
// convert() per line, then end_input(). It keeps no other state between
// records except a record that spans lines (a CSV field quoted over a line
// break), which it holds until the line that completes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sx {

// What convert() made of a line.
enum class LineResult {
  kRecord,  // *out holds the record (one JSON object, one line)
  kSkip,    // nothing to write: a header line, a blank line where the format allows one
  kMore,    // the record goes on in the next line (held); call convert with it
  kBad,     // the line does not match the format: *why says how
};

// What a format learns of an input when it begins.
struct InputStart {
  // Reading starts after the start of the input (a checkpoint restart
  // inside a file); `header` is then the input's first line, for formats
  // with a header (see needs_header).
  bool resumed = false;
  std::string_view header;
  // The input's last modification time (a file's mtime; the time now for
  // stdin), microseconds since the epoch: syslog (RFC 3164) infers the year
  // of its timestamps from it.
  std::int64_t modified_us = 0;
};

struct FormatOptions {
  bool strings = false;  // --strings: csv/tsv cells stay strings (no numbers)
  // --max-line-bytes: a record held over several lines (csv) may not grow
  // past it (a quote left open would hold the rest of the input).
  std::size_t max_record_bytes = std::size_t{16} << 20;
  // --year (syslog RFC 3164, whose timestamps have no year): "" to infer it
  // (sx-read(1)), else the year to use.
  std::string year;
};

class LineFormat {
 public:
  virtual ~LineFormat() = default;

  // The format's name as given to --format ("csv", "regex", ...).
  virtual const char* name() const = 0;

  // A new input begins. csv and tsv read its first line as the header
  // (or take start.header on a restart inside it).
  virtual void start_input(const InputStart& start) { (void)start; }
  // Whether a restart inside an input must give start_input the input's
  // first line (csv, tsv).
  virtual bool needs_header() const { return false; }

  // Converts one line (without its '\n'). On kRecord, *out is replaced by
  // the record's JSON text. On kBad, *why says what did not match, e.g.
  // "expected 7 fields as in the header, found 5". Per-record cost matters:
  // reuse *out's capacity, allocate nothing else on the common line.
  virtual LineResult convert(std::string_view line, std::string* out, std::string* why) = 0;

  // sx-read reads one key of every record (the time field): a format that
  // knows where it writes that key's value may say so (wanted_at), which
  // spares a lookup per record. Called once, before the first line.
  virtual void want_key(std::string_view key) { (void)key; }
  // After kRecord: where the wanted key's value starts in *out (just after
  // '"key":'), or npos when the format does not know (or the record lacks it).
  virtual std::size_t wanted_at() const { return std::string::npos; }

  // Whether a record is held (convert returned kMore and the line that ends
  // it has not come yet). sx-read ends no epoch then: its checkpoint offset
  // would fall inside the record.
  virtual bool pending() const { return false; }
  // The input ended. Returns false with *why set when a held record was
  // never completed (a quoted field not closed before the end of the input).
  virtual bool end_input(std::string* why) {
    (void)why;
    return true;
  }
};

// The format named by --format: "ndjson" gives nullptr (no conversion);
// "csv", "tsv", "logfmt", "clf", "combined", "syslog", "lines",
// "regex:PATTERN". Throws usage_error naming the formats for an unknown name
// or a bad pattern.
std::unique_ptr<LineFormat> make_line_format(std::string_view spec, const FormatOptions& options);

// The format a line looks like ("ndjson", "combined", "clf", "syslog",
// "logfmt", "csv", "tsv"), or "" when none: the hint in messages when the
// first lines of an input do not match --format.
std::string guess_line_format(std::string_view line);

// The time format that a format's own time field needs when --time-format is
// not given (clf and combined: time_local, "%d/%b/%Y:%H:%M:%S %z"), or "".
std::string default_time_format(std::string_view format, std::string_view time_field);

}  // namespace sx
