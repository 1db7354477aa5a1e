// FieldScanner against simdjson: whenever the scanner answers, the line must
// be a valid JSON object (JsonValidator, the DOM) and every field must equal
// what JsonValidator::get and RecordReader::get_fields give. Lines come from
// generators (plain records, records sharing a shape, nested values, escapes,
// odd numbers) and from random damage to them; the padding after each line
// is filled with bytes that would fool a scan that reads past its end.
#include "io/json_scan.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "io/json.h"
#include "json_helpers.h"

namespace {

using sx_test::same;

using sx::FieldPath;
using sx::FieldScanner;
using sx::FieldSet;
using sx::JsonType;
using sx::JsonValue;
using sx::ScanResult;

// A line followed by kLinePadding bytes of `pad`.
struct Padded {
  std::string buf;
  std::size_t size;
  Padded(const std::string& line, char pad) : buf(line), size(line.size()) {
    buf.append(sx::kLinePadding, pad);
  }
  std::string_view view() const { return {buf.data(), size}; }
};

// Concatenation without operator+ on literals (GCC 12's false -Wrestrict).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (const auto p : parts) s.append(p);
  return s;
}

std::string show(const JsonValue& v) {
  return std::string(sx::json_type_name(v.type)) + " '" + std::string(v.text) + "'";
}

// Checks one line against both simdjson paths; returns whether the scanner
// answered.
bool check(FieldScanner& scanner, const FieldSet& set, const std::string& line, char pad) {
  const Padded p(line, pad);
  std::vector<JsonValue> fast(set.size() + 1);
  if (scanner.scan(p.view(), fast.data()) != ScanResult::kOk) return false;
  INFO("line: " << line);
  sx::JsonValidator dom;
  std::string why;
  REQUIRE_MESSAGE(dom.validate_object(p.view(), &why), why);
  sx::RecordReader od;
  std::vector<JsonValue> slow(set.size() + 1);
  REQUIRE(od.open(p.view(), &why));
  REQUIRE(od.get_fields(set, slow.data(), &why));
  for (std::size_t i = 0; i < set.size(); ++i) {
    const JsonValue d = dom.get(set.paths()[i]);
    INFO("path " << set.paths()[i].text() << ": scanner " << show(fast[i]) << ", DOM " << show(d)
                 << ", On-Demand " << show(slow[i]));
    CHECK(same(fast[i], d, false));
    CHECK(same(fast[i], slow[i], true));
  }
  return true;
}

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool coin(int percent) { return pick(100) < percent; }

  std::string key() {
    static const char* kKeys[] = {"a",    "b",      "c",       "ts",
                                  "user", "value",  "x",       "event_type",
                                  "a b",  "k\\\"q", "\\u0061", "\xc3\xa9t\xc3\xa9"};
    return cat({"\"", kKeys[pick(coin(90) ? 8 : 12)], "\""});
  }
  std::string ws() {
    if (!coin(10)) return "";
    static const char* kWs[] = {" ", "  ", "\t", " \r "};
    return kWs[pick(4)];
  }
  std::string number() {
    static const char* kOdd[] = {"0",
                                 "-0",
                                 "-0.0",
                                 "1e5",
                                 "1E-5",
                                 "2.5e+3",
                                 "0.1",
                                 "1.7976931348623157e308",
                                 "5e-324",
                                 "1e400",
                                 "123456789012345678",
                                 "1234567890123456789",
                                 "18446744073709551615",
                                 "18446744073709551616",
                                 "-9223372036854775808",
                                 "0.30000000000000004",
                                 "9007199254740993",
                                 "9007199254740993.0",
                                 "01",
                                 "1.",
                                 ".5",
                                 "-",
                                 "1e",
                                 "+1",
                                 "1.5e",
                                 "0x10",
                                 "1_000",
                                 "--1"};
    if (coin(25)) return kOdd[pick(sizeof kOdd / sizeof *kOdd)];
    if (coin(15)) {  // long runs of digits: 8 at a time, and the sums beyond 2^53
      std::string s = coin(30) ? "-" : "";
      s.push_back(static_cast<char>('1' + pick(9)));
      for (int i = pick(20); i > 0; --i) s.push_back(static_cast<char>('0' + pick(10)));
      if (coin(50)) s.push_back('.');
      for (int i = s.back() == '.' ? 1 + pick(20) : 0; i > 0; --i)
        s.push_back(static_cast<char>('0' + pick(10)));
      return s;
    }
    std::string s = coin(20) ? "-" : "";
    s += std::to_string(pick(100000));
    if (coin(50)) s += cat({".", std::to_string(pick(1000))});
    if (coin(10)) s += cat({"e", coin(50) ? "-" : "", std::to_string(pick(30))});
    return s;
  }
  std::string string_value() {
    static const char* kStr[] = {"view",
                                 "2024-01-01T00:00:00Z",
                                 "",
                                 "a\\\"b",
                                 "tab\\tq",
                                 "\\u00e9",
                                 "\\ud83d\\ude00",
                                 "\\ud800",
                                 "\\uDC00x",
                                 "\\x",
                                 "caf\xc3\xa9",
                                 "bad\xff",
                                 "ctl\x01",
                                 "tab\traw",
                                 "sl\\/ash",
                                 "\\u12",
                                 "back\\\\"};
    if (coin(30)) return cat({"\"", kStr[pick(sizeof kStr / sizeof *kStr)], "\""});
    std::string s = "\"";
    const int n = pick(20);
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + pick(26)));
    return s + "\"";
  }
  std::string value(int depth) {
    const int kind = pick(depth < 3 ? 10 : 7);
    switch (kind) {
      case 0:
      case 1:
      case 2:
        return string_value();
      case 3:
      case 4:
        return number();
      case 5:
        return coin(50) ? "true" : coin(50) ? "false" : "null";
      case 6:
        return coin(50) ? string_value() : number();
      case 7:
      case 8:
        return object(depth + 1);
      default: {
        std::string s = cat({"[", ws()});
        const int n = pick(4);
        for (int i = 0; i < n; ++i) s += cat({i ? "," : "", ws(), value(depth + 1), ws()});
        return s + "]";
      }
    }
  }
  std::string object(int depth) {
    std::string s = cat({"{", ws()});
    const int n = pick(7);
    for (int i = 0; i < n; ++i) {
      s += cat({i ? "," : "", ws(), key(), ws(), ":", ws(), value(depth), ws()});
    }
    return s + "}";
  }
  // Random damage: a byte removed, added or changed.
  std::string damage(std::string s) {
    static const char kBytes[] = "{}[]\":,\\ 0123456789.eE-+tfnulx\x01\x80";
    if (s.empty()) return s;
    const std::size_t at = static_cast<std::size_t>(pick(static_cast<int>(s.size())));
    const char c = kBytes[pick(sizeof kBytes - 1)];
    switch (pick(3)) {
      case 0:
        s.erase(at, 1);
        break;
      case 1:
        s.insert(at, 1, c);
        break;
      default:
        s[at] = c;
        break;
    }
    return s;
  }

 private:
  std::mt19937 rng_;
};

