// Avro binary values as JSON records (sx-read --value-format avro): a value
// written with a schema becomes one JSON object, with Avro's JSON mapping
// (unions as {"TYPE": value}) and logical types as text a reader of sx
// understands (timestamps as ISO-8601 times). The mapping is in
// man/avro-section.txt.
//
// The schema is checked by Avro C (avro_schema_from_json_length: what Avro C
// refuses is refused, with its reason), then compiled into a plan of our own
// that decodes bytes straight into JSON. Not Avro C's avro_value_read: Avro C
// 1.11.1 knows no logical types, cannot say how many bytes a read took (a
// value with bytes left over must fail), keeps its error text in one global
// buffer that grows with every failure, and appends an array's items one by
// one from an untrusted count (four bytes can ask for 2^60 nulls). The plan
// checks every length against the bytes that are left before it reads, and
// allocates nothing per value once its buffers are warm. Tests encode with
// Avro C's avro_value_write, so the two implementations check each other.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sx {

// Decodes Avro binary values into JSON records.
class AvroDecoder {
 public:
  virtual ~AvroDecoder() = default;
  // Appends the JSON object for `value` to `out` (cleared first): one line, no
  // newline. False, with a reason in `why` (no location: the caller adds
  // topic/partition/offset), for a value that does not decode: truncated,
  // bytes left over, an unknown schema id, a registry that cannot be reached
  // after its retries (then `why` says so), not a record at the top.
  virtual bool decode(std::string_view value, std::string* out, std::string* why) = 0;
};

// --avro-schema FILE: every value is Avro binary of this schema (no header).
// Throws usage_error for a file that is missing or not an Avro schema of a
// record, naming it.
std::unique_ptr<AvroDecoder> avro_from_schema_file(const std::string& path);

// --schema-registry URL: every value in Confluent's wire format (magic byte 0,
// a 4-byte big-endian schema id, Avro binary); the schema is fetched by id with
// GET URL/schemas/ids/{id} (libcurl, see schema_registry.h), parsed once and
// cached. A fetch is retried a few times (each attempt bounded by
// `timeout_ms`); then decode() fails with why = the URL and the curl or HTTP
// error. A magic byte other than 0 fails naming it. Throws usage_error for a
// URL that is not http:// or https://.
std::unique_ptr<AvroDecoder> avro_from_registry(const std::string& url, long timeout_ms);

// A compiled schema: the plan that decodes its values. Immutable; share it.
class AvroSchema {
 public:
  // Parses and checks `json` (Avro C first, then the plan). Null, with *why,
  // for text that is not an Avro schema.
  static std::shared_ptr<const AvroSchema> compile(std::string_view json, std::string* why);
  ~AvroSchema();
  AvroSchema(const AvroSchema&) = delete;
  AvroSchema& operator=(const AvroSchema&) = delete;

  bool is_record() const;
  // "a record", "an int", "a union", ... (for messages).
  std::string top_type() const;

  struct Node;  // internal: the plan
  struct Impl;

 private:
  AvroSchema();
  friend class AvroReader;
  std::unique_ptr<Impl> impl_;
};

// Decodes values of one schema; holds the buffers it reuses (one per thread).
class AvroReader {
 public:
  // Appends the JSON of the value that fills all of `bytes` to `out`. False,
  // with *why ("truncated at byte 7 of 9 (field user.name)", "2 bytes left
  // over after the value", ...), for anything else; `out` then holds a part.
  bool to_json(const AvroSchema& schema, std::string_view bytes, std::string* out,
               std::string* why);

  struct Scratch {
    std::vector<std::uint32_t> limbs;  // decimal conversion
    std::string digits;
    std::int64_t second = std::numeric_limits<std::int64_t>::min();  // the last timestamp's
    std::string second_text;  // whole second, as "2024-01-01T00:00:00"
  };

 private:
  Scratch scratch_;
};

// A small JSON document model, for schemas, the registry's answers and the
// test tools; never on the per-value path.
struct AvroJson {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // a string unescaped; a number's JSON text
  std::vector<AvroJson> items;
  struct Member;                // a key and its value (first, second)
  std::vector<Member> members;  // in document order

  // The member `key` of an object, or null.
  const AvroJson* get(std::string_view key) const;
  // Parses one JSON value (white space around it allowed). False with *why.
  static bool parse(std::string_view text, AvroJson* out, std::string* why);
};
// Defined once AvroJson is complete (a std::pair of the incomplete type, as
// before, is refused by clang with libstdc++: the fuzz build).
struct AvroJson::Member {
  std::string first;
  AvroJson second;
};

// Avro's JSON encoding of a value (unions as {"TYPE": value}, bytes and
// fixed as strings of code points U+0000..U+00FF, "NaN"/"Infinity"/
// "-Infinity" for floats) to Avro binary, with Avro C (avro_value_write): the
// other implementation, for the tests and sx_test_avro_encode. Logical types
// take their underlying values (a timestamp-millis is a number).
class AvroCEncoder {
 public:
  // Null, with *why, for a schema Avro C refuses.
  static std::unique_ptr<AvroCEncoder> make(std::string_view schema_json, std::string* why);
  ~AvroCEncoder();
  // Appends the binary of `value` to `out`. False with *why for a value that
  // does not fit the schema.
  bool encode(const AvroJson& value, std::string* out, std::string* why);

 private:
  AvroCEncoder() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
