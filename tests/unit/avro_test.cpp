// io/avro and io/schema_registry: Avro binary values as JSON records. The
// values are encoded with Avro C (AvroCEncoder: avro_value_write), the other
// implementation, and decoded by our plan; the expected JSON is written by
// hand. Damaged values (truncated, bytes left over, bad lengths and indexes,
// random bytes) fail with a reason and never crash. The registry tests start
// the stand-in build/bin/sx_test_schema_registry.
#include "io/avro.h"

#include <curl/curl.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/schema_registry.h"
#include "test_files.h"

namespace {

using sx::AvroCEncoder;
using sx::AvroJson;
using sx::AvroReader;
using sx::AvroSchema;

std::shared_ptr<const AvroSchema> compile(const std::string& schema) {
  std::string why;
  auto s = AvroSchema::compile(schema, &why);
  INFO(why);
  REQUIRE(s);
  return s;
}

// The Avro binary of `json` (Avro's JSON encoding) by Avro C.
std::string encode(const std::string& schema, const std::string& json) {
  std::string why;
  auto enc = AvroCEncoder::make(schema, &why);
  INFO(why);
  REQUIRE(enc);
  AvroJson v;
  REQUIRE(AvroJson::parse(json, &v, &why));
  std::string out;
  const bool ok = enc->encode(v, &out, &why);
  INFO(why);
  REQUIRE(ok);
  return out;
}

// Decodes raw bytes: the JSON, or "error: <why>".
std::string decode(const std::string& schema, const std::string& bytes) {
  auto s = compile(schema);
  AvroReader r;
  std::string out, why;
  if (!r.to_json(*s, bytes, &out, &why)) return "error: " + why;
  return out;
}

// Encodes with Avro C, decodes with the plan.
std::string round(const std::string& schema, const std::string& json) {
  return decode(schema, encode(schema, json));
}

std::string record(const std::string& fields) {
  return R"({"type":"record","name":"T","fields":[)" + fields + "]}";
}

std::string field(const std::string& name, const std::string& type) {
  return R"({"name":")" + name + R"(","type":)" + type + "}";
}

}  // namespace

TEST_CASE("issue 16: avro primitives become JSON values in field order") {
  const std::string s = record(field("n", R"("null")") + "," + field("b", R"("boolean")") + "," +
                               field("i", R"("int")") + "," + field("l", R"("long")") + "," +
                               field("f", R"("float")") + "," + field("d", R"("double")") + "," +
                               field("s", R"("string")") + "," + field("by", R"("bytes")") + "," +
                               field("e", R"({"type":"enum","name":"E","symbols":["A","B"]})") +
                               "," + field("fx", R"({"type":"fixed","name":"F","size":2})"));
  CHECK(round(s, R"({"n":null,"b":true,"i":-5,"l":1234567890123,"f":1.5,"d":0.1,)"
                 R"("s":"h\u00e9llo \"q\"\n\u0001","by":"\u0000A\u00ff","e":"B","fx":"ab"})") ==
        R"({"n":null,"b":true,"i":-5,"l":1234567890123,"f":1.5,"d":0.1,)"
        R"("s":"héllo \"q\"\n\u0001","by":"\u0000Aÿ","e":"B","fx":"ab"})");
  // Extremes of int and long; float written as the float it is (0.1f, not
  // 0.10000000149011612); false; empty string and bytes.
  CHECK(round(s, R"({"n":null,"b":false,"i":-2147483648,"l":-9223372036854775808,"f":0.1,)"
                 R"("d":-2.5e-300,"s":"","by":"","e":"A","fx":"\"\\"})") ==
        R"({"n":null,"b":false,"i":-2147483648,"l":-9223372036854775808,"f":0.1,)"
        R"("d":-2.5e-300,"s":"","by":"","e":"A","fx":"\"\\"})");
}

TEST_CASE("issue 16: avro NaN and infinities become null (JSON has none)") {
  const std::string s = record(field("f", R"("float")") + "," + field("d", R"("double")"));
  CHECK(round(s, R"({"f":"NaN","d":"Infinity"})") == R"({"f":null,"d":null})");
  CHECK(round(s, R"({"f":"-Infinity","d":"NaN"})") == R"({"f":null,"d":null})");
}

