#include "base/swar.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "io/json.h"

namespace {

// append_json_string as it was written byte by byte: the oracle.
std::string reference_json_string(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("issue 13: append_json_string escapes as byte by byte did, 8 bytes at a time") {
  std::mt19937 rng(13);
  const char alphabet[] = {'a',    'b',    ' ', '"', '\\',   '\n',   '\t',   '\r',
                           '\x01', '\x1f', 'z', '~', '\x7f', '\xc3', '\xa9', '0'};
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 40, 'x');
    for (char& c : s) c = alphabet[rng() % sizeof alphabet];
    std::string out = "pre";
    sx::append_json_string(out, s);
    CHECK(out == "pre" + reference_json_string(s));
  }
  std::string out;
  sx::append_json_string(out, "");
  CHECK(out == "\"\"");
}

TEST_CASE("issue 13: find_json_escape and all_ascii agree with a byte loop") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 40, 'x');
    for (char& c : s) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 'a' + rng() % 26);
    const std::size_t from = s.empty() ? 0 : rng() % (s.size() + 1);
    std::size_t want = s.size();
    for (std::size_t i = from; i < s.size(); ++i) {
      const auto u = static_cast<unsigned char>(s[i]);
      if (u < 0x20 || u == '"' || u == '\\') {
        want = i;
        break;
      }
    }
    CHECK(sx::swar::find_json_escape(s.data(), s.size(), from) == want);
    bool ascii = true;
    for (const char c : s) ascii &= static_cast<unsigned char>(c) < 0x80;
    CHECK(sx::swar::all_ascii(s.data(), s.size()) == ascii);
  }
}
