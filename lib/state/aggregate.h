// Aggregate functions of sx-window (--agg): their spec grammar, their running
// state per group, merging (session windows) and their JSON result.
//
//   count                        rows
//   count_if(FIELD OP VALUE)     rows where FIELD OP VALUE is true; OP is one of
//                                = (or ==) != (or <>) < <= > >=; a null or
//                                missing FIELD, or values that do not compare
//                                (Spark's failed implicit cast), count nowhere
//   sum(F) avg(F) min(F) max(F)  over non-null values of F
//   count_distinct(F)            distinct non-null values of F (exact)
//   first(F) last(F)             F of the first / last row in arrival order
//   collect_list(F)              the non-null values of F, in arrival order
//   stddev(F) stddev_samp(F) stddev_pop(F) variance(F) var_samp(F) var_pop(F)
//                                Spark's CentralMomentAgg (Welford); one value:
//                                the sample ones are null, the population ones 0.0
//   min_by(F, ORDER) max_by(F, ORDER)
//                                F of the row with the least / greatest ORDER
//                                (rows with a null ORDER skipped; ties: the first)
//   approx_count_distinct(F [, rsd])  HyperLogLog++ (state/sketch.h)
//   percentile_approx(F, p [, accuracy])  Greenwald-Khanna: one of the values;
//                                p a number or array(p1, ...), accuracy 10000
//   percentile(F, p) median(F)   exact, linearly interpolated at p * (n - 1)
//   ... as NAME                  renames the output field; the default name is
//                                FUNCTION_FIRSTARG (percentile_approx_value)
//
// Sums of integers stay exact: in 64 bits while they fit, in 128 bits beyond
// (integers above 2^63 - 1 in the input included, JSON numbers or strings);
// a sum past 128 bits is an error, never a wrap or a silent double. One
// non-integer makes the sum a double. min and max order numbers numerically,
// strings that are ISO-8601 times by time, other strings byte-wise, and
// numbers before strings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/event_time.h"
#include "io/checkpoint_file.h"
#include "io/json.h"
#include "state/sketch.h"

