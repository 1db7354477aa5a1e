// Regression tests for what the fuzz targets (tests/fuzz/) found.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "io/json.h"

TEST_CASE("issue 12: fuzz: nested paths on a malformed object do not crash RecordReader") {
  // fuzz_json_scan: with paths that nest ("a" and "a.b"), get_fields looks
  // each up with get(); the first lookup met the syntax error, simdjson
  // abandoned the document, and the next get() rewound it: a null pointer.
  // sx-window --by a --by a.b died so (SIGSEGV) on the line {{`{{; and
  // for_each_field (FieldUsage's sample) after it too.
  const sx::FieldSet set(
      {sx::FieldPath::parse("a"), sx::FieldPath::parse("a.b"), sx::FieldPath::parse("ts")});
  REQUIRE(set.overlap());
  for (const char* text : {"{{`{{", "{\"a\":1,]", "{\"x\":[1,}", "{\"a\":{\"b\":tru}}"}) {
    INFO("line: " << text);
    const sx::PaddedLine line(text);
    std::string why;
    sx::JsonValue out[3];
    sx::RecordReader reader;
    if (reader.open(line.view(), &why)) reader.get_fields(set, out, &why);
    sx::RecordReader fast;
    fast.read_fields(line.view(), set, out, &why);
    CHECK(reader.get(sx::FieldPath::parse("ts")).type == sx::JsonType::kMissing);
    reader.for_each_field([](std::string_view, const sx::JsonValue&) {}, &why);
  }
  // The same reader then reads a good record in full.
  const sx::PaddedLine good(R"({"a":{"b":2},"ts":"t"})");
  sx::RecordReader reader;
  std::string why;
  sx::JsonValue out[3];
  const sx::PaddedLine bad("{{`{{");
  REQUIRE(reader.open(bad.view(), &why));
  reader.get_fields(set, out, &why);
  REQUIRE(reader.read_fields(good.view(), set, out, &why));
  CHECK(out[0].type == sx::JsonType::kObject);
  CHECK(out[1].i == 2);
  CHECK(out[2].text == "t");
}
