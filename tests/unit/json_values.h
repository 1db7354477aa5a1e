// JSON values built by hand, as RecordReader::get would return them, for the
// aggregate tests. The text views point at string literals, which outlive the
// tests.
#pragma once

#include <doctest/doctest.h>

#include <charconv>
#include <string_view>

#include "io/json.h"

namespace test_json {

inline sx::JsonValue num(std::string_view text) {
  sx::JsonValue v;
  v.text = text;
  const char* b = text.data();
  const char* e = b + text.size();
  auto r = std::from_chars(b, e, v.i);
  if (r.ec == std::errc() && r.ptr == e) {
    v.type = sx::JsonType::kInt;
    return v;
  }
  auto ru = std::from_chars(b, e, v.u);
  if (ru.ec == std::errc() && ru.ptr == e) {
    v.type = sx::JsonType::kUint;
    return v;
  }
  v.type = sx::JsonType::kDouble;
  auto rd = std::from_chars(b, e, v.d);
  REQUIRE(rd.ec == std::errc());
  REQUIRE(rd.ptr == e);
  return v;
}

inline sx::JsonValue str(std::string_view text) {
  sx::JsonValue v;
  v.type = sx::JsonType::kString;
  v.text = text;
  return v;
}

inline sx::JsonValue boolean(bool b) {
  sx::JsonValue v;
  v.type = sx::JsonType::kBool;
  v.boolean = b;
  v.text = b ? "true" : "false";
  return v;
}

inline sx::JsonValue null() {
  sx::JsonValue v;
  v.type = sx::JsonType::kNull;
  v.text = "null";
  return v;
}

inline sx::JsonValue missing() { return sx::JsonValue{}; }

}  // namespace test_json
