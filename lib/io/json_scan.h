// A fast path for the common line: one JSON object, ASCII or valid UTF-8,
// with plain keys and short numbers. It validates the whole line (every
// value, nested ones too) and picks out a FieldSet's fields in one pass, in
// a fraction of the time simdjson needs for a 100-byte line.
//
// It answers only when it is sure: kOk means the line is one valid JSON
// object and out[] holds exactly what RecordReader::get_fields gives for it
// (and JsonValidator::get, but for the text of numbers, which the DOM leaves
// empty, and of objects and arrays, which it re-serialises: sx-read reads
// neither); kUnsure means anything else (an
// error, an escape in a wanted string or a key, a number it cannot convert
// exactly, a duplicate wanted key, ...), and the caller takes the simdjson
// path, which gives the answer or the error message. json_scan_test checks
// the two paths against each other on generated lines.
//
// Three tiers, fastest first. Lines of records from one producer share their
// shape (the keys in the same order, the same punctuation): a line that has
// the last flat line's shape (the same keys and punctuation; values of any
// kind) is checked against it, value by value. A flat
// line (ASCII, no escapes, no nested values) is walked key by key using a
// bitmask of its quotes. Any other line is walked byte by byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/json.h"

namespace sx {

enum class ScanResult { kOk, kUnsure };

class FieldScanner {
 public:
  // `set` must outlive the scanner.
  explicit FieldScanner(const FieldSet& set);
  // REQUIRES: kLinePadding readable bytes after `line` (see json.h).
  // out[i] for path i of the set, as RecordReader::get_fields.
  ScanResult scan(std::string_view line, JsonValue* out) {
    const ScanResult r = scan_set(line, out);
    if (r == ScanResult::kOk && !set_.aliases().empty()) set_.apply_aliases(out);
    return r;
  }

 private:
  static constexpr std::size_t kBlocks = 8;  // the flat path: lines up to 512 bytes
  struct ShapeField {
    // The bytes before the value, in shape_seps_, with the opening quote when
    // the shape's line had a string there (the value may still be of any
    // kind: a string, a number or a literal).
    std::uint32_t sep_at, sep_size;
    bool string;
    int leaf;  // the path it fills, or -1
  };
  struct Walked {
    std::size_t start, end;
    bool string;
    int leaf;
  };

  ScanResult scan_set(std::string_view line, JsonValue* out);  // scan() but for aliases
  bool index(std::string_view line);
  std::size_t next_quote(std::size_t i, std::size_t n) const;
  static bool scalar(const char* s, std::size_t n, std::size_t& i, JsonValue* v);
  bool match_shape(std::string_view line, JsonValue* out);
  bool walk_flat(std::string_view line, JsonValue* out);

  const FieldSet& set_;
  std::size_t blocks_ = 0;
  std::uint64_t quotes_[kBlocks] = {};
  std::vector<ShapeField> shape_;
  std::string shape_seps_;  // empty: no shape yet
  std::size_t shape_end_at_ = 0, shape_end_size_ = 0;
  std::vector<std::size_t> shape_missing_;  // the paths the shape does not hold
  std::vector<bool> covered_;               // walk_flat's scratch for shape_missing_
  std::vector<Walked> walked_;
};

}  // namespace sx
