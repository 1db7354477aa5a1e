// The compiled form of an expression (internal to lib/expr): a tree of nodes
// in one vector, children by index, evaluated by a switch (no virtual call).
// parser.cpp builds it, expr.cpp and functions.cpp evaluate it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time_parser.h"
#include "expr/value.h"
#include "io/json.h"

namespace sx::expr {

enum class Op : std::uint8_t {
  kLiteral,
  kField,      // field = index into Program::fields
  kSubscript,  // kids[0][kids[1]]: array index (0-based) or object key
  kGetKey,     // kids[0].key (key in `str`)
  kNeg,
  kNot,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kIntDiv,
  kConcat,  // ||
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kEqNullSafe,
  kAnd,
  kOr,
  kIn,       // kids[0] IN (kids[1..])
  kBetween,  // kids[0] BETWEEN kids[1] AND kids[2]
  kLike,     // kids[0] LIKE kids[1], escape char in `escape`
  kRlike,
  kIsNull,
  kIsTrue,   // IS TRUE
  kIsFalse,  // IS FALSE
  kCase,     // (when, then)* [else]
  kCaseOf,   // subject (when, then)* [else]
  kCast,     // to `cast_type`
  kCall,     // function `fn`
};

enum class Fn : std::uint8_t {
  kCoalesce,
  kIf,
  kNvl,
  kAbs,
  kRound,
  kFloor,
  kCeil,
  kLower,
  kUpper,
  kLength,
  kSubstring,
  kConcat,
  kConcatWs,
  kTrim,
  kSplit,
  kRegexpExtract,
  kRegexpReplace,
  kToTimestamp,
  kDateTrunc,
  kDateFormat,
  kHour,
  kMinute,
  kDayOfWeek,
  kUnixTimestamp,
  kFromUnixtime,
  kArray,
};

// A compiled regular expression, or the last one of a pattern that is not a
// literal (compiled again only when the pattern changes).
struct RegexCache {
  std::string pattern;
  bool valid = false;
  std::regex re;
};

// The parser of the last datetime pattern (to_timestamp, unix_timestamp).
struct TimeCache {
  std::string pattern;
  bool valid = false;
  std::string why;
  std::unique_ptr<TimeParser> parser;
};

struct Node {
  Op op = Op::kLiteral;
  Fn fn = Fn::kCoalesce;
  Type cast_type = Type::kNull;
  bool negated = false;   // NOT IN / NOT BETWEEN / NOT LIKE / NOT RLIKE / IS NOT
  bool has_else = false;  // kCase, kCaseOf
  char escape = '\\';     // kLike
  int field = -1;         // kField: index into the values eval() gets
  int path = -1;          // kField: index into Program::fields
  std::vector<int> kids;
  Value literal;
  std::string str;                    // kGetKey's key
  std::size_t begin = 0, end = 0;     // the node's text in Program::text
  std::unique_ptr<RegexCache> regex;  // kRlike, kSplit, kRegexpExtract, kRegexpReplace
  std::unique_ptr<TimeCache> time;    // kToTimestamp, kUnixTimestamp
};

struct Program {
  std::string text;  // the whole expression as given
  std::string name;  // AS name, else the expression's text
  bool named = false;
  std::vector<Node> nodes;  // root last
  int root = -1;
  std::vector<FieldPath> fields;
  std::vector<FieldPath> bound;      // the stage's fields after Expr::bind, else empty
  std::deque<std::string> literals;  // string literals' storage (stable)

  std::string_view node_text(const Node& n) const {
    return std::string_view(text).substr(n.begin, n.end - n.begin);
  }
};

// parser.cpp
void parse_program(std::string_view text, Program* p);
// name([DISTINCT] arg, ... | *) [AS alias]: the arguments' spans in `text`.
struct AggregateSyntax {
  std::string function;
  bool star = false, distinct = false;
  std::vector<std::pair<std::size_t, std::size_t>> args;  // [begin, end)
  std::string name;
  bool named = false;
};
void parse_aggregate(std::string_view text, AggregateSyntax* out);

// expr.cpp
Value eval_node(const Program& p, int at, const JsonValue* fields, Scratch& scratch);
[[noreturn, gnu::cold]] void type_error(const Program& p, const Node& n, const std::string& what);
int compare_values(const Program& p, const Node& n, const Value& a, const Value& b, bool* null);

// Folds every subtree without fields into a literal (once, when parsing); a
// type error there is a usage error. expr.cpp.
void fold_constants(Program* p);

// functions.cpp
Value eval_call(const Program& p, const Node& n, const JsonValue* fields, Scratch& scratch);
bool lookup_function(std::string_view lower_name, Fn* fn, int* min_args, int* max_args);
std::vector<std::string> function_names();
const std::regex* get_regex(const Program& p, const Node& n, std::string_view pattern);

}  // namespace sx::expr
