// The live table (sx-sink --format live): the current result of a stream,
// redrawn in place on a terminal at each epoch and watermark. Rows with the
// same key replace each other (sx-window's update and complete output: the
// newest result of a window and group wins); append output adds a row per
// window. Rows are kept sorted by key, so with window_start as the first key
// the newest windows are at the bottom; when they do not all fit the
// screen, the view shows the last ones. The rules are in man/sx-sink.1
// (LIVE TABLE).
//
// The key: the given one (--key, or the stream header's key columns when it
// names them), else the fields of the first row that are not numbers
// (sx-window's window_start, window_end and string group keys; a group key
// that is a number needs --key).
//
// A redraw moves the cursor home (ESC [H), writes each line followed by
// clear-to-end-of-line (ESC [K) and ends with clear-to-end-of-screen
// (ESC [J): no full-screen clear, so the screen does not flicker, and the
// last table stays on screen when the stream ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/event_time.h"
#include "io/output.h"

namespace sx {

struct LiveOptions {
  std::size_t columns = 80;  // the terminal's size
  std::size_t lines = 24;
  std::size_t truncate = 20;     // cells cut past this many characters (0: never)
  std::vector<std::string> key;  // the key columns; empty: inferred
  std::size_t max_rows = 10000;  // rows kept (the greatest keys)
  // The terminal, asked for its size again at each redraw (terminal_size in
  // io/bar_writer.h), so the view follows a resized window; -1: never.
  int tty_fd = -1;
};

class LiveView {
 public:
  LiveView(Output& out, LiveOptions options);

  // The stream header's columns (shown before the first row) and key
  // columns (used unless options.key names them).
  void set_columns(const std::vector<std::string>& columns);
  void set_keys(const std::vector<std::string>& keys);

  // Adds a field to the row being built: `text` as shown (strings
  // unquoted, null as "null"); `is_number` for JSON numbers (keys compare
  // numerically then). `is_null`: null or missing (sorts first).
  void field(std::string_view column, std::string_view text, bool is_number, bool is_null);
  // Files the row: it replaces the row with the same key.
  void end_row();

  void watermark(EventTime t);
  // The epoch `id` ended: redraw.
  void epoch(std::int64_t id);
  // The stream ended (`how`: "end of stream", "stopped"): the last redraw.
  void finish(std::string_view how);

  // The screen's lines as a redraw writes them, without escape sequences
  // (for tests).
  std::vector<std::string> screen() const;
  std::size_t rows() const { return rows_.size(); }

 private:
  struct KeyCell {
    int rank = 0;  // 0 null or missing, 1 number, 2 other
    double number = 0;
    std::string text;
    bool operator<(const KeyCell& o) const;
  };
  using Key = std::vector<KeyCell>;
  struct KeyLess {
    bool operator()(const Key& a, const Key& b) const;
  };

  std::size_t column_index(std::string_view column);
  void redraw();
  // At an epoch's end (and the stream's): the rows/s since the last one.
  void measure();

  Output& out_;
  LiveOptions opt_;
  std::vector<std::string> columns_;
  std::vector<std::string> key_;  // key columns
  bool key_given_ = false;
  std::map<Key, std::vector<std::string>, KeyLess> rows_;
  // The row being built.
  std::vector<std::string> cells_;
  std::vector<KeyCell> cell_keys_;
  std::vector<bool> cell_set_;
  std::vector<std::string> first_row_strings_;  // for key inference
  bool row_open_ = false;

  std::int64_t epoch_ = -1;
  EventTime watermark_ = EventTime::none();
  // The rate: rows received since `since_` (the last epoch's end, or the
  // start), and rows/s over the last epoch (-1: no epoch yet).
  std::uint64_t received_ = 0;
  std::chrono::steady_clock::time_point since_;
  double rate_ = -1;
  std::string ended_;
  bool drawn_ = false;
};

}  // namespace sx