using sx_test::paths;

}  // namespace

TEST_CASE("FieldScanner answers the common record, with its fields") {
  const FieldSet set(paths({"timestamp", "event_type", "value", "user_id"}));
  FieldScanner scanner(set);
  const std::string lines[] = {
      R"({"event_id":"e1","timestamp":"2024-01-01T00:00:00Z","user_id":190,"event_type":"view","value":668.62,"session_id":"session_90"})",
      R"({"event_id":"e2","timestamp":"2024-01-01T00:00:00.190981Z","user_id":756,"event_type":"click","value":262.99,"session_id":"session_96"})",
      R"({"event_id":"e3","timestamp":"2024-01-01T00:00:00.374196Z","user_id":-291,"event_type":"add_to_cart","value":7,"session_id":"s"})",
      R"({ "value" : 1.5e3 , "timestamp" : "t", "nested": {"a": [1, {"b": null}]}, "event_type": true })",
      R"({"value": [1, "two", {"three": 3.0}], "event_type": {"a" : {"b": [] } }})",
      R"({})",
  };
  for (const auto& line : lines) CHECK(check(scanner, set, line, ' '));
  JsonValue out[4];
  const Padded p(lines[1], '"');
  REQUIRE(scanner.scan(p.view(), out) == ScanResult::kOk);
  CHECK(out[0].text == "2024-01-01T00:00:00.190981Z");
  CHECK(out[1].text == "click");
  CHECK(out[2].type == JsonType::kDouble);
  CHECK(out[2].d == 262.99);
  CHECK(out[3].type == JsonType::kInt);
  CHECK(out[3].i == 756);
}

TEST_CASE("FieldScanner leaves bad and unusual lines to simdjson") {
  const FieldSet set(paths({"a", "b"}));
  FieldScanner scanner(set);
  const char* unsure[] = {
      "",                              //
      "   ",                           //
      "[1,2]",                         //
      "\"a\"",                         //
      "{",                             //
      "{\"a\":1",                      //
      "{\"a\":1,}",                    //
      "{\"a\" 1}",                     //
      "{\"a\":01}",                    //
      "{\"a\":1.}",                    //
      "{\"a\":-}",                     //
      "{\"a\":tru}",                   //
      "{\"a\":1} x",                   //
      "{\"a\":1}{}",                   //
      "{\"a\":\"x\\q\"}",              //
      "{\"a\":\"\\ud800\"}",           // a lone surrogate
      "{\"a\":\"tab\traw\"}",          // a raw control character
      "{\"a\":\"bad\xff\"}",           // not UTF-8
      "{\"a\":\"x\\\"y\"}",            // a wanted string with an escape
      "{\"a\":1,\"a\":2}",             // a repeated wanted key
      "{\"\\u0061\":1}",               // an escaped key
      "{\"a\":-0}",                    //
      "{\"a\":12345678901234567890}",  //
      "{\"a\":1e400}",                 //
  };
  for (const char* line : unsure) {
    INFO("line: " << line);
    const Padded p(line, '}');
    JsonValue out[2];
    CHECK(scanner.scan(p.view(), out) == ScanResult::kUnsure);
  }
}

