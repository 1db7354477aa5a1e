// Spark console-sink style tables: a "Batch: N" banner per epoch, then
// +---+ framed, aligned columns (Dataset.show semantics: cells longer than
// `truncate` characters are cut with "...", and then right-aligned; with
// truncate 0 nothing is cut and cells are left-aligned), at most `num_rows`
// rows followed by "only showing top N rows".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/output.h"

namespace sx {

class TableWriter {
 public:
  // num_rows 0 = every row; truncate 0 = no truncation.
  TableWriter(Output& out, std::size_t num_rows, std::size_t truncate);

  // Adds a cell to the row being built (`text` as shown: strings unquoted,
  // null as "null", other values as JSON).
  void cell(std::string_view column, std::string_view text);
  void end_row();
  // Prints the banner and the table of the rows since the last batch.
  // Columns are the batch's keys in order of first appearance. A batch with
  // no rows prints the previous batch's header, or "++" frames.
  void end_batch(std::int64_t batch_id);
  bool has_rows() const { return rows_total_ > 0; }
  // The schema announced by the stream header: shown by empty batches before
  // any batch had rows (as Spark prints an empty result's header).
  void set_schema(std::vector<std::string> columns) {
    if (last_columns_.empty()) last_columns_ = std::move(columns);
  }

 private:
  Output& out_;
  std::size_t num_rows_;
  std::size_t truncate_;
  std::vector<std::string> columns_;            // this batch's
  std::vector<std::string> last_columns_;       // the last batch with rows
  std::vector<std::vector<std::string>> rows_;  // cells by column index
  std::vector<std::string> current_;
  bool row_open_ = false;
  std::uint64_t rows_total_ = 0;
};

// Display width of UTF-8 text in code points (what a terminal shows for most
// scripts).
std::size_t display_width(std::string_view s);
// The first `n` code points of UTF-8 text s (a cell cut to a width).
std::string_view prefix_chars(std::string_view s, std::size_t n);
// A cell as Spark's show(truncate) cuts it: text wider than `truncate` code
// points keeps its first truncate-3 and "..." (its first `truncate` when
// truncate < 4); 0: never cut.
std::string cut_cell(std::string_view s, std::size_t truncate);

}  // namespace sx