TEST_CASE("issue 16: avro arrays, maps and nested records") {
  const std::string inner =
      R"({"type":"record","name":"In","fields":[{"name":"z","type":"string"}]})";
  const std::string s =
      record(field("a", R"({"type":"array","items":"int"})") + "," +
             field("m", R"({"type":"map","values":"long"})") + "," +
             field("r", R"({"type":"record","name":"Mid","fields":[{"name":"inner","type":)" +
                            inner + "}]}") +
             "," + field("again", R"("In")") + "," +
             field("aa", R"({"type":"array","items":{"type":"array","items":"string"}})"));
  CHECK(round(s, R"({"a":[1,-2,300],"m":{"x":1,"k\"ey":-2},"r":{"inner":{"z":"q"}},)"
                 R"("again":{"z":""},"aa":[["a","b"],[]]})") ==
        R"({"a":[1,-2,300],"m":{"x":1,"k\"ey":-2},"r":{"inner":{"z":"q"}},)"
        R"("again":{"z":""},"aa":[["a","b"],[]]})");
  CHECK(round(s, R"({"a":[],"m":{},"r":{"inner":{"z":"q"}},"again":{"z":""},"aa":[]})") ==
        R"({"a":[],"m":{},"r":{"inner":{"z":"q"}},"again":{"z":""},"aa":[]})");
}

TEST_CASE("issue 16: avro unions use Avro's JSON mapping") {
  const std::string s = record(
      field("u", R"(["null","string",{"type":"record","name":"P","namespace":"com.x","fields":[)"
                 R"({"name":"v","type":"int"}]},"long",{"type":"array","items":"int"},)"
                 R"({"type":"enum","name":"Color","symbols":["RED"]}])") +
      "," + field("opt", R"(["null","double"])") + "," +
      field("list", R"({"type":"array","items":["null","int"]})"));
  CHECK(round(s, R"({"u":null,"opt":null,"list":[]})") == R"({"u":null,"opt":null,"list":[]})");
  CHECK(round(s, R"({"u":{"string":"s"},"opt":{"double":2.5},"list":[null,{"int":3}]})") ==
        R"({"u":{"string":"s"},"opt":{"double":2.5},"list":[null,{"int":3}]})");
  // A named type's key is its full name.
  CHECK(round(s, R"({"u":{"com.x.P":{"v":1}},"opt":null,"list":[]})") ==
        R"({"u":{"com.x.P":{"v":1}},"opt":null,"list":[]})");
  CHECK(round(s, R"({"u":{"long":7},"opt":null,"list":[]})") ==
        R"({"u":{"long":7},"opt":null,"list":[]})");
  CHECK(round(s, R"({"u":{"array":[1]},"opt":null,"list":[]})") ==
        R"({"u":{"array":[1]},"opt":null,"list":[]})");
  CHECK(round(s, R"({"u":{"Color":"RED"},"opt":null,"list":[]})") ==
        R"({"u":{"Color":"RED"},"opt":null,"list":[]})");
}

