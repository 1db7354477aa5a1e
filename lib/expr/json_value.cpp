#include "expr/json_value.h"

#include <charconv>

namespace sx::expr {

const char* json_skip_ws(const char* p, const char* e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

namespace {

const char* skip_string(const char* p, const char* e) {  // p after the opening quote
  while (p < e && *p != '"') p += *p == '\\' ? 2 : 1;
  return p < e ? p + 1 : e;
}

}  // namespace

const char* json_skip_value(const char* p, const char* e) {
  if (p >= e) return e;
  if (*p == '"') return skip_string(p + 1, e);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    while (p < e) {
      const char c = *p;
      if (c == '"') {
        p = skip_string(p + 1, e);
        continue;
      }
      ++p;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return p;
    }
    return e;
  }
  while (p < e && *p != ',' && *p != ']' && *p != '}' && *p != ' ' && *p != '\t' && *p != '\n' &&
         *p != '\r')
    ++p;
  return p;
}

Value json_scalar(std::string_view raw, Scratch& scratch) {
  if (raw.empty()) return Value::null();
  const char c = raw[0];
  if (c == '"') {
    std::string_view body = raw.substr(1, raw.size() - 2);
    if (body.find('\\') == std::string_view::npos) return Value::str(body);
    std::string& out = scratch.next();
    const char* p = raw.data() + 1;
    if (!append_unescaped(out, p)) return Value::null();
    return Value::str(out);
  }
  if (c == '{' || c == '[') return Value::json(raw);
  if (c == 't') return Value::boolean(true);
  if (c == 'f') return Value::boolean(false);
  if (c == 'n') return Value::null();
  std::int64_t i;
  const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), i);
  if (r.ec == std::errc() && r.ptr == raw.data() + raw.size()) return Value::int64(i);
  double d = 0;
  std::from_chars(raw.data(), raw.data() + raw.size(), d);
  return Value::dbl(d);
}

Value json_array_element(std::string_view text, std::int64_t index, Scratch& scratch) {
  if (index < 0) return Value::null();
  std::int64_t k = 0;
  Value found;
  json_for_each_element(text, scratch, [&](const Value& v) {
    if (k++ == index) found = v;
  });
  return found;
}

Value json_object_member(std::string_view text, std::string_view key, Scratch& scratch) {
  const char* e = text.data() + text.size();
  const char* p = json_skip_ws(text.data(), e);
  if (p == e || *p != '{') return Value::null();
  p = json_skip_ws(p + 1, e);
  Value found;
  std::string& unescaped = scratch.next();
  while (p < e && *p == '"') {
    const char* k = p;
    p = json_skip_value(p, e);
    std::string_view raw_key(k + 1, static_cast<std::size_t>(p - k) - 2);
    bool match;
    if (raw_key.find('\\') == std::string_view::npos) {
      match = raw_key == key;
    } else {
      unescaped.clear();
      const char* q = k + 1;
      match = append_unescaped(unescaped, q) && unescaped == key;
    }
    p = json_skip_ws(p, e);
    if (p < e && *p == ':') p = json_skip_ws(p + 1, e);
    const char* v = p;
    p = json_skip_value(p, e);
    if (match) found = json_scalar(std::string_view(v, static_cast<std::size_t>(p - v)), scratch);
    p = json_skip_ws(p, e);
    if (p < e && *p == ',') p = json_skip_ws(p + 1, e);
  }
  return found;
}

}  // namespace sx::expr