TEST_CASE("FieldScanner agrees with simdjson on generated and damaged lines") {
  const FieldSet flat(paths({"a", "b", "value", "event_type"}));
  const FieldSet nested(paths({"a.b", "c", "x.y.z", "user"}));
  const FieldSet none(std::vector<FieldPath>{});
  const FieldSet* sets[] = {&flat, &nested, &none};
  static const char kPads[] = " \"}0,]\\";
  Gen gen(20261122);
  int answered = 0, total = 0;
  for (const FieldSet* set : sets) {
    FieldScanner scanner(*set);
    for (int i = 0; i < 20000; ++i) {
      std::string line = gen.object(0);
      if (gen.coin(30)) line = gen.damage(line);
      if (gen.coin(5)) line = gen.damage(gen.damage(line));
      ++total;
      answered += check(scanner, *set, line, kPads[gen.pick(sizeof kPads - 1)]);
    }
  }
  // Most generated lines are valid and plain enough for the scanner.
  CHECK(answered > total / 3);
}

TEST_CASE("FieldScanner's shape path: records that share a shape, and ones that almost do") {
  const FieldSet set(paths({"ts", "kind", "v"}));
  FieldScanner scanner(set);
  Gen gen(7);
  int answered = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string kind = gen.coin(90) ? gen.string_value() : gen.number();
    std::string v = gen.coin(80) ? gen.number() : gen.value(1);
    std::string line = cat({"{\"id\":", gen.string_value(), ",\"ts\":", gen.string_value(),
                            ",\"kind\":", kind, ",\"v\":", v, ",\"n\":", gen.number(), "}"});
    if (gen.coin(10)) line = gen.damage(line);
    if (gen.coin(3)) line += " ";
    answered += check(scanner, set, line, "\"}0 "[gen.pick(4)]);
  }
  CHECK(answered > 5000);
}

TEST_CASE(
    "issue 13: FieldScanner's shape holds when a value is null in one line, a string in the next") {
  // An input format's records (nginx's "-" is null): the keys and the
  // punctuation repeat, the kinds of values do not.
  const FieldSet set(paths({"t", "ref"}));
  FieldScanner scanner(set);
  const std::string lines[] = {
      R"({"a":"x","ref":null,"t":"01/Jan/2024:00:00:00 +0000","n":1})",
      R"({"a":"y","ref":"https://e/","t":"01/Jan/2024:00:00:01 +0000","n":null})",
      R"({"a":null,"ref":null,"t":"01/Jan/2024:00:00:02 +0000","n":2.5})",
      R"({"a":"z","ref":"q","t":7,"n":"s"})",
  };
  for (const auto& line : lines) CHECK(check(scanner, set, line, ' '));
  JsonValue out[2];
  const Padded p(lines[1], '"');
  REQUIRE(scanner.scan(p.view(), out) == ScanResult::kOk);
  CHECK(out[0].text == "01/Jan/2024:00:00:01 +0000");
  CHECK(out[1].text == "https://e/");
  const Padded q(lines[2], '"');
  REQUIRE(scanner.scan(q.view(), out) == ScanResult::kOk);
  CHECK(out[1].type == JsonType::kNull);
}

TEST_CASE("RecordReader: after read_fields, get and for_each_field see the same record") {
  // read_fields' fast path does not open simdjson's document; the calls
  // that need it open it then, on the record read_fields was given.
  const FieldSet set(paths({"k"}));
  sx::RecordReader reader;
  std::string why;
  for (const char* text : {R"({"k":1,"a":"x"})", R"({"k":2,"b":"y","c":3})"}) {
    const Padded p(text, '}');
    JsonValue out[1];
    REQUIRE(reader.read_fields(p.view(), set, out, &why));
    std::string keys;
    REQUIRE(reader.for_each_field([&](std::string_view k, const JsonValue&) { keys += k; }, &why));
    CHECK(keys == (out[0].i == 1 ? "ka" : "kbc"));
    CHECK(reader.get(FieldPath::parse("k")).i == out[0].i);
  }
}