TEST_CASE("issue 16: avro logical types: times, dates, decimals, uuid") {
  const std::string s =
      record(field("ts", R"({"type":"long","logicalType":"timestamp-millis"})") + "," +
             field("tu", R"({"type":"long","logicalType":"timestamp-micros"})") + "," +
             field("lts", R"({"type":"long","logicalType":"local-timestamp-millis"})") + "," +
             field("ltu", R"({"type":"long","logicalType":"local-timestamp-micros"})") + "," +
             field("d", R"({"type":"int","logicalType":"date"})") + "," +
             field("tm", R"({"type":"int","logicalType":"time-millis"})") + "," +
             field("tmu", R"({"type":"long","logicalType":"time-micros"})") + "," +
             field("dec", R"({"type":"bytes","logicalType":"decimal","precision":10,"scale":2})") +
             "," + field("id", R"({"type":"string","logicalType":"uuid"})"));
  // 1704067200000 ms is 2024-01-01T00:00:00Z; 19723 days is 2024-01-01;
  // 45296 s is 12:34:56; 0x3039 is 12345.
  CHECK(round(s, R"({"ts":1704067200123,"tu":1704067200000001,"lts":1704067200000,)"
                 R"("ltu":1704067200000500,"d":19723,"tm":45296789,"tmu":45296000000,)"
                 R"("dec":"09","id":"0b7e4f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})") ==
        R"({"ts":"2024-01-01T00:00:00.123Z","tu":"2024-01-01T00:00:00.000001Z",)"
        R"("lts":"2024-01-01T00:00:00","ltu":"2024-01-01T00:00:00.000500","d":"2024-01-01",)"
        R"("tm":"12:34:56.789","tmu":"12:34:56","dec":123.45,)"
        R"("id":"0b7e4f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})");
  // Before the epoch; midnight; the smallest decimal step; zero with its scale;
  // a negative decimal (0xfb is -5).
  CHECK(round(s, R"({"ts":-1,"tu":0,"lts":-86400000,"ltu":0,"d":-1,"tm":0,"tmu":1,)"
                 R"("dec":"\u0001","id":""})") ==
        R"({"ts":"1969-12-31T23:59:59.999Z","tu":"1970-01-01T00:00:00Z",)"
        R"("lts":"1969-12-31T00:00:00","ltu":"1970-01-01T00:00:00","d":"1969-12-31",)"
        R"("tm":"00:00:00","tmu":"00:00:00.000001","dec":0.01,"id":""})");
  const std::string dec =
      record(field("a", R"({"type":"bytes","logicalType":"decimal","precision":5,"scale":3})"));
  CHECK(round(dec, R"({"a":"\u00fb"})") == R"({"a":-0.005})");
  CHECK(round(dec, R"({"a":""})") == R"({"a":0.000})");
  CHECK(round(dec, R"({"a":"\u0000"})") == R"({"a":0.000})");
  CHECK(round(dec, R"({"a":"\u00ff\u00ff"})") == R"({"a":-0.001})");
  CHECK(round(dec, R"({"a":"\u0003\u00e8"})") == R"({"a":1.000})");   // 1000
  CHECK(round(dec, R"({"a":"\u00fc\u0018"})") == R"({"a":-1.000})");  // -1000
}

TEST_CASE("issue 16: avro timestamps in sequence: one reader, seconds kept between values") {
  const std::string s =
      record(field("t", R"({"type":"long","logicalType":"timestamp-millis"})") + "," +
             field("l", R"({"type":"long","logicalType":"local-timestamp-micros"})"));
  auto schema = compile(s);
  AvroReader r;
  auto one = [&](const std::string& json) {
    std::string out, why;
    const std::string bytes = encode(s, json);
    if (!r.to_json(*schema, bytes, &out, &why)) return "error: " + why;
    return out;
  };
  CHECK(one(R"({"t":1704067200123,"l":1704067200123456})") ==
        R"({"t":"2024-01-01T00:00:00.123Z","l":"2024-01-01T00:00:00.123456"})");
  CHECK(one(R"({"t":1704067200999,"l":1704067200000000})") ==
        R"({"t":"2024-01-01T00:00:00.999Z","l":"2024-01-01T00:00:00"})");
  CHECK(one(R"({"t":1704067201000,"l":1704067199999999})") ==
        R"({"t":"2024-01-01T00:00:01Z","l":"2023-12-31T23:59:59.999999"})");
  CHECK(one(R"({"t":-1000,"l":-1001})") ==
        R"({"t":"1969-12-31T23:59:59Z","l":"1969-12-31T23:59:59.998999"})");
  CHECK(one(R"({"t":-1001,"l":0})") ==
        R"({"t":"1969-12-31T23:59:58.999Z","l":"1970-01-01T00:00:00"})");
  // Beyond year 9999 and before year 1: signed expanded years, as format_time.
  CHECK(one(R"({"t":253402300800000,"l":-62135596800000001})") ==
        R"({"t":"+10000-01-01T00:00:00Z","l":"0000-12-31T23:59:59.999999"})");
  // Out of the 64-bit microsecond range.
  CHECK(one(R"({"t":9223372036854775807,"l":0})") ==
        "error: field t: a timestamp out of range (9223372036854775807)");
}

