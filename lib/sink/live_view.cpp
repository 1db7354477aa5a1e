#include "sink/live_view.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "io/bar_writer.h"
#include "io/table_writer.h"

namespace sx {

bool LiveView::KeyCell::operator<(const KeyCell& o) const {
  if (rank != o.rank) return rank < o.rank;
  if (rank == 1 && number != o.number) return number < o.number;
  return text < o.text;
}

bool LiveView::KeyLess::operator()(const Key& a, const Key& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

LiveView::LiveView(Output& out, LiveOptions options) : out_(out), opt_(std::move(options)) {
  key_ = opt_.key;
  key_given_ = !key_.empty();
  since_ = std::chrono::steady_clock::now();
}

void LiveView::set_columns(const std::vector<std::string>& columns) {
  for (const auto& c : columns) column_index(c);
}

void LiveView::set_keys(const std::vector<std::string>& keys) {
  if (!key_given_ && rows_.empty() && !keys.empty()) {
    key_ = keys;
    key_given_ = true;
  }
}

std::size_t LiveView::column_index(std::string_view column) {
  auto it = std::find(columns_.begin(), columns_.end(), column);
  if (it == columns_.end()) {
    columns_.emplace_back(column);
    return columns_.size() - 1;
  }
  return static_cast<std::size_t>(it - columns_.begin());
}

void LiveView::field(std::string_view column, std::string_view text, bool is_number, bool is_null) {
  if (!row_open_) {
    row_open_ = true;
    for (auto& c : cells_) c.clear();
    std::fill(cell_set_.begin(), cell_set_.end(), false);
  }
  const std::size_t i = column_index(column);
  if (cells_.size() <= i) {
    cells_.resize(i + 1);
    cell_keys_.resize(i + 1);
    cell_set_.resize(i + 1);
  }
  cells_[i] = terminal_safe(text);
  KeyCell& k = cell_keys_[i];
  k.rank = is_null ? 0 : is_number ? 1 : 2;
  k.text.assign(text);
  k.number = is_number ? std::strtod(k.text.c_str(), nullptr) : 0;
  cell_set_[i] = true;
}

void LiveView::end_row() {
  if (!row_open_) return;
  row_open_ = false;
  ++received_;
  if (key_.empty()) {  // inferred from the first row: its fields that are not numbers
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      if (cell_set_[i] && cell_keys_[i].rank != 1) key_.push_back(columns_[i]);
    }
    if (key_.empty()) {  // all numbers: every field
      for (std::size_t i = 0; i < cells_.size(); ++i) {
        if (cell_set_[i]) key_.push_back(columns_[i]);
      }
    }
  }
  Key key;
  key.reserve(key_.size());
  for (const auto& k : key_) {
    auto it = std::find(columns_.begin(), columns_.end(), k);
    const auto i = static_cast<std::size_t>(it - columns_.begin());
    key.push_back(i < cells_.size() && cell_set_[i] ? cell_keys_[i] : KeyCell{});
  }
  std::vector<std::string> row(cells_.size());
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (cell_set_[i]) row[i] = cells_[i];
  }
  rows_[std::move(key)] = std::move(row);
  if (opt_.max_rows > 0 && rows_.size() > opt_.max_rows) rows_.erase(rows_.begin());
}

void LiveView::watermark(EventTime t) {
  watermark_ = t;
  if (drawn_) redraw();
}

void LiveView::epoch(std::int64_t id) {
  end_row();
  epoch_ = id;
  measure();
  redraw();
}

void LiveView::finish(std::string_view how) {
  end_row();
  ended_.assign(how);
  if (received_ > 0 || rate_ < 0) measure();  // else the last epoch's rate stays
  redraw();
}

void LiveView::measure() {
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - since_).count();
  rate_ = secs > 0 ? static_cast<double>(received_) / secs : 0;
  received_ = 0;
  since_ = now;
}

std::vector<std::string> LiveView::screen() const {
  std::vector<std::string> lines;
  // The status line, always the last.
  std::string status = epoch_ < 0 ? "no epoch yet" : "epoch " + std::to_string(epoch_);
  status += " | watermark ";
  status += watermark_ == EventTime::none() ? "none" : format_time(watermark_);
  status += " | ";
  if (rate_ < 0) {
    status += "- rows/s";
  } else {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f rows/s", rate_);
    status += buf;
  }
  status += " | " + std::to_string(rows_.size()) + (rows_.size() == 1 ? " row" : " rows");

  // The rows that fit: the screen less the frame (4 lines), the status line
  // and the line the cursor rests on.
  const std::size_t frame = 4 + 2;
  const std::size_t fit = opt_.lines > frame ? opt_.lines - frame : 0;
  const std::size_t shown = columns_.empty() ? 0 : std::min(fit, rows_.size());
  if (shown < rows_.size()) status += " (" + std::to_string(rows_.size() - shown) + " not shown)";
  if (!ended_.empty()) status += " | " + ended_;

  if (!columns_.empty() && (fit > 0 || rows_.empty()) && opt_.lines > 4 + 2) {
    // The cells, cut as the table's (Spark's truncate): right-aligned, or
    // left-aligned when never cut.
    auto cut = [&](const std::string& s) { return cut_cell(s, opt_.truncate); };
    std::vector<std::vector<std::string>> body;
    auto it = rows_.begin();
    std::advance(it, rows_.size() - shown);
    for (; it != rows_.end(); ++it) {
      std::vector<std::string> r(columns_.size());
      for (std::size_t c = 0; c < it->second.size() && c < r.size(); ++c) r[c] = cut(it->second[c]);
      body.push_back(std::move(r));
    }
    std::vector<std::size_t> width(columns_.size(), 3);
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      width[c] = std::max(width[c], display_width(cut(terminal_safe(columns_[c]))));
      for (const auto& r : body) width[c] = std::max(width[c], display_width(r[c]));
    }
    std::string sep = "+";
    for (std::size_t w : width) sep += std::string(w, '-') + "+";
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l = "|";
      for (std::size_t c = 0; c < width.size(); ++c) {
        const std::string v = c < cells.size() ? cells[c] : std::string();
        const std::string pad(width[c] - display_width(v), ' ');
        l += opt_.truncate > 0 ? pad + v + "|" : v + pad + "|";  // as the table's
      }
      return l;
    };
    std::vector<std::string> header;
    for (const auto& c : columns_) header.push_back(cut(terminal_safe(c)));
    lines.push_back(sep);
    lines.push_back(line(header));
    lines.push_back(sep);
    for (const auto& r : body) lines.push_back(line(r));
    lines.push_back(sep);
  }
  lines.push_back(status);
  // Lines wider than the screen are cut (a wrapped line would scroll it).
  for (auto& l : lines) {
    if (display_width(l) > opt_.columns) l = std::string(prefix_chars(l, opt_.columns));
  }
  return lines;
}

void LiveView::redraw() {
  drawn_ = true;
  if (opt_.tty_fd >= 0) {
    const TerminalSize size = terminal_size(opt_.tty_fd);
    opt_.columns = size.columns;
    opt_.lines = size.lines;
  }
  std::string s = "\x1b[H";
  for (const auto& l : screen()) {
    s += l;
    s += "\x1b[K\n";
  }
  s += "\x1b[J";
  out_.write(s);
  out_.flush();
}

}  // namespace sx