namespace sx {

enum class AggKind {
  kCount,
  kCountIf,
  kSum,
  kAvg,
  kMin,
  kMax,
  kCountDistinct,
  kFirst,
  kLast,
  kCollectList,
  // Issue 14 (Spark's names and semantics; lib/state/aggregate.cpp):
  kCountNonNull,         // count(F): rows where F is not null
  kPercentileApprox,     // percentile_approx(F, p [, accuracy]); p a number or array
  kPercentile,           // percentile(F, p): exact, linear interpolation
  kMedian,               // median(F) = percentile(F, 0.5)
  kApproxCountDistinct,  // approx_count_distinct(F [, rsd]): HyperLogLog++
  kStddevSamp,           // stddev(F), stddev_samp(F)
  kStddevPop,            // stddev_pop(F)
  kVarSamp,              // variance(F), var_samp(F)
  kVarPop,               // var_pop(F)
  kMinBy,                // min_by(F, ORDER): F of the row with the least ORDER
  kMaxBy                 // max_by(F, ORDER)
};

// count_if's comparison operator.
enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct AggSpec {
  AggKind kind = AggKind::kCount;
  FieldPath field;   // empty for count
  std::string name;  // output field name
  std::string text;  // the spec as given, for messages and checkpoints
  // count_if: the operator and the literal compared with. `match` is the
  // literal's text (quotes removed); `lit` its type: kString, kInt or kDouble
  // (an unquoted number; lit_num holds it), kBool (unquoted true/false) or
  // kNull (unquoted null: never true). A string literal that holds a number
  // or an ISO-8601 time also has lit_num / lit_time set (lit_is_*).
  CmpOp op = CmpOp::kEq;
  std::string match;
  JsonValue lit_num;
  JsonType lit = JsonType::kString;
  bool lit_bool = false;
  bool lit_is_num = false;
  bool lit_is_time = false;
  Micros lit_time = 0;

  // percentile_approx, percentile, median: the percentages (each in [0, 1])
  // and whether they were given as an array (then the result is an array).
  std::vector<double> percentages;
  bool percentages_array = false;
  std::int64_t accuracy = 10000;  // percentile_approx (Spark's default)
  double rsd = 0.05;              // approx_count_distinct (Spark's default)
  // min_by / max_by: `field` is the value kept, `order_field` what orders.
  FieldPath order_field;
  // Set when an argument is an expression, not a field (sx-window's --agg
  // parser, ops/window_aggs): the operator evaluates it per record and passes
  // its value where the field's would go; `field` / `order_field` are then
  // empty and arg_text / order_text hold the expression's text. count_if with
  // an expression (cond_is_expr) counts the rows where its value is true.
  bool field_is_expr = false;
  bool order_is_expr = false;
  bool cond_is_expr = false;
  std::string arg_text;    // the first argument as written
  std::string order_text;  // min_by/max_by: the second argument as written
};

// One argument of an aggregate call as a caller parsed it (the --agg parser
// of sx-window parses calls with the expression language, lib/expr, which
// this layer does not know): a field, a constant, or another expression.
struct AggArg {
  enum class Kind { kField, kConstant, kExpr };
  Kind kind = Kind::kField;
  std::string text;  // as written, trimmed
  FieldPath field;   // kField
  // kConstant: a number (is_number, num), a string (is_string, str), an array
  // of numbers (is_array, nums), a boolean (is_bool, b) or null (none set).
  bool is_number = false, is_string = false, is_array = false, is_bool = false;
  double num = 0;
  bool b = false;
  std::string str;
  std::vector<double> nums;
};
// Builds the spec of `function` (lower case) called with `args`: count(*)
// is star, count(DISTINCT F) distinct; alias is the AS name or empty; text
// the whole call as written (for messages and checkpoints). Checks which
// arguments must be constants (percentages, accuracy, rsd) and their ranges.
// Throws usage_error naming the call and what is wrong.
AggSpec make_agg(std::string_view function, const std::vector<AggArg>& args, bool star,
                 bool distinct, std::string_view alias, std::string_view text);
// The functions make_agg knows, for messages ("did you mean").
const std::vector<std::string>& agg_function_names();

// Parses one --agg spec such as "sum(value)", "avg(price) as mean",
// "count_if(status>=500)". Throws usage_error naming the spec and what is
// wrong with it (an unknown function, unbalanced parentheses or quotes, an
// unknown operator, text after the closing parenthesis...).
AggSpec parse_agg(std::string_view text);
// Parses one --agg value, which may list several aggregates separated by
// commas outside parentheses and quotes: "sum(a), max(a) as top".
std::vector<AggSpec> parse_aggs(std::string_view text);

// One --by entry: a field path, optionally renamed ("http.path as path",
// Spark's col("http.path").alias("path")). `name` is the output field.
struct GroupSpec {
  FieldPath field;
  std::string name;
};
// Throws usage_error for an empty entry, a missing alias after 'as', or text
// that is not a field path (parentheses, quotes, operators: sx has no
// expressions in --by yet).
GroupSpec parse_group_spec(std::string_view text);

// A value's canonical text: strings unescaped, numbers normalised (1, 1.0
// and 1e0 give "1"), true/false/null, containers as raw JSON. `is_string`
// tells a string "1" from the number 1 where that matters (grouping).
void canonical_text(const JsonValue& v, std::string* out);

// `v` as a number: kInt (exact), kUint (an integer outside int64: its digits
// in n->text, exact, and n->d its nearest double; up to 2^127 in magnitude, a
// longer one is kDouble) or kDouble, from a JSON number or a string holding
// one ("12.5", as Miller and Spark's cast read it). False otherwise.
bool to_number_slow(const JsonValue& v, JsonValue* n);
inline bool to_number(const JsonValue& v, JsonValue* n) {
  // The common cases inline: an int64, and a double whose text is too short
  // to be an integer beyond 64 bits (to_number_slow does the rest).
  if (v.type == JsonType::kInt) return n->type = JsonType::kInt, n->i = v.i, true;
  if (v.type == JsonType::kDouble && v.text.size() < 20)
    return n->type = JsonType::kDouble, n->d = v.d, true;
  return to_number_slow(v, n);
}

// True when count_if's comparison holds for `v` (Spark's semantics, ANSI
// mode off): a number and a string holding a number compare as numbers (a
// string that holds none: no match, as Spark's cast gives null); two strings
// compare as instants when both are ISO-8601 times, else byte-wise; booleans
// with booleans (or strings true/false/t/f/yes/no/y/n/1/0); a null or
// missing value, a container, or values of kinds that do not compare: false,
// whatever the operator.
bool agg_matches(const AggSpec& spec, const JsonValue& v);

// The state of the issue-14 aggregates that plain fields do not hold; one
// per AggState, allocated at its first value.
struct AggSketch {
  enum Kind : std::uint8_t { kHll = 1, kQuantiles = 2, kValues = 3, kBy = 4 };
  Kind kind = kHll;
  Hll hll;                     // approx_count_distinct
  Quantiles q;                 // percentile_approx
  std::vector<double> values;  // percentile, median: every value
  std::string by_value;        // min_by / max_by: the kept F, as JSON
};

// Running state of one aggregate for one group. Plain data, so that a group
// keeps its aggregates in one vector.
struct AggState {
  std::int64_t n = 0;                   // rows (count, count_if) or non-null values
  std::int64_t isum = 0;                // exact integer sum
  double dsum = 0;                      // sum once a non-integer was seen (or for avg)
  bool is_double = false;               // sum: a non-integer value was seen
  bool is_wide = false;                 // sum: the exact integer sum is ihi:isum (128 bits)
  std::int64_t ihi = 0;                 // its high 64 bits (isum: the low 64, as a bit pattern)
  std::uint64_t seq = 0;                // first/last: arrival number of the kept value
  JsonType vtype = JsonType::kMissing;  // min/max/first/last: kept value's type
  double num = 0;                       // min/max: kept number
  Micros time = 0;                      // min/max: kept string's time, when it is one
  bool is_time = false;
  std::string text;  // min/max/first/last: kept value (JSON); list: items
  std::unique_ptr<std::unordered_set<std::string>> distinct;
  // stddev/variance: n, mean in `num`, the sum of squared deviations (M2) in
  // dsum. min_by/max_by: the ORDER key in vtype/num/time/is_time/text, its
  // row in seq, F in sketch->by_value. percentile_approx: is_double once a
  // non-integer value was seen (else the result is an integer).
  std::unique_ptr<AggSketch> sketch;
  // The bytes of the values this state keeps without bound (collect_list's
  // items, count_distinct's set, at kDistinctEntryBytes per entry plus the
  // value; the sketches of issue 14 and min_by's values too), for
  // --max-state-bytes. After agg_load: those of every kept text and sketch.
  std::uint64_t value_bytes = 0;
};
// What one count_distinct entry costs besides its text (hash node, bucket).
inline constexpr std::uint64_t kDistinctEntryBytes = 48;
// True for the aggregates whose state grows with every value (value_bytes).
inline bool agg_grows(const AggSpec& spec) {
  switch (spec.kind) {
    case AggKind::kCollectList:
    case AggKind::kCountDistinct:
    case AggKind::kPercentile:
    case AggKind::kMedian:
    case AggKind::kPercentileApprox:
    case AggKind::kApproxCountDistinct:
    case AggKind::kMinBy:
    case AggKind::kMaxBy:
      return true;
    default:
      return false;
  }
}

// Applies value `v` of the record numbered `seq` (arrival order) to `s`.
// Throws data_error (message without location; the caller adds it) when a
// sum or avg meets a non-number or an integer sum overflows.
void agg_update(const AggSpec& spec, AggState& s, const JsonValue& v, std::uint64_t seq);
// min_by / max_by: `v` the value, `order` what orders it.
void agg_update_by(const AggSpec& spec, AggState& s, const JsonValue& v, const JsonValue& order,
                   std::uint64_t seq);
// sum and avg of a value already made a number by to_number() (kInt or
// kDouble): the hot path, inline. Throws like agg_update on overflow.
void agg_sum_overflow(const AggSpec& spec, AggState& s, std::int64_t i);
// The rest: wide integers (kUint), doubles, a sum already double or wide.
void agg_add_number_slow(const AggSpec& spec, AggState& s, const JsonValue& n);
inline void agg_add_number(const AggSpec& spec, AggState& s, const JsonValue& n) {
  ++s.n;
  if (n.type == JsonType::kInt && !s.is_double && !s.is_wide) {
    if (__builtin_add_overflow(s.isum, n.i, &s.isum)) agg_sum_overflow(spec, s, n.i);
    return;
  }
  if (n.type == JsonType::kDouble && s.is_double) {  // the common decimal, inline too
    s.dsum += n.d;
    return;
  }
  agg_add_number_slow(spec, s, n);
}
// Folds `from` into `into` (session windows merging). Throws on overflow.
void agg_merge(const AggSpec& spec, AggState& into, AggState&& from);
// Appends the JSON result of `s` to `out`.
void agg_result(const AggSpec& spec, const AggState& s, std::string& out);

// Checkpoints (sx-window --checkpoint): writes every field of `s`, the
// count_distinct set in sorted order, so that equal states give equal bytes;
// a sketch after them (its flag byte is 2 where the distinct set's is 1).
void agg_save(const AggState& s, PayloadWriter& w);
// Reads what agg_save wrote, replacing `s`. Throws data_error for a truncated
// or malformed payload (nothing past its end is read).
void agg_load(PayloadReader& r, AggState& s);
// The fewest bytes agg_save writes (for PayloadReader::get_count).
inline constexpr std::size_t kAggSavedMinBytes = 60;

// Appends a double as JSON: shortest round-trip form, always with a '.', or
// an exponent (2 -> 2.0); null when not finite.
void append_double(std::string& out, double d);

}  // namespace sx
