#include "io/csv_writer.h"

#include <algorithm>

namespace sx {

void CsvWriter::append_quoted(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void CsvWriter::append_tsv_escaped(std::string& out, std::string_view field) {
  if (field.find_first_of("\\\t\n\r") == std::string_view::npos) {
    out += field;
    return;
  }
  for (const char c : field) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out.push_back(c);
    }
  }
}

void CsvWriter::field(std::string_view key, std::string_view text) {
  pending_.emplace_back(std::string(key), std::string(text));
}

void CsvWriter::end_record(std::uint64_t record_number) {
  if (!have_header_) {
    have_header_ = true;
    line_.clear();
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      // A key repeated in the record is one column (its last value, below).
      const std::string& key = pending_[i].first;
      if (std::find(header_.begin(), header_.end(), key) != header_.end()) continue;
      if (!header_.empty()) line_.push_back(separator());
      header_.push_back(key);
      append_field(line_, key);
    }
    out_.write_line(line_);
  }
  row_.assign(header_.size(), std::string());
  bool left_out = false;
  for (auto& [key, value] : pending_) {
    auto it = std::find(header_.begin(), header_.end(), key);
    if (it == header_.end()) {
      if (!left_out && left_out_records_ == 0) {
        first_left_out_ = key;
        first_left_out_record_ = record_number;
      }
      left_out = true;
      continue;
    }
    row_[static_cast<std::size_t>(it - header_.begin())] = std::move(value);
  }
  if (left_out) ++left_out_records_;
  line_.clear();
  for (std::size_t i = 0; i < row_.size(); ++i) {
    if (i > 0) line_.push_back(separator());
    append_field(line_, row_[i]);
  }
  out_.write_line(line_);
  pending_.clear();
}

std::string CsvWriter::finish() const {
  if (left_out_records_ == 0) return "";
  return std::to_string(left_out_records_) + " records had fields that are not in the " +
         (dialect_ == Dialect::kTsv ? "TSV" : "CSV") +
         " header, which comes from the first "
         "record (first: \"" +
         first_left_out_ + "\" in record " + std::to_string(first_left_out_record_) +
         "); those fields were left out. Use --format ndjson to keep every field";
}

}  // namespace sx
