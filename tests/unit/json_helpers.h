// Helpers shared by the JSON readers' unit tests and the scanner's fuzz
// target (tests/fuzz/json_scan.cpp).
#pragma once

#include <cstring>
#include <initializer_list>
#include <vector>

#include "io/json.h"

namespace sx_test {

// Field paths from their dotted texts.
inline std::vector<sx::FieldPath> paths(std::initializer_list<const char*> names) {
  std::vector<sx::FieldPath> v;
  for (const char* n : names) v.push_back(sx::FieldPath::parse(n));
  return v;
}

// The DOM path leaves a number's text empty and re-serialises objects and
// arrays (sx-read uses neither), so `raw` compares those texts too.

inline bool same(const sx::JsonValue& a, const sx::JsonValue& b, bool raw) {
  if (a.type != b.type) return false;
  const bool text = !raw || a.text == b.text;
  switch (a.type) {
    case sx::JsonType::kMissing:
    case sx::JsonType::kNull:
      return true;
    case sx::JsonType::kBool:
      return a.boolean == b.boolean;
    case sx::JsonType::kInt:
      return a.i == b.i && text;
    case sx::JsonType::kUint:
      return a.u == b.u && text;
    case sx::JsonType::kDouble:
      return std::memcmp(&a.d, &b.d, sizeof a.d) == 0 && text;
    case sx::JsonType::kObject:
    case sx::JsonType::kArray:
      return text;
    default:
      return a.text == b.text;
  }
}

}  // namespace sx_test
