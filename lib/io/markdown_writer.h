// GitHub-flavored Markdown pipe tables, one per batch, for pasting results
// into an issue or a README. A batch from an epoch record gets a heading
// "### Batch: N" before its table; a batch without one (plain NDJSON, no
// epochs) is a bare table. Columns are the batch's keys in order of first
// appearance (as the table format); a column with numbers and no other
// values (nulls and missing cells aside) is right-aligned ("---:"), the
// others are left as GitHub's default. Cells are padded to the column's width in code
// points so that the text lines up as well as the rendered table. Every row
// and the full text of every cell is written (no --num-rows, --truncate).
// Escapes, so that each value renders as its own text in its own cell: a
// backslash is written \\, a pipe \|, a line break (LF, CRLF or CR) <br>.
// Other Markdown in a value (*, _, `, <b>) is not escaped: it renders.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/output.h"

namespace sx {

class MarkdownWriter {
 public:
  explicit MarkdownWriter(Output& out) : out_(out) {}

  // Adds a cell to the row being built: `text` as shown (strings unquoted,
  // null as "null", other values as JSON); `number`: the value is a JSON
  // number; `null`: it is JSON null (neither makes a column textual).
  void cell(std::string_view column, std::string_view text, bool number, bool null);
  void end_row();
  // Writes the rows since the last batch as one table, after a heading
  // "### Batch: N" when batch_id >= 0. Writes nothing for a batch without
  // rows (a table needs a header row).
  void end_batch(std::int64_t batch_id);
  bool has_rows() const { return !rows_.empty() || row_open_; }

  // The escaped text of a cell (see the header comment).
  static void append_escaped(std::string& out, std::string_view text);

 private:
  Output& out_;
  std::vector<std::string> columns_;  // escaped
  static constexpr unsigned char kSeenNumber = 1, kSeenText = 2;
  std::vector<unsigned char> seen_;             // by column: kSeen* bits
  std::vector<std::vector<std::string>> rows_;  // escaped cells by column index
  std::vector<std::string> current_;
  bool row_open_ = false;
  bool wrote_ = false;  // a table was written (blank line before the next)
  std::string line_;
};

}  // namespace sx
