// Horizontal bar charts for people (sx-sink --format bar), per epoch: a
// "Batch: N" line, then a line per row: its label, a bar of Unicode block
// elements whose length is the row's value scaled to the largest |value| of
// the batch, and the value as written. In the manner of termgraph and
// Miller's bar verb; the rules are in man/sx-sink.1 (BARS).
//
//   label column   at most half the width (longer labels are cut with "..."),
//                  left-aligned; the value column right-aligned after the bar;
//   bars           full blocks and one partial block in eighths (U+2588,
//                  U+2589..U+258F), so a bar is exact to 1/8 of a cell; a
//                  value that is not zero shows at least one eighth;
//   negatives      when the batch has any, the bar area is split at an axis
//                  ('|'): negative bars grow to the left of it in whole cells
//                  (Unicode has no right-aligned eighths), positive ones to the
//                  right in eighths, both on one scale;
//   zero           no bar; not a number (null, a string, missing): no bar,
//                  the text shown in place of the value, left out of the scale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/output.h"

namespace sx {

// The size of the terminal on `fd`: the COLUMNS and LINES environment
// variables when set to a positive number, else ioctl(TIOCGWINSZ) when `fd`
// is a terminal, else 80 columns by 24 lines.
struct TerminalSize {
  std::size_t columns = 80;
  std::size_t lines = 24;
};
TerminalSize terminal_size(int fd);

// `cells` (>= 0) as full blocks and a trailing partial block in eighths,
// rounded to the nearest eighth; at least one eighth when cells > 0.
std::string bar_blocks(double cells);

// `text` with the bytes a terminal would act on replaced by '?': C0 controls
// (newline, ESC...), DEL, and C1 controls (U+0080..U+009F), so that values
// from the data cannot move the cursor or change the screen.
std::string terminal_safe(std::string_view text);

class BarWriter {
 public:
  // `width`: the terminal's columns (at least 20 are used).
  BarWriter(Output& out, std::size_t width);

  // Adds a row to the batch. `number`: the value when it is one (else the
  // row has no bar and shows `text`).
  void row(std::string_view label, std::string_view text, const double* number);
  bool has_rows() const { return !rows_.empty(); }
  // Writes the batch (nothing when it has no rows) and starts the next.
  void end_batch(std::int64_t batch_id);
  // The text end_batch writes, for tests; clears the batch.
  std::string render(std::int64_t batch_id);

 private:
  struct Row {
    std::string label, text;
    bool is_number = false;
    double value = 0;
  };
  Output& out_;
  std::size_t width_;
  std::vector<Row> rows_;
};

}  // namespace sx