TEST_CASE("issue 16: avro decimal in a fixed, beyond 64 bits, exact") {
  const std::string s = record(
      field("x", R"({"type":"fixed","name":"D","size":16,"logicalType":"decimal","precision":38,)"
                 R"("scale":0})"));
  // 10^30 and -2^127 as 16-byte two's complement.
  const std::string ten30("\x00\x00\x00\x0c\x9f\x2c\x9c\xd0\x46\x74\xed\xea\x40\x00\x00\x00", 16);
  CHECK(decode(s, ten30) == R"({"x":1000000000000000000000000000000})");
  std::string min(16, '\0');
  min[0] = '\x80';
  CHECK(decode(s, min) == R"({"x":-170141183460469231731687303715884105728})");
  const std::string s2 = record(
      field("x", R"({"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":4,)"
                 R"("scale":4})"));
  CHECK(decode(s2, std::string("\x00\x07", 2)) == R"({"x":0.0007})");
  CHECK(decode(s2, std::string("\x27\x0f", 2)) == R"({"x":0.9999})");  // 9999
  // A precision beyond what the fixed holds (2 bytes: 4 digits): not a decimal.
  const std::string s3 = record(
      field("x", R"({"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":5})"));
  CHECK(decode(s3, std::string("\x27\x0f", 2)) == R"({"x":"'\u000f"})");
}

TEST_CASE("issue 16: avro logical types that do not apply are ignored, as the spec says") {
  // Unknown, on the wrong type, a decimal whose scale exceeds its precision.
  const std::string s =
      record(field("a", R"({"type":"long","logicalType":"no-such"})") + "," +
             field("b", R"({"type":"string","logicalType":"timestamp-millis"})") + "," +
             field("c", R"({"type":"bytes","logicalType":"decimal","precision":2,"scale":3})") +
             "," + field("d", R"({"type":"int","logicalType":"timestamp-millis"})"));
  CHECK(round(s, R"({"a":5,"b":"x","c":"\u0001","d":7})") ==
        R"({"a":5,"b":"x","c":"\u0001","d":7})");
}

TEST_CASE("issue 16: avro recursive records and namespaces") {
  const std::string s =
      R"({"type":"record","name":"Node","namespace":"n.s","fields":[{"name":"v","type":"int"},)"
      R"({"name":"next","type":["null","Node"]},{"name":"same","type":["null","n.s.Node"]}]})";
  CHECK(round(s, R"({"v":1,"next":{"n.s.Node":{"v":2,"next":null,"same":null}},"same":null})") ==
        R"({"v":1,"next":{"n.s.Node":{"v":2,"next":null,"same":null}},"same":null})");
  // A chain deeper than the limit fails instead of overflowing the stack.
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += std::string("\x02\x02", 2);  // v=1, branch 1
  CHECK(decode(s, deep).rfind("error: ", 0) == 0);
}

TEST_CASE("issue 16: damaged avro values fail with a reason") {
  const std::string s = record(field("i", R"("int")") + "," + field("s", R"("string")") + "," +
                               field("u", R"(["null","long"])") + "," +
                               field("e", R"({"type":"enum","name":"E","symbols":["A"]})") + "," +
                               field("b", R"("boolean")"));
  const std::string good = encode(s, R"({"i":1,"s":"abc","u":{"long":5},"e":"A","b":true})");
  CHECK(decode(s, good) == R"({"i":1,"s":"abc","u":{"long":5},"e":"A","b":true})");
  // Every truncation fails (and the whole value is needed).
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::string got = decode(s, good.substr(0, n));
    INFO(n);
    CHECK(got.rfind("error: ", 0) == 0);
  }
  CHECK(decode(s, good.substr(0, 3)) ==
        "error: field s: the value ends early (a string of 3 bytes at byte 2, 1 byte left)");
  CHECK(decode(s, good + "x") ==
        "error: 1 byte left over after the value (it ends at byte 9 of 10): not written with "
        "this schema?");
  CHECK(decode(s, good + "xy").rfind("error: 2 bytes left over", 0) == 0);
  // A negative string length.
  CHECK(decode(s, std::string("\x02\x01", 2)) ==
        "error: field s: a negative length -1 (a string at byte 2)");
  // A union branch and an enum index out of range; a boolean that is not 0/1.
  CHECK(decode(s, std::string("\x02\x00\x06", 3)) ==
        "error: field u: union branch 3 at byte 3, but the union has 2");
  CHECK(decode(s, std::string("\x02\x00\x00\x04", 4)) ==
        "error: field e: enum index 2 at byte 4, but E has 1 symbols");
  CHECK(decode(s, std::string("\x02\x00\x00\x00\x02", 5)) ==
        "error: field b: a boolean byte 2 (at byte 5; 0 or 1 expected)");
  // An int beyond 32 bits; a varint of 11 bytes.
  CHECK(decode(s, std::string("\x80\x80\x80\x80\x10", 5)) ==
        "error: field i: an int out of range (2147483648)");
  CHECK(decode(s, std::string(11, '\xff')).rfind("error: field i: a varint longer than 64", 0) ==
        0);
  // A string that is not UTF-8.
  CHECK(decode(s, std::string("\x02\x02\xff\x00\x00\x00", 6)) ==
        "error: field s: a string that is not valid UTF-8 (at byte 3)");
}

