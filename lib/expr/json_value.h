// Reading inside a JSON object or array held as raw text (a kJson value):
// a[0], a['key'], a.key in sx-expr(7). The text is valid JSON (it came from a
// validated record or was built by sx).
#pragma once

#include <cstdint>
#include <string_view>

#include "expr/value.h"

namespace sx::expr {

// The element at 0-based `index` of the array `text` (null when `text` is not
// an array or the index is out of range).
Value json_array_element(std::string_view text, std::int64_t index, Scratch& scratch);
// The member `key` of the object `text` (the last one when repeated; null
// when `text` is not an object or has no such key).
Value json_object_member(std::string_view text, std::string_view key, Scratch& scratch);
// Calls fn(value) for each element of the array `text`; false when it is not
// an array.
template <typename Fn>
bool json_for_each_element(std::string_view text, Scratch& scratch, Fn fn);

// Internals, for the template.
const char* json_skip_ws(const char* p, const char* e);
const char* json_skip_value(const char* p, const char* e);
Value json_scalar(std::string_view raw, Scratch& scratch);

template <typename Fn>
bool json_for_each_element(std::string_view text, Scratch& scratch, Fn fn) {
  const char* p = json_skip_ws(text.data(), text.data() + text.size());
  const char* e = text.data() + text.size();
  if (p == e || *p != '[') return false;
  p = json_skip_ws(p + 1, e);
  if (p < e && *p == ']') return true;
  while (p < e) {
    const char* v = p;
    p = json_skip_value(p, e);
    fn(json_scalar(std::string_view(v, static_cast<std::size_t>(p - v)), scratch));
    p = json_skip_ws(p, e);
    if (p < e && *p == ',')
      p = json_skip_ws(p + 1, e);
    else
      break;
  }
  return true;
}

}  // namespace sx::expr
