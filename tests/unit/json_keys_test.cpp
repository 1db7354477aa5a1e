// Keys as unescaped text, repeated keys and numbers beyond simdjson's range
// (issue 11 items 1, 2 and 6): every reader of a record (JsonValidator's
// get, RecordReader's get, get_fields and read_fields) gives one answer.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "io/json.h"
#include "json_helpers.h"

namespace {

using sx::FieldPath;
using sx::FieldSet;
using sx::JsonType;
using sx::JsonValue;
using sx::PaddedLine;

using sx_test::paths;

// The value at `path` as each reader gives it: the DOM validator, get(),
// get_fields() and read_fields() (the fast path when it is sure).
std::vector<std::string> every_reader(const std::string& line, const char* path) {
  const PaddedLine p(line);
  const FieldSet set(paths({path}));
  std::vector<std::string> got;
  const auto show = [](const JsonValue& v) {
    std::string text(v.text);
    if (v.type == JsonType::kBool) text = v.boolean ? "true" : "false";
    if (v.type == JsonType::kInt && text.empty()) text = std::to_string(v.i);  // the DOM's
    return std::string(sx::json_type_name(v.type)) + ":" + text;
  };
  std::string why;
  sx::JsonValidator validator;
  REQUIRE(validator.validate_object(p.view(), &why));
  got.push_back(show(validator.get(FieldPath::parse(path))));
  sx::RecordReader reader;
  REQUIRE(reader.open(p.view(), &why));
  got.push_back(show(reader.get(FieldPath::parse(path))));
  JsonValue out[1];
  REQUIRE(reader.get_fields(set, out, &why));
  got.push_back(show(out[0]));
  sx::RecordReader fresh;
  REQUIRE(fresh.read_fields(p.view(), set, out, &why));
  got.push_back(show(out[0]));
  return got;
}

void check_all(const std::string& line, const char* path, const std::string& want) {
  CAPTURE(line);
  CAPTURE(path);
  for (const auto& g : every_reader(line, path)) CHECK(g == want);
}

}  // namespace

TEST_CASE("issue 11 item 01: a key is its unescaped text in every reader") {
  check_all(R"({"caf\u00e9":"x","n":1})", "café", "a string:x");
  check_all(R"({"\u0074s":"2024-01-01T00:00:10Z"})", "ts", "a string:2024-01-01T00:00:10Z");
  check_all(R"({"a\"b":1})", "a\"b", "a number:1");
  check_all(R"({"a\\b":2})", "a\\b", "a number:2");
  check_all(R"({"\ud83d\ude00":true})", "\xF0\x9F\x98\x80", "a boolean:true");
  check_all(R"({"u":{"\u0069d":"7"}})", "u.id", "a string:7");
  check_all(R"({"\u0075":{"id":"8"}})", "u.id", "a string:8");
  // The raw text of an escaped key is not the key.
  check_all(R"({"caf\u00e9":"x"})", "caf\\u00e9", "missing:");
  check_all(R"({"a\"b":1})", "a\\\"b", "missing:");
}

TEST_CASE("issue 11 item 02: a repeated key has its last value in every reader") {
  check_all(R"({"k":"a","k":"b"})", "k", "a string:b");
  check_all(R"({"k":"a","n":1,"k":2})", "k", "a number:2");
  check_all(R"({"k":"a","\u006b":"c"})", "k", "a string:c");
  check_all(R"({"k":{"x":1},"k":null})", "k", "null:");
  // A repeated parent: the last one holds, the earlier one's fields are gone.
  check_all(R"({"u":{"id":1,"x":5},"u":{"x":6}})", "u.id", "missing:");
  check_all(R"({"u":{"id":1},"u":{"id":3}})", "u.id", "a number:3");
  check_all(R"({"u":{"id":1},"u":7})", "u.id", "missing:");
  check_all(R"({"u":{"id":1,"id":4}})", "u.id", "a number:4");
}

TEST_CASE("issue 11 item 02: get_fields with several paths under a repeated parent") {
  const PaddedLine p(R"({"u":{"id":1,"x":5},"n":0,"u":{"x":6}})");
  const FieldSet set(paths({"u.id", "u.x", "n"}));
  sx::RecordReader reader;
  std::string why;
  JsonValue out[3];
  REQUIRE(reader.read_fields(p.view(), set, out, &why));
  CHECK(out[0].type == JsonType::kMissing);
  CHECK(out[1].text == "6");
  CHECK(out[2].text == "0");
}

TEST_CASE("issue 11 item 06: numbers beyond 64 bits and the double range are valid JSON") {
  check_all(R"({"a":18446744073709551616})", "a", "a number:18446744073709551616");
  check_all(R"({"a":-99999999999999999999,"b":1})", "a", "a number:-99999999999999999999");
  check_all(R"({"a":1e400})", "a", "a number:1e400");
  check_all(R"({"b":1e400,"a":[1,{"x":"y"}]})", "a", "an array:[1,{\"x\":\"y\"}]");
  sx::RecordReader reader;
  std::string why;
  const PaddedLine p(R"({"a":18446744073709551616,"b":-1e400})");
  REQUIRE(reader.open(p.view(), &why));
  const JsonValue a = reader.get(FieldPath::parse("a"));
  CHECK(a.type == JsonType::kDouble);
  CHECK(a.d == 18446744073709551616.0);
  const JsonValue b = reader.get(FieldPath::parse("b"));
  CHECK(b.type == JsonType::kDouble);
  CHECK((std::isinf(b.d) && b.d < 0));
}

