#include "ops/top_n.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/error.h"
#include "base/text.h"
#include "ops/map.h"
#include "state/group_key.h"

namespace sx {

namespace {

// Removes the last word of `s` when it is `word` (any case) preceded by
// white space.
bool strip_word(std::string_view& s, std::string_view word) {
  if (s.size() <= word.size()) return false;
  const std::string_view tail = s.substr(s.size() - word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = tail[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != word[i]) return false;
  }
  if (!is_blank(s[s.size() - word.size() - 1])) return false;
  s = trim_blanks(s.substr(0, s.size() - word.size()));
  return true;
}

// A sort value owned by a kept row (expr::Value's strings are views into the
// row being read).
struct SortValue {
  expr::Type type = expr::Type::kNull;
  bool b = false;
  std::int64_t i = 0;
  double d = 0;
  std::string s;

  void set(const expr::Value& v) {
    type = v.type;
    b = v.b;
    i = v.type == expr::Type::kDouble ? 0 : v.i;
    d = v.type == expr::Type::kDouble ? v.d : 0;
    s.assign(v.s);
  }
};

// Types in Spark's cross-type order of sx's keys (state/group_key.h):
// boolean, numbers, strings, JSON, timestamps.
int type_rank(expr::Type t) {
  switch (t) {
    case expr::Type::kNull:
      return 0;
    case expr::Type::kBool:
      return 1;
    case expr::Type::kInt:
    case expr::Type::kLong:
    case expr::Type::kDouble:
      return 2;
    case expr::Type::kString:
      return 3;
    case expr::Type::kJson:
      return 4;
    case expr::Type::kTime:
      return 5;
  }
  return 6;
}

int compare_doubles(double a, double b) {
  // Spark's SQLOrderingUtil.compareDoubles: NaN = NaN, NaN above all else.
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Ascending order of two non-null values.
int compare_values(const SortValue& a, const SortValue& b) {
  const int ra = type_rank(a.type), rb = type_rank(b.type);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type) {
    case expr::Type::kBool:
      return a.b == b.b ? 0 : (a.b ? 1 : -1);
    case expr::Type::kInt:
    case expr::Type::kLong:
    case expr::Type::kDouble:
      if (a.type != expr::Type::kDouble && b.type != expr::Type::kDouble)
        return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
      return compare_doubles(a.type == expr::Type::kDouble ? a.d : static_cast<double>(a.i),
                             b.type == expr::Type::kDouble ? b.d : static_cast<double>(b.i));
    case expr::Type::kTime:
      return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
    default: {
      const int c = a.s.compare(b.s);  // byte-wise, as Spark's UTF8String
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
}

}  // namespace

std::vector<OrderTerm> parse_order_by(std::string_view text) {
  std::vector<OrderTerm> terms;
  for (const std::string& item : split_top_level(text)) {
    std::string_view t = trim_blanks(item);
    bool nulls_given = false, nulls_first = false;
    if (strip_word(t, "first")) {
      if (!strip_word(t, "nulls"))
        throw usage_error("--order-by '" + std::string(text) + "': FIRST must follow NULLS ('" +
                          item + "'); e.g. --order-by 'count DESC NULLS FIRST'");
      nulls_given = nulls_first = true;
    } else if (strip_word(t, "last")) {
      if (!strip_word(t, "nulls"))
        throw usage_error("--order-by '" + std::string(text) + "': LAST must follow NULLS ('" +
                          item + "'); e.g. --order-by 'count DESC NULLS LAST'");
      nulls_given = true;
    }
    bool desc = false;
    if (strip_word(t, "desc")) {
      desc = true;
    } else {
      strip_word(t, "asc");
    }
    if (t.empty() || t == "asc" || t == "desc" || t == "ASC" || t == "DESC") {
      throw usage_error("--order-by '" + std::string(text) +
                        "': a term has no expression; give a comma list of 'EXPR [ASC|DESC] "
                        "[NULLS FIRST|LAST]', e.g. --order-by 'count DESC, path'");
    }
    OrderTerm term{expr::Expr::parse(t), desc, nulls_given ? nulls_first : !desc};
    if (term.expr.named())
      throw usage_error("--order-by '" + std::string(text) + "': '" + std::string(t) +
                        "' has an AS name, which an ordering does not take; remove it");
    terms.push_back(std::move(term));
  }
  return terms;
}

void check_top_n(const WindowOptions& opt, OutputMode mode) {
  if (opt.top == 0 && opt.order_by.empty()) return;
  if (opt.order_by.empty())
    throw usage_error("--top " + std::to_string(opt.top) +
                      " needs --order-by to say which rows come first, e.g. --order-by 'count "
                      "DESC'");
  if (opt.top == 0)
    throw usage_error(
        "--order-by goes with --top N (the rows of each window to keep), e.g. --top 10 "
        "--order-by '" +
        opt.order_by + "'");
  if (opt.window.kind == WindowKind::kSession)
    throw usage_error(
        "--top does not go with --session: session windows are per key, so no window holds "
        "several groups to rank; to rank keys use --tumbling or --window/--slide windows, or a "
        "running aggregation with --mode complete");
  if (opt.window.kind == WindowKind::kNone && mode != OutputMode::kComplete)
    throw usage_error(
        "--top on a running aggregation (no window flag) needs --mode complete, the whole "
        "table ranked each epoch (update, its default, could not retract a row that drops out "
        "of the top N)");
  if (mode == OutputMode::kUpdate)
    throw usage_error(
        "--top does not go with --mode update: a row that drops out of the top N could not be "
        "retracted; use --mode append (each window ranked once, when it closes) or --mode "
        "complete (each window ranked each epoch)");
}

struct TopN::Impl {
  struct Entry {
    std::vector<SortValue> keys;
    std::string row;
    std::string group;
  };

  std::uint64_t n;
  std::vector<OrderTerm> terms;
  RowSink sink;
  std::unique_ptr<FieldSet> fields;
  std::vector<JsonValue> values;
  RecordReader reader;
  expr::Scratch scratch;
  std::string padded;  // the row and kLinePadding spaces
  std::string why;
  std::vector<Entry> heap;  // at most n rows, the worst ranked on top
  Entry cand;               // the row being offered
  bool open = false;
  Micros start = 0, end = 0;

  // a before b in rank order.
  bool before(const Entry& a, const Entry& b) const {
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const SortValue& x = a.keys[t];
      const SortValue& y = b.keys[t];
      const bool xn = x.type == expr::Type::kNull, yn = y.type == expr::Type::kNull;
      if (xn || yn) {
        if (xn && yn) continue;
        return xn == terms[t].nulls_first;
      }
      const int c = compare_values(x, y);
      if (c != 0) return terms[t].desc ? c > 0 : c < 0;
    }
    return group_key::compare_keys(a.group, b.group) < 0;
  }

  void evaluate(std::string_view row) {
    // The reader reads up to kLinePadding bytes past the text (io/json.h).
    padded.assign(row);
    padded.append(kLinePadding, ' ');
    if (!reader.read_fields(std::string_view(padded.data(), row.size()), *fields, values.data(),
                            &why))
      throw data_error("--top: cannot read the row " + std::string(row) + ": " + why);
    cand.keys.resize(terms.size());
    for (std::size_t t = 0; t < terms.size(); ++t) {
      try {
        cand.keys[t].set(terms[t].expr.eval(values.data(), scratch));
      } catch (const Error& e) {
        throw data_error("--order-by '" + terms[t].expr.text() + "' on the row " +
                         std::string(row) + ": " + e.what());
      }
    }
  }

  void offer(std::string_view row, std::string_view group) {
    evaluate(row);
    const auto cmp = [this](const Entry& a, const Entry& b) { return before(a, b); };
    cand.group.assign(group);
    if (heap.size() < n) {
      cand.row.assign(row);
      heap.push_back(std::move(cand));
      std::push_heap(heap.begin(), heap.end(), cmp);
      cand = Entry{};
      return;
    }
    if (!before(cand, heap.front())) return;
    cand.row.assign(row);
    std::pop_heap(heap.begin(), heap.end(), cmp);
    std::swap(heap.back(), cand);
    std::push_heap(heap.begin(), heap.end(), cmp);
  }

  void flush() {
    std::sort_heap(heap.begin(), heap.end(),
                   [this](const Entry& a, const Entry& b) { return before(a, b); });
    for (const Entry& e : heap) sink(e.row);
    heap.clear();
    open = false;
  }
};

TopN::TopN(std::uint64_t n, std::string_view order_by, const std::vector<std::string>& columns,
           RowSink sink)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.n = n;
  m.terms = parse_order_by(order_by);
  m.sink = std::move(sink);
  std::vector<FieldPath> paths;
  for (const OrderTerm& t : m.terms) {
    for (const FieldPath& p : t.expr.fields()) {
      if (std::find(columns.begin(), columns.end(), p.text()) != columns.end() &&
          p.parts().size() > 1) {
        // A --by key named by its dotted path: expressions read dots as paths.
        throw usage_error(
            "--order-by '" + std::string(order_by) + "': the output field '" + p.text() +
            "' has a dot in its name, which an expression cannot name; rename it, "
            "e.g. --by '" +
            p.text() + " as " + p.parts().back() + "', and order by " + p.parts().back());
      }
      if (std::find(columns.begin(), columns.end(), p.parts()[0]) == columns.end()) {
        std::string list;
        for (const std::string& c : columns) list += (list.empty() ? "" : ", ") + c;
        throw usage_error("--order-by '" + std::string(order_by) +
                          "': the output rows have no field '" + p.parts()[0] +
                          "'; order by their fields: " + list +
                          " (an unnamed aggregate is named like count_if_status, or give it "
                          "one with 'as NAME')");
      }
      if (std::none_of(paths.begin(), paths.end(),
                       [&](const FieldPath& q) { return q.text() == p.text(); }))
        paths.push_back(p);
    }
  }
  for (OrderTerm& t : m.terms) t.expr.bind(paths);
  m.fields = std::make_unique<FieldSet>(paths);
  m.values.resize(paths.size());
}

TopN::~TopN() = default;

void TopN::offer(Micros start, Micros end, std::string_view row, std::string_view group) {
  Impl& m = *impl_;
  if (m.open && (start != m.start || end != m.end)) m.flush();
  m.open = true;
  m.start = start;
  m.end = end;
  m.offer(row, group);
}

void TopN::flush() { impl_->flush(); }

}  // namespace sx
