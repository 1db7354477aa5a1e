// The one place sx touches simdjson (3.0.1 APIs only). Lines handed to these
// classes must be followed by kLinePadding readable bytes (LineReader
// guarantees it; copy into a PaddedLine otherwise).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/bad_kind.h"
#include "io/line_reader.h"

namespace sx {

// A field path such as "user.id": dot-separated keys into nested objects.
class FieldPath {
 public:
  FieldPath() = default;
  // Throws usage_error for an empty path or an empty component ("a..b").
  static FieldPath parse(std::string_view dotted);
  const std::vector<std::string>& parts() const { return parts_; }
  const std::string& text() const { return text_; }
  bool empty() const { return parts_.empty(); }

 private:
  std::vector<std::string> parts_;
  std::string text_;
};

enum class JsonType { kMissing, kNull, kBool, kInt, kUint, kDouble, kString, kObject, kArray };
const char* json_type_name(JsonType t);  // "a string", "an object", "missing", ...

// A value found at a path. `text` is the unescaped string for kString and the
// raw JSON text for numbers, objects and arrays; views stay valid until the
// next parse by the same reader.
struct JsonValue {
  JsonType type = JsonType::kMissing;
  bool boolean = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view text;
};

// Full validation, for the edge of a pipeline (sx-read): syntax, UTF-8, a
// single value, which must be an object. Reuses one parser.
class JsonValidator {
 public:
  JsonValidator();
  ~JsonValidator();
  // Returns true when `line` is one valid JSON object; else false and *why
  // is a short reason ("malformed JSON (...)", "not a JSON object but an array",
  // "invalid UTF-8").
  bool validate_object(std::string_view line, std::string* why);
  // After validate_object() returned true: the value at `path`.
  JsonValue get(const FieldPath& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Several field paths, compiled for RecordReader::get_fields (a tree of
// their components, so one pass over a record finds them all).
class FieldSet {
 public:
  explicit FieldSet(const std::vector<FieldPath>& paths);
  std::size_t size() const { return paths_.size(); }
  const std::vector<FieldPath>& paths() const { return paths_; }

  struct Node {
    std::string name;
    int leaf = -1;  // index of the path ending here
    std::vector<Node> kids;
  };
  const std::vector<Node>& roots() const { return roots_; }
  bool overlap() const { return overlap_; }

  // Every path is one top-level key (json_scan's flat path).
  bool flat() const { return flat_; }
  // A path given twice (sx-window --by ts with the time field ts): the tree
  // holds it once; out[copy] is set from out[from] after a lookup.
  struct Alias {
    std::size_t copy, from;
  };
  const std::vector<Alias>& aliases() const { return aliases_; }
  void apply_aliases(JsonValue* out) const {
    for (const Alias& a : aliases_) out[a.copy] = out[a.from];
  }
  // Unique among the sets of a process (a cache key that an address is not).
  std::uint64_t id() const { return id_; }

 private:
  friend class RecordReader;
  std::vector<FieldPath> paths_;
  std::vector<Node> roots_;
  bool overlap_ = false;  // a path is a prefix of another ("a" and "a.b")
  std::vector<Alias> aliases_;
  bool flat_ = false;
  std::uint64_t id_;
};

// On-Demand access for stages behind the edge: touches only what is asked.
class RecordReader {
 public:
  RecordReader();
  ~RecordReader();
  // Starts reading `line`. Returns false with *why when it is not an object
  // (then open_failure() tells malformed JSON from a JSON value that is not
  // an object, for the bad-input summary).
  bool open(std::string_view line, std::string* why);
  BadKind open_failure() const { return failure_; }
  // The value at `path` in the open record (kMissing when absent). Any order
  // of lookups works; document order is fastest.
  JsonValue get(const FieldPath& path);
  // The values of all of `set`'s paths in the open record, in one pass:
  // out[i] for path i (kMissing when absent). Unlike get(), every view stays
  // valid until the next open(). Returns false with *why on malformed input.
  bool get_fields(const FieldSet& set, JsonValue* out, std::string* why);
  // open() then get_fields(), with a fast path for the common line (see
  // json_scan.h) that gives the same values. Keep `set` alive while this
  // reader is used with it.
  bool read_fields(std::string_view line, const FieldSet& set, JsonValue* out, std::string* why);
  // After read_fields, get(), get_fields() and for_each_field() work on the
  // same record (opening it then, when the fast path did not).
  // Calls fn(key, value) for each top-level field in order; `value.text` is the
  // raw JSON for non-strings. Returns false with *why on malformed input.
  bool for_each_field(const std::function<void(std::string_view, const JsonValue&)>& fn,
                      std::string* why);

 private:
  struct Impl;
  bool ensure_doc(std::string* why);  // open() the last record if it is not
  std::unique_ptr<Impl> impl_;
  BadKind failure_ = BadKind::kMalformed;
};

// Appends `s` as a JSON string literal (quotes and escapes; valid UTF-8 is
// kept as is, control characters are \u-escaped). REQUIRES: s is valid UTF-8.
void append_json_string(std::string& out, std::string_view s);
bool is_valid_utf8(std::string_view s);
// Whether `s` is a number exactly as JSON writes one: -?(0|[1-9][0-9]*)
// (.[0-9]+)?([eE][+-]?[0-9]+)?. Not "+1", "01", "1.", ".5", "0x10", "NaN",
// "inf" or " 1". The input formats write such a text as a number, as it is.
bool is_json_number(std::string_view s);
// Appends the unescaped text of the JSON string whose body starts at p (just
// after its opening quote) and leaves p after its closing quote. False, with
// p somewhere inside, for an invalid escape or a lone surrogate. REQUIRES:
// an unescaped quote ends the string (the text was indexed as JSON).
bool append_unescaped(std::string& out, const char*& p);
// Appends code point `cp` (at most 0x10FFFF, not a surrogate) as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp);

// The value of the top-level key `key` of a compact JSON object that sx made
// itself (an input format's record: valid, no white space between tokens,
// each key once), without parsing the rest: found where '"key":' follows the
// '{' or a ',' (inside a string a quote is escaped, so that cannot match
// within a value). Strings are unescaped (into `scratch` when they hold
// escapes), numbers parsed as JsonValidator does (integers as kInt or kUint,
// others kDouble); objects and arrays give their type with no text.
// kMissing when the record has no such key.
// `at`: where the format says the value starts (LineFormat::wanted_at), or
// npos: checked, and the key looked up when it is not right.
JsonValue made_record_field(std::string_view record, std::string_view key, std::string& scratch,
                            std::size_t at = std::string_view::npos);

// A copy of a line with padding, for text that did not come from LineReader.
class PaddedLine {
 public:
  explicit PaddedLine(std::string_view s) : buf_(s.size() + kLinePadding, ' ') {
    buf_.replace(0, s.size(), s);
    size_ = s.size();
  }
  std::string_view view() const { return {buf_.data(), size_}; }

 private:
  std::string buf_;
  std::size_t size_;
};

}  // namespace sx
