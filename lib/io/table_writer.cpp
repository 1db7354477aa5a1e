#include "io/table_writer.h"

#include <algorithm>

namespace sx {

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The first `n` code points of s.
std::string_view prefix_chars(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == n) break;
      ++seen;
    }
  }
  return s.substr(0, i);
}

std::string cut_cell(std::string_view s, std::size_t truncate) {
  if (truncate == 0 || display_width(s) <= truncate) return std::string(s);
  return truncate < 4 ? std::string(prefix_chars(s, truncate))
                      : std::string(prefix_chars(s, truncate - 3)) + "...";
}

TableWriter::TableWriter(Output& out, std::size_t num_rows, std::size_t truncate)
    : out_(out), num_rows_(num_rows), truncate_(truncate) {}

void TableWriter::cell(std::string_view column, std::string_view text) {
  row_open_ = true;
  if (num_rows_ != 0 && rows_.size() >= num_rows_) return;  // counted, not kept
  auto it = std::find(columns_.begin(), columns_.end(), column);
  const std::size_t idx = static_cast<std::size_t>(it - columns_.begin());
  if (it == columns_.end()) columns_.emplace_back(column);
  if (current_.size() <= idx) current_.resize(idx + 1);
  current_[idx] = cut_cell(text, truncate_);
}

void TableWriter::end_row() {
  if (!row_open_) return;
  row_open_ = false;
  ++rows_total_;
  if (num_rows_ == 0 || rows_.size() < num_rows_) rows_.push_back(std::move(current_));
  current_.clear();
}

void TableWriter::end_batch(std::int64_t batch_id) {
  end_row();
  out_.write("-------------------------------------------\nBatch: ");
  out_.write(std::to_string(batch_id));
  out_.write("\n-------------------------------------------\n");
  const std::vector<std::string>& columns =
      rows_.empty() && columns_.empty() ? last_columns_ : columns_;
  std::vector<std::size_t> width(columns.size(), 3);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    width[c] = std::max(width[c], display_width(columns[c]));
    for (const auto& row : rows_) {
      if (c < row.size()) width[c] = std::max(width[c], display_width(row[c]));
    }
  }
  std::string sep = "+";
  for (std::size_t w : width) sep += std::string(w, '-') + "+";
  if (width.empty()) sep += "+";  // Spark frames an empty schema as ++
  sep += "\n";
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line = width.empty() ? "||" : "|";
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string_view v = c < cells.size() ? std::string_view(cells[c]) : "";
      const std::string pad(width[c] - display_width(v), ' ');
      line += truncate_ > 0 ? pad + std::string(v) : std::string(v) + pad;
      line += "|";
    }
    line += "\n";
    out_.write(line);
  };
  out_.write(sep);
  print_row(columns);
  out_.write(sep);
  for (const auto& row : rows_) print_row(row);
  if (!rows_.empty()) out_.write(sep);
  if (num_rows_ != 0 && rows_total_ > num_rows_) {
    out_.write("only showing top " + std::to_string(num_rows_) + " rows\n");
  }
  out_.write("\n");
  // Columns are per batch; an empty batch shows the last header.
  if (!rows_.empty()) last_columns_ = std::move(columns_), columns_.clear();
  rows_.clear();
  rows_total_ = 0;
}

}  // namespace sx