TEST_CASE("issue 16: avro array counts are checked against the bytes left") {
  const std::string s = record(field("a", R"({"type":"array","items":"long"})"));
  // 2^40 items announced, 0 present: no allocation, a clear failure.
  CHECK(decode(s, std::string("\x80\x80\x80\x80\x80\x40", 6))
            .rfind("error: field a: the value "
                   "ends early (a block of",
                   0) == 0);
  // A negative count: its absolute value, then the block's size in bytes.
  CHECK(decode(s, std::string("\x03\x04\x02\x04\x00", 5)) == R"({"a":[1,2]})");
  // Two blocks.
  CHECK(decode(s, std::string("\x02\x02\x02\x04\x00", 5)) == R"({"a":[1,2]})");
  // Items that take no bytes: a bounded count.
  const std::string nulls = record(field("a", R"({"type":"array","items":"null"})"));
  CHECK(decode(nulls, std::string("\x06\x00", 2)) == R"({"a":[null,null,null]})");
  CHECK(decode(nulls, std::string("\xfe\xff\xff\xff\x0f\x00", 6))
            .rfind("error: field a: an array of more than 1048576 items", 0) == 0);
}

TEST_CASE("issue 16: random bytes never crash the avro decoder") {
  const std::string s = record(
      field("a", R"({"type":"array","items":["null","string",{"type":"map","values":"bytes"}]})") +
      "," + field("d", R"({"type":"bytes","logicalType":"decimal","precision":30,"scale":4})") +
      "," + field("t", R"({"type":"long","logicalType":"timestamp-micros"})") + "," +
      field("f", R"({"type":"fixed","name":"F","size":3})") + "," + field("x", R"("double")"));
  auto schema = compile(s);
  AvroReader r;
  std::mt19937 rng(16);
  std::string out, why, bytes;
  int ok = 0;
  auto check = [&] {
    out.clear();
    if (r.to_json(*schema, bytes, &out, &why)) {
      ++ok;
      AvroJson j;
      CHECK(AvroJson::parse(out, &j, &why));  // valid JSON whenever it decodes
    } else {
      CHECK(!why.empty());
    }
  };
  for (int i = 0; i < 20000; ++i) {  // noise
    bytes.resize(rng() % 40);
    for (auto& c : bytes) c = static_cast<char>(rng() % 8 == 0 ? 0 : rng());
    check();
  }
  // A valid value with one to three bytes changed.
  const std::string good = encode(
      s, R"({"a":[null,{"string":"x\u00e9"},{"map":{"k":"\u0001\u00ff","":""}}],"d":"\u0080",)"
         R"("t":-1,"f":"abc","x":1.5})");
  ok = 0;
  bytes = good;
  check();
  REQUIRE(ok == 1);
  for (int i = 0; i < 20000; ++i) {
    bytes = good;
    for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    check();
  }
  CHECK(ok > 0);
}

