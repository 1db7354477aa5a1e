// sx-window --top N --order-by 'EXPR [ASC|DESC] [NULLS FIRST|LAST], ...':
// only the N first rows of each window, in rank order, when the window is
// written (man sx-window, TOP-N). Spark sorts a streaming aggregation only in
// complete mode and has no per-window limit; this is its ORDER BY ... LIMIT N
// applied to each window's rows (Spark's SortOrder rules: ASC by default,
// nulls first for ASC and last for DESC, NaN above every other number).
//
// The window operator gives the rows it would write, window by window, as
// their JSON text; the expressions read the row's own fields (window_start,
// the --by keys, the aggregates). A window's ranking keeps at most N rows (a
// bounded heap); ties are broken by the group key in sx's row order (the
// order rows have without --top: by the --by values, Spark's order, nulls
// first), so the output does not depend on the input's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/event_time.h"
#include "expr/expr.h"
#include "io/json.h"
#include "ops/window_plan.h"

namespace sx {

struct OrderTerm {
  expr::Expr expr;
  bool desc = false;
  bool nulls_first = true;  // Spark: ASC NULLS FIRST, DESC NULLS LAST unless given
};

// Parses a comma list of "EXPR [ASC|DESC] [NULLS FIRST|NULLS LAST]" (keywords
// in any case). Throws usage_error naming --order-by for an empty term or an
// expression that does not parse.
std::vector<OrderTerm> parse_order_by(std::string_view text);

// Refuses (usage_error) --top/--order-by where a top-N has no meaning:
// --order-by without --top, --top without --order-by, update mode (a row
// that leaves the top N could not be retracted), session windows (sessions
// are per key: no window holds several groups), and running aggregations
// outside complete mode. Does nothing when neither flag was given.
void check_top_n(const WindowOptions& opt, OutputMode mode);

class TopN {
 public:
  using RowSink = std::function<void(std::string_view)>;
  // `columns`: the output row's field names (an expression naming another
  // field is a usage_error that lists them). Rows are written to `sink`.
  TopN(std::uint64_t n, std::string_view order_by, const std::vector<std::string>& columns,
       RowSink sink);
  ~TopN();
  TopN(const TopN&) = delete;
  TopN& operator=(const TopN&) = delete;

  // A row of the window [start, end) (0, 0 for a running aggregation) and its
  // group key (state/group_key.h). Rows come window by window: a row of
  // another window first writes the current window's top N. Throws
  // data_error when an expression fails on the row (a type error).
  void offer(Micros start, Micros end, std::string_view row, std::string_view group);
  // Writes the current window's top N rows, in rank order, and forgets them.
  void flush();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
