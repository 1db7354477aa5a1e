// CSV output (RFC 4180 quoting, LF line ends): the header is the first
// record's keys; later records are written in that column order, with an
// empty field for a missing key. A key the header does not have cannot be
// written: it is counted and reported by finish(), never dropped silently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/output.h"

namespace sx {

class CsvWriter {
 public:
  explicit CsvWriter(Output& out) : out_(out) {}

  // Adds a field of the record being built. `text` is the value as written:
  // strings unescaped, null as empty, other values as JSON text.
  void field(std::string_view key, std::string_view text);
  // Writes the record (and, before the first, the header).
  void end_record(std::uint64_t record_number);
  // A warning for the caller to print, or "" when nothing was left out.
  std::string finish() const;

  static void append_quoted(std::string& out, std::string_view field);

 private:
  Output& out_;
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