TEST_CASE("issue 16: --avro-schema files: missing, not JSON, not a schema, not a record") {
  sx_test::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    FILE* f = std::fopen(dir.file(name).c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return dir.file(name);
  };
  auto message = [](const std::string& path) -> std::string {
    try {
      sx::avro_from_schema_file(path);
    } catch (const sx::Error& e) {
      CHECK(e.exit_code() == sx::kExitUsage);
      return e.what();
    }
    return "no error";
  };
  const std::string missing = dir.file("nope.avsc");
  CHECK(message(missing).find(missing) != std::string::npos);
  const std::string notjson = write("a.avsc", "this is not json\n");
  CHECK(message(notjson).rfind("--avro-schema " + notjson + ": not an Avro schema", 0) == 0);
  const std::string badtype = write("b.avsc", R"({"type":"recurd","name":"x","fields":[]})");
  CHECK(message(badtype).rfind("--avro-schema " + badtype + ": not an Avro schema", 0) == 0);
  const std::string prim = write("c.avsc", R"("int")");
  CHECK(message(prim) == "--avro-schema " + prim +
                             ": the schema is an int, not a record (sx reads each value as one "
                             "record)");
  const std::string rec = record(field("x", R"("int")") + "," + field("y", R"("string")"));
  const std::string good = write("d.avsc", rec + "\n");
  auto dec = sx::avro_from_schema_file(good);
  std::string out = "stale", why;
  CHECK(dec->decode(encode(rec, R"({"x":42,"y":"z"})"), &out, &why));
  CHECK(out == R"({"x":42,"y":"z"})");
  CHECK_FALSE(dec->decode(std::string("\x54\x02", 2), &out, &why));
  CHECK(why == "field y: the value ends early (a string of 1 byte at byte 2, 0 bytes left)");
}

TEST_CASE("issue 16: the registry decoder checks Confluent's framing before any fetch") {
  // Nothing listens on port 1: these fail before a request is made.
  auto dec = sx::avro_from_registry("http://127.0.0.1:1", 500);
  std::string out, why;
  CHECK_FALSE(dec->decode(std::string("\x01\x00\x00\x00\x01\x02", 6), &out, &why));
  CHECK(why ==
        "magic byte 0x01, not Confluent's 0: not written by a schema-registry serializer (for "
        "plain Avro binary, give --avro-schema FILE)");
  CHECK_FALSE(dec->decode(std::string("\x00\x00", 2), &out, &why));
  CHECK(why ==
        "2 bytes: too short for Confluent's wire format (a magic byte 0 and a 4-byte schema id "
        "before the Avro data)");
  CHECK_THROWS_AS(sx::avro_from_registry("localhost:8081", 500), sx::Error);
}

namespace {

// The stand-in registry, started from build/bin next to this test binary.
struct Registry {
  pid_t pid = -1;
  int in = -1;  // its stdin: closing it stops it
  std::string url;

