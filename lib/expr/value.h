// The values of Spark SQL expressions (sx-expr(7)) at run time: a small tagged
// union that allocates nothing. Strings and JSON texts are views: into the
// record the fields came from, into the expression (literals) or into a
// Scratch (results built by functions); a view stays valid until the next
// evaluation with the same Scratch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "io/json.h"

namespace sx::expr {

// Spark's types, as far as sx needs them. kInt is Spark's INT (32 bits, the
// type of small integer literals), kLong its BIGINT (the type of JSON
// integers, as Spark's JSON schema inference gives); both are held in `i`.
// kTime is TIMESTAMP (microseconds since the epoch, UTC, in `i`). kJson is an
// object or array as raw JSON text (Spark's struct, map and array) in `s`.
enum class Type : std::uint8_t { kNull, kBool, kInt, kLong, kDouble, kString, kTime, kJson };
const char* type_name(Type t);  // "null", "boolean", "int", "bigint", ...

struct Value {
  Type type = Type::kNull;
  bool b = false;
  union {
    std::int64_t i = 0;  // kInt, kLong, kTime
    double d;            // kDouble
  };
  std::string_view s;

  static Value null() { return {}; }
  static Value boolean(bool v) { return {Type::kBool, v, {0}, {}}; }
  static Value int32(std::int32_t v) { return {Type::kInt, false, {v}, {}}; }
  static Value int64(std::int64_t v) { return {Type::kLong, false, {v}, {}}; }
  static Value dbl(double v) {
    Value r;
    r.type = Type::kDouble;
    r.d = v;
    return r;
  }
  static Value str(std::string_view v) { return {Type::kString, false, {0}, v}; }
  static Value time(std::int64_t us) { return {Type::kTime, false, {us}, {}}; }
  static Value json(std::string_view v) { return {Type::kJson, false, {0}, v}; }

  bool is_null() const { return type == Type::kNull; }
  bool is_integral() const { return type == Type::kInt || type == Type::kLong; }
  bool is_numeric() const { return is_integral() || type == Type::kDouble; }
};

// Strings built while evaluating: buffers reused from one evaluation to the
// next, so steady state allocates nothing. reset() starts an evaluation.
class Scratch {
 public:
  void reset() { used_ = 0; }
  // A cleared buffer that no view of this evaluation points into.
  std::string& next() {
    if (used_ == bufs_.size()) bufs_.emplace_back();
    std::string& b = bufs_[used_++];
    b.clear();
    return b;
  }

 private:
  std::deque<std::string> bufs_;  // a deque: growing it moves no buffer
  std::size_t used_ = 0;
};

// A field value read from a record (io/json.h) as an expression value: missing
// and null are null, integers bigint (an unsigned beyond 2^63-1 a double),
// objects and arrays kJson. No copy.
Value from_json(const JsonValue& v);

// Spark's CAST in non-ANSI mode (spark.sql.ansi.enabled=false, the default):
// what cannot be converted is null. Strings are trimmed of white space first;
// "1.9" as int is 1 (truncated); a double beyond the range of int or bigint
// saturates (Java's cast), a bigint to int wraps. Strings to timestamp take
// the ISO-8601 forms of sx(7) (no epoch digits: a number is epoch seconds).
Value cast_to(const Value& v, Type to, Scratch& scratch);
bool to_long(const Value& v, std::int64_t* out);  // cast to bigint; false: null
bool to_double(const Value& v, double* out);      // cast to double; false: null
// A value used as a number, with Spark's implicit cast: numbers stay, a
// string becomes a double (kNull when it is not a number); anything else is
// kOther, a type error whose message is the caller's.
enum class AsNumber { kNumber, kNull, kOther };
AsNumber as_number(Value& v);
bool to_time(const Value& v, std::int64_t* out);  // cast to timestamp; false: null
bool to_bool(const Value& v, bool* out);          // cast to boolean; false: null

// Appends the value cast to string, as Spark writes it: doubles as Java's
// Double.toString (1.0, 1.0E20, 1.0E-4), timestamps "2024-01-01 10:00:00"
// (with a fraction only when not zero), JSON as its text, null as nothing.
void append_text(std::string& out, const Value& v);
void append_double(std::string& out, double d);  // Java's Double.toString

// Appends the value as JSON: strings quoted, timestamps as ISO-8601 UTC
// strings (format_time), doubles shortest round-trip (NaN and infinities as
// null), JSON as its text.
void append_json(std::string& out, const Value& v);

// Number of characters (not bytes) of valid UTF-8 text.
std::size_t utf8_length(std::string_view s);

}  // namespace sx::expr
