#include "group_key.h"

#include <charconv>

#include "aggregate.h"

namespace sx::group_key {

void append_key_part(std::string& key, const JsonValue& v, std::string& scratch) {
  char tag;
  switch (v.type) {
    case JsonType::kMissing:
    case JsonType::kNull: tag = kTagNull; break;
    case JsonType::kBool: tag = kTagBool; break;
    case JsonType::kInt:
    case JsonType::kUint:
    case JsonType::kDouble: tag = kTagNum; break;
    case JsonType::kString: tag = kTagStr; break;
    default: tag = kTagJson;
  }
  std::string_view text;
  if (tag == kTagStr) {
    text = v.text;
  } else if (tag != kTagNull) {
    canonical_text(v, &scratch);
    text = scratch;
  }
  const auto len = static_cast<std::uint32_t>(text.size());
  key += tag;
  key.append(reinterpret_cast<const char*>(&len), 4);
  key += text;
}

namespace {

double to_double(std::string_view s) {
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

}  // namespace

int compare_keys(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const KeyPart x = next_part(a), y = next_part(b);
    if (x.tag != y.tag) return x.tag < y.tag ? -1 : 1;
    if (x.tag == kTagNum) {
      const double dx = to_double(x.text), dy = to_double(y.text);
      if (dx != dy) return dx < dy ? -1 : 1;
    }
    const int c = x.text.compare(y.text);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return a.empty() ? (b.empty() ? 0 : -1) : 1;
}

void append_key_value(std::string& out, const KeyPart& p) {
  switch (p.tag) {
    case kTagNull: out += "null"; break;
    case kTagStr: append_json_string(out, p.text); break;
    default: out += p.text;
  }
}

}  // namespace sx::group_key
