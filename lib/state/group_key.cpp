#include "state/group_key.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "state/aggregate.h"

namespace sx::group_key {

namespace {

bool integer_literal(std::string_view text) {
  return !text.empty() && text.find_first_of(".eE") == std::string_view::npos;
}

// `text` is an integer literal of the value d (rounded to a double).
bool text_is(std::string_view text, double d) {
  double t;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), t);
  return integer_literal(text) && r.ec == std::errc() && r.ptr == text.data() + text.size() &&
         t == d;
}

// A double as a key: an integral value as its exact digits (1.0 is 1, 1e20
// is 100000000000000000000), any other as its shortest round-trip text.
void canonical_double(double d, std::string* out) {
  char buf[400];
  std::to_chars_result r;
  if (std::trunc(d) == d && std::fabs(d) < 9.2e18) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(d));
  } else if (std::trunc(d) == d) {
    r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 0);  // exact
  } else {
    r = std::to_chars(buf, buf + sizeof buf, d);
  }
  out->append(buf, r.ptr);
}

// A JSON number's text as a key: integers by their exact value (beyond 64
// bits by their digits), others as canonical_double; beyond the double
// range, the text.
void canonical_number(std::string_view text, std::string* out) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (integer_literal(text)) {
    std::int64_t i;
    if (auto r = std::from_chars(b, e, i); r.ec == std::errc() && r.ptr == e) {
      char buf[24];
      out->append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
      return;
    }
    out->append(text);  // beyond int64: JSON's digits are canonical (no leading zeros)
    return;
  }
  double d;
  const auto r = std::from_chars(b, e, d);
  if (r.ec != std::errc() || r.ptr != e || !std::isfinite(d)) {
    out->append(text);
    return;
  }
  canonical_double(d, out);
}

// An object or array as a key: its value in one canonical text (sx(7)):
// no whitespace, object members sorted by key (a repeated key: its last
// value), strings with minimal escapes, numbers as canonical_number. So key
// order, spacing, escapes and 1 vs 1.0 make no new key.
class Canonical {
 public:
  explicit Canonical(std::string_view raw) : p_(raw.data()), end_(raw.data() + raw.size()) {}
  bool run(std::string* out) {
    ws();
    if (!value(out)) return false;
    ws();
    return p_ == end_;
  }

 private:
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool string(std::string* text) {  // p_ at the opening quote
    ++p_;
    return append_unescaped(*text, p_) && p_ <= end_;
  }
  bool value(std::string* out) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{':
        return object(out);
      case '[':
        return array(out);
      case '"': {
        std::string text;
        if (!string(&text)) return false;
        append_json_string(*out, text);
        return true;
      }
      default: {
        const char* s = p_;
        while (p_ < end_ && (std::isalnum(static_cast<unsigned char>(*p_)) || *p_ == '-' ||
                             *p_ == '+' || *p_ == '.')) {
          ++p_;
        }
        const std::string_view tok(s, static_cast<std::size_t>(p_ - s));
        if (tok == "true" || tok == "false" || tok == "null") {
          out->append(tok);
        } else if (!tok.empty() && (tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9'))) {
          canonical_number(tok, out);
        } else {
          return false;
        }
        return true;
      }
    }
  }
  bool array(std::string* out) {
    ++p_;
    out->push_back('[');
    ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      out->push_back(']');
      return true;
    }
    for (bool first = true;; first = false) {
      if (!first) out->push_back(',');
      ws();
      if (!value(out)) return false;
      ws();
      if (p_ >= end_) return false;
      if (*p_ == ']') break;
      if (*p_++ != ',') return false;
    }
    ++p_;
    out->push_back(']');
    return true;
  }
  bool object(std::string* out) {
    ++p_;
    std::vector<std::pair<std::string, std::string>> members;
    ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
    } else {
      for (;;) {
        ws();
        if (p_ >= end_ || *p_ != '"') return false;
        auto& m = members.emplace_back();
        if (!string(&m.first)) return false;
        ws();
        if (p_ >= end_ || *p_++ != ':') return false;
        ws();
        if (!value(&m.second)) return false;
        ws();
        if (p_ >= end_) return false;
        if (*p_ == '}') break;
        if (*p_++ != ',') return false;
      }
      ++p_;
    }
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    out->push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && members[i + 1].first == members[i].first)
        continue;  // last wins
      if (!first) out->push_back(',');
      first = false;
      append_json_string(*out, members[i].first);
      out->push_back(':');
      out->append(members[i].second);
    }
    out->push_back('}');
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

void canonical_key_text(const JsonValue& v, std::string* out) {
  out->clear();
  switch (v.type) {
    case JsonType::kDouble:
      // An integer beyond 64 bits or a number beyond the double range (the
      // readers give its text): exact text.
      if (!std::isfinite(v.d) ||
          (std::fabs(v.d) >= 9.2e18 && std::trunc(v.d) == v.d && text_is(v.text, v.d))) {
        canonical_number(v.text, out);
      } else {
        canonical_double(v.d, out);
      }
      return;
    case JsonType::kObject:
    case JsonType::kArray:
      if (!Canonical(v.text).run(out)) out->assign(v.text);
      return;
    default:
      canonical_text(v, out);
  }
}

void append_key_part(std::string& key, const JsonValue& v, std::string& scratch) {
  if (v.type ==
      JsonType::kInt) {  // the common number: its digits, as canonical_key_text writes them
    char part[5 + 24];
    const auto r = std::to_chars(part + 5, part + sizeof part, v.i);
    const auto len = static_cast<std::uint32_t>(r.ptr - (part + 5));
    part[0] = kTagNum;
    std::memcpy(part + 1, &len, 4);
    key.append(part, static_cast<std::size_t>(r.ptr - part));
    return;
  }
  char tag;
  switch (v.type) {
    case JsonType::kMissing:
    case JsonType::kNull:
      tag = kTagNull;
      break;
    case JsonType::kBool:
      tag = kTagBool;
      break;
    case JsonType::kInt:
    case JsonType::kUint:
    case JsonType::kDouble:
      tag = kTagNum;
      break;
    case JsonType::kString:
      tag = kTagStr;
      break;
    default:
      tag = kTagJson;
  }
  std::string_view text;
  if (tag == kTagStr) {
    text = v.text;
  } else if (tag != kTagNull) {
    canonical_key_text(v, &scratch);
    text = scratch;
  }
  const auto len = static_cast<std::uint32_t>(text.size());
  key += tag;
  key.append(reinterpret_cast<const char*>(&len), 4);
  key += text;
}

void append_time_part(std::string& key, Micros us) {
  // Big-endian with the sign bit flipped: byte order is time order.
  const auto u = static_cast<std::uint64_t>(us) ^ (std::uint64_t{1} << 63);
  const std::uint32_t len = 8;
  char part[13];
  part[0] = kTagTime;
  std::memcpy(part + 1, &len, 4);
  for (int i = 0; i < 8; ++i) part[5 + i] = static_cast<char>(u >> (56 - 8 * i));
  key.append(part, sizeof part);
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
    case kTagNull:
      out += "null";
      break;
    case kTagStr:
      append_json_string(out, p.text);
      break;
    case kTagTime: {
      std::uint64_t u = 0;
      for (const char c : p.text) u = u << 8 | static_cast<unsigned char>(c);
      char buf[kMaxTimeText];
      const std::size_t n =
          format_time(EventTime{static_cast<Micros>(u ^ (std::uint64_t{1} << 63))}, buf);
      append_json_string(out, std::string_view(buf, n));
      break;
    }
    default:
      out += p.text;
  }
}

}  // namespace sx::group_key