TEST_CASE("issue 11 item 06: a line with a big number is still checked throughout") {
  sx::JsonValidator v;
  std::string why;
  const auto bad = [&](const char* line) {
    const PaddedLine p(line);
    return !v.validate_object(p.view(), &why);
  };
  CHECK(bad(R"({"a":1e400,"b":tru})"));
  CHECK(bad(R"({"a":1e400,"b":"\x"})"));
  CHECK(bad(R"({"a":1e400,"b":[1,]})"));
  CHECK(bad(R"({"a":1e400} x)"));
  CHECK(bad(R"({"a":1e400,"b":1.})"));
  CHECK(bad(R"({"a":01e400})"));
  CHECK(bad(R"({"a":1e400,"b":"\ud800"})"));
  CHECK(bad("18446744073709551616"));
  CHECK(why == "not a JSON object but a number");
  CHECK(bad("[18446744073709551616]"));
  CHECK(why == "not a JSON object but an array");
  CHECK_FALSE(bad(R"( {"a" : 1e400 , "b":{"c":[true,false,null,-0.5e-3]}} )"));
}

#include "state/group_key.h"

namespace {

std::string key_of(const std::string& line) {
  const PaddedLine p(line);
  sx::RecordReader reader;
  std::string why;
  REQUIRE(reader.open(p.view(), &why));
  std::string out;
  sx::group_key::canonical_key_text(reader.get(FieldPath::parse("k")), &out);
  return out;
}

}  // namespace

TEST_CASE("issue 11 item 26: objects and arrays as keys are their canonical value") {
  CHECK(key_of(R"({"k":{"b":[1,2.0],"a":"x"}})") == R"({"a":"x","b":[1,2]})");
  CHECK(key_of(R"({"k": { "a" : "\u0078", "b" : [ 1.0 , 2e0 ] } })") == R"({"a":"x","b":[1,2]})");
  CHECK(key_of(R"({"k":{"a":1,"a":2}})") == R"({"a":2})");
  CHECK(key_of(R"({"k":[{"y":"\"\n","x":-0.0}, [], {}, true, null]})") ==
        R"([{"x":0,"y":"\"\n"},[],{},true,null])");
  CHECK(key_of(R"({"k":[0.5, 1e-7, 1e20, 18446744073709551617, 1e400]})") ==
        "[0.5,1e-07,100000000000000000000,18446744073709551617,1e400]");
  CHECK(key_of(R"({"k":1.0})") == "1");
  CHECK(key_of(R"({"k":1e20})") == "100000000000000000000");
  CHECK(key_of(R"({"k":18446744073709551616})") == "18446744073709551616");
  CHECK(key_of(R"({"k":1.8446744073709552e19})") == "18446744073709551616");
  CHECK(key_of(R"({"k":"caf\u00e9"})") == "café");
}

TEST_CASE("issue 11 item 25: instants as key parts keep time order and show as UTC") {
  std::string a, b, c;
  sx::group_key::append_time_part(a, -1);
  sx::group_key::append_time_part(b, 0);
  sx::group_key::append_time_part(c, 10 * 1000 * 1000);
  CHECK(sx::group_key::compare_keys(a, b) < 0);
  CHECK(sx::group_key::compare_keys(b, c) < 0);
  CHECK(sx::group_key::compare_keys(c, c) == 0);
  std::string_view k = c;
  std::string shown;
  sx::group_key::append_key_value(shown, sx::group_key::next_part(k));
  CHECK(shown == "\"1970-01-01T00:00:10Z\"");
  CHECK(k.empty());
}

TEST_CASE("issue 11 item 25: a path given twice is read once, on the fast path too") {
  // sx-window --by ts and sx-dedup --key id,ts name the time field twice.
  const FieldSet set(paths({"ts", "id", "ts"}));
  CHECK_FALSE(set.overlap());
  CHECK(set.flat());
  sx::RecordReader reader;
  std::string why;
  for (const char* line : {R"({"id":1,"ts":"2024-01-01T00:00:10Z"})",
                           R"({"id":2,"ts":"2024-01-01T00:00:1\u0031Z"})"}) {
    const PaddedLine p(line);
    JsonValue out[3];
    REQUIRE(reader.read_fields(p.view(), set, out, &why));
    CHECK(out[0].type == JsonType::kString);
    CHECK(out[2].text == out[0].text);
    CHECK(out[1].text.size() == 1);
    JsonValue again[3];
    REQUIRE(reader.get_fields(set, again, &why));
    CHECK(again[2].text == out[0].text);
  }
}