  explicit Registry(const std::string& dir, const std::vector<std::string>& extra = {}) {
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    REQUIRE(n > 0);
    std::string bin(self, static_cast<std::size_t>(n));
    bin = bin.substr(0, bin.rfind('/')) + "/sx_test_schema_registry";
    INFO("build it: cmake --build build --target sx_test_schema_registry");
    REQUIRE(::access(bin.c_str(), X_OK) == 0);
    int to[2], from[2];
    REQUIRE(::pipe2(to, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(from, O_CLOEXEC) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::dup2(to[0], 0);
      ::dup2(from[1], 1);
      std::vector<std::string> args = {bin, "--dir", dir};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(to[0]);
    ::close(from[1]);
    in = to[1];
    char c;
    while (::read(from[0], &c, 1) == 1 && c != '\n') url += c;
    ::close(from[0]);
    REQUIRE(url.rfind("http://127.0.0.1:", 0) == 0);
  }
  ~Registry() {
    ::close(in);
    int status;
    ::waitpid(pid, &status, 0);
  }
  // GET /stats: the schema requests it served.
  int stats() {
    CURL* c = curl_easy_init();
    REQUIRE(c);
    std::string body;
    const std::string u = url + "/stats";
    curl_easy_setopt(c, CURLOPT_URL, u.c_str());
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t size, std::size_t k, void* b) {
          static_cast<std::string*>(b)->append(d, size * k);
          return size * k;
        });
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    const CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    REQUIRE(rc == CURLE_OK);
    return std::atoi(body.c_str());
  }
};

std::string framed(std::int32_t id, const std::string& avro) {
  std::string v(1, '\0');
  for (int shift = 24; shift >= 0; shift -= 8) v.push_back(static_cast<char>((id >> shift) & 0xff));
  return v + avro;
}

}  // namespace

TEST_CASE("issue 16: values through the registry stand-in: one GET for many values") {
  sx_test::TempDir dir;
  const std::string rec = R"({"type":"record","name":"Ad","namespace":"ads","fields":[)"
                          R"({"name":"ad_id","type":"string"},{"name":"ts","type":)"
                          R"({"type":"long","logicalType":"timestamp-millis"}},)"
                          R"({"name":"clicks","type":["null","int"]}]})";
  auto write = [&](const std::string& name, const std::string& text) {
    FILE* f = std::fopen(dir.file(name).c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  write("1.avsc", rec + "\n");
  write("2.avsc", R"("string")");
  write("3.avsc", "{not json");
  Registry reg(dir.path);
  auto dec = sx::avro_from_registry(reg.url, 2000);
  std::string out, why;
  for (int i = 0; i < 100; ++i) {
    const std::string v = framed(
        1, encode(rec, R"({"ad_id":"a)" + std::to_string(i) +
                           R"(","ts":1704067200000,"clicks":{"int":)" + std::to_string(i) + "}}"));
    REQUIRE(dec->decode(v, &out, &why));
    CHECK(out == R"({"ad_id":"a)" + std::to_string(i) +
                     R"(","ts":"2024-01-01T00:00:00Z","clicks":{"int":)" + std::to_string(i) +
                     "}}");
  }
  CHECK(reg.stats() == 1);
  // An unknown id: Confluent's 404 body in the reason; asked once.
  CHECK_FALSE(dec->decode(framed(7, "x"), &out, &why));
  CHECK(why == "schema registry " + reg.url +
                   ": GET /schemas/ids/7: HTTP 404: Schema not found (error 40403) (no schema "
                   "with id 7: was the value written with another registry?)");
  CHECK_FALSE(dec->decode(framed(7, "x"), &out, &why));
  CHECK(reg.stats() == 2);
  // A schema that is not a record; one that is not a schema.
  CHECK_FALSE(dec->decode(framed(2, "\x02x"), &out, &why));
  CHECK(why == "schema id 2 from " + reg.url + " is a string, not a record: sx reads records");
  CHECK_FALSE(dec->decode(framed(3, "\x02x"), &out, &why));
  CHECK(why.rfind("schema id 3 from " + reg.url + " is not an Avro schema", 0) == 0);
  // Back to id 1 after the others: still cached.
  CHECK(dec->decode(framed(1, encode(rec, R"({"ad_id":"z","ts":0,"clicks":null})")), &out, &why));
  CHECK(out == R"({"ad_id":"z","ts":"1970-01-01T00:00:00Z","clicks":null})");
  CHECK(reg.stats() == 4);
  // A damaged body after a good header.
  CHECK_FALSE(dec->decode(framed(1, "\x02"), &out, &why));
  CHECK(why.rfind("field ad_id: the value ends early", 0) == 0);
}

