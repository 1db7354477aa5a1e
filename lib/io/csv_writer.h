// CSV output (RFC 4180 quoting, LF line ends): the header is the first
// record's keys; later records are written in that column order, with an
// empty field for a missing key. A key the header does not have cannot be
// written: it is counted and reported by finish(), never dropped silently.
// The TSV dialect has the same header and columns, tab-separated, with
// PostgreSQL's text-format escapes instead of quotes (append_tsv_escaped).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/output.h"

namespace sx {

class CsvWriter {
 public:
  enum class Dialect { kCsv, kTsv };
  explicit CsvWriter(Output& out, Dialect dialect = Dialect::kCsv) : out_(out), dialect_(dialect) {}

  // Adds a field of the record being built. `text` is the value as written:
  // strings unescaped, null as empty, other values as JSON text.
  void field(std::string_view key, std::string_view text);
  // Writes the record (and, before the first, the header).
  void end_record(std::uint64_t record_number);
  // A warning for the caller to print, or "" when nothing was left out.
  std::string finish() const;

  static void append_quoted(std::string& out, std::string_view field);
  // TSV (IANA text/tab-separated-values, PostgreSQL COPY text format): a
  // backslash is written \\, a tab \t, a newline \n, a carriage return \r;
  // nothing is quoted. A field without those bytes is written as is.
  static void append_tsv_escaped(std::string& out, std::string_view field);

 private:
  void append_field(std::string& out, std::string_view field) const {
    if (dialect_ == Dialect::kTsv) {
      append_tsv_escaped(out, field);
    } else {
      append_quoted(out, field);
    }
  }
  char separator() const { return dialect_ == Dialect::kTsv ? '\t' : ','; }

  Output& out_;
  Dialect dialect_;
  std::vector<std::string> header_;
  bool have_header_ = false;
  std::vector<std::pair<std::string, std::string>> pending_;
  std::vector<std::string> row_;
  std::string line_;
  std::uint64_t left_out_records_ = 0;
  std::string first_left_out_;
  std::uint64_t first_left_out_record_ = 0;
};

}  // namespace sx
