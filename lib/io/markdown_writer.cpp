#include "io/markdown_writer.h"

#include <algorithm>

#include "io/table_writer.h"

namespace sx {

void MarkdownWriter::append_escaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '|':
        out += "\\|";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out.push_back(c);
    }
  }
}

void MarkdownWriter::cell(std::string_view column, std::string_view text, bool number, bool null) {
  row_open_ = true;
  line_.clear();
  append_escaped(line_, column);
  auto it = std::find(columns_.begin(), columns_.end(), line_);
  const std::size_t idx = static_cast<std::size_t>(it - columns_.begin());
  if (it == columns_.end()) {
    columns_.push_back(line_);
    seen_.push_back(0);
  }
  if (number) seen_[idx] |= kSeenNumber;
  if (!number && !null) seen_[idx] |= kSeenText;
  if (current_.size() <= idx) current_.resize(idx + 1);
  std::string& shown = current_[idx];
  shown.clear();
  append_escaped(shown, text);
}

void MarkdownWriter::end_row() {
  if (!row_open_) return;
  row_open_ = false;
  rows_.push_back(std::move(current_));
  current_.clear();
}

void MarkdownWriter::end_batch(std::int64_t batch_id) {
  end_row();
  if (rows_.empty()) return;
  if (wrote_) out_.write("\n");
  wrote_ = true;
  if (batch_id >= 0) {
    out_.write("### Batch: " + std::to_string(batch_id) + "\n\n");
  }
  std::vector<bool> right(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) right[c] = seen_[c] == kSeenNumber;
  std::vector<std::size_t> width(columns_.size(), 3);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = std::max(width[c], display_width(columns_[c]));
    for (const auto& row : rows_) {
      if (c < row.size()) width[c] = std::max(width[c], display_width(row[c]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells, bool header) {
    line_.assign(1, '|');
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string_view v = c < cells.size() ? std::string_view(cells[c]) : "";
      const std::string pad(width[c] - display_width(v), ' ');
      line_ += ' ';
      if (!header && right[c]) line_ += pad;
      line_ += v;
      if (header || !right[c]) line_ += pad;
      line_ += " |";
    }
    line_ += '\n';
    out_.write(line_);
  };
  print_row(columns_, true);
  line_.assign(1, '|');
  for (std::size_t c = 0; c < width.size(); ++c) {
    line_ += ' ';
    line_ += std::string(width[c] - (right[c] ? 1 : 0), '-');
    if (right[c]) line_ += ':';
    line_ += " |";
  }
  line_ += '\n';
  out_.write(line_);
  for (const auto& row : rows_) print_row(row, false);
  columns_.clear();
  seen_.clear();
  rows_.clear();
}

}  // namespace sx