TEST_CASE("issue 16: the registry client retries, then names the URL and the error") {
  sx_test::TempDir dir;
  {
    FILE* f = std::fopen(dir.file("1.avsc").c_str(), "w");
    REQUIRE(f);
    std::fputs(R"({"type":"record","name":"R","fields":[{"name":"x","type":"int"}]})", f);
    std::fclose(f);
  }
  SUBCASE("two 500s, then the schema (three attempts)") {
    Registry reg(dir.path, {"--fail", "2"});
    auto dec = sx::avro_from_registry(reg.url, 2000);
    std::string out, why;
    CHECK(dec->decode(framed(1, "\x54"), &out, &why));
    CHECK(out == R"({"x":42})");
    CHECK(reg.stats() == 3);
  }
  SUBCASE("three 500s: a failure, not cached") {
    Registry reg(dir.path, {"--fail", "3"});
    auto dec = sx::avro_from_registry(reg.url, 2000);
    std::string out, why;
    CHECK_FALSE(dec->decode(framed(1, "\x54"), &out, &why));
    CHECK(why == "schema registry " + reg.url +
                     ": GET /schemas/ids/1 failed after 3 attempts: HTTP 500 (is the registry "
                     "up, and is --schema-registry its URL?)");
    CHECK(dec->decode(framed(1, "\x54"), &out, &why));  // asked again: the registry is back
    CHECK(reg.stats() == 4);
  }
  SUBCASE("nothing listening") {
    auto dec = sx::avro_from_registry("http://127.0.0.1:1/", 500);
    std::string out, why;
    CHECK_FALSE(dec->decode(framed(1, "\x54"), &out, &why));
    CHECK(why.rfind("schema registry http://127.0.0.1:1: GET /schemas/ids/1 failed after 3 "
                    "attempts: ",
                    0) == 0);
  }
  SUBCASE("basic authentication from the URL; the password never in a message") {
    Registry reg(dir.path, {"--auth", "ads-reader:s3cr%t"});
    const std::string hostport = reg.url.substr(7);
    auto dec = sx::avro_from_registry("http://ads-reader:s3cr%25t@" + hostport, 2000);
    std::string out, why;
    CHECK(dec->decode(framed(1, "\x54"), &out, &why));
    CHECK(out == R"({"x":42})");
    auto wrong = sx::avro_from_registry("http://ads-reader:nope@" + hostport, 2000);
    CHECK_FALSE(wrong->decode(framed(1, "\x54"), &out, &why));
    CHECK(why == "schema registry " + reg.url +
                     ": GET /schemas/ids/1: HTTP 401: Unauthorized (error 401) (give the "
                     "credentials in the URL: https://USER:PASSWORD@host:port)");
    CHECK(why.find("nope") == std::string::npos);
  }
}

TEST_CASE("issue 16: avro decode speed (6-field record)" * doctest::skip()) {
  const std::string s = R"({"type":"record","name":"Ad","fields":[)"
                        R"({"name":"ad_id","type":"string"},)"
                        R"({"name":"user_id","type":"long"},)"
                        R"({"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},)"
                        R"({"name":"price","type":"double"},)"
                        R"({"name":"country","type":["null","string"]},)"
                        R"({"name":"clicks","type":"int"}]})";
  // 1000 values, their timestamps 7 ms apart (a new second every 143 values).
  std::vector<std::string> vs;
  for (int i = 0; i < 1000; ++i) {
    vs.push_back(encode(s, R"({"ad_id":"ad-)" + std::to_string(100000 + i) +
                               R"(","user_id":987654321,"ts":)" +
                               std::to_string(1704067200123 + 7 * i) +
                               R"(,"price":0.25,"country":{"string":"FR"},"clicks":7})"));
  }
  auto dec = sx::avro_from_schema_file([&] {
    static sx_test::TempDir dir;
    FILE* f = std::fopen(dir.file("ad.avsc").c_str(), "w");
    std::fputs(s.c_str(), f);
    std::fclose(f);
    return dir.file("ad.avsc");
  }());
  std::string out, why;
  const int n = 1000000;
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    dec->decode(vs[static_cast<std::size_t>(i % 1000)], &out, &why);
    bytes += out.size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE(out);
  MESSAGE(n << " values in " << secs << " s: " << n / secs << " values/s (" << bytes
            << " bytes of JSON)");
}
