// Regression tests for what the fuzz targets (tests/fuzz/) found.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/event_time.h"
#include "io/checkpoint_file.h"
#include "io/json.h"
#include "test_files.h"

namespace {

void put_le(std::string* s, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}

}  // namespace

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

TEST_CASE("issue 12: fuzz: a checkpoint's size fields cannot make the reader allocate a terabyte") {
  // fuzz_checkpoint (mode 1, checksums set right): the payload size and the
  // zstd frame's content size agree on 2^40 bytes, and the frame holds one
  // empty block. The reader must call that damage, not allocate 1 TiB first
  // (std::bad_alloc, or a process the kernel kills).
  const std::uint64_t huge = std::uint64_t{1} << 40;
  std::string meta;
  put_le(&meta, 9, 8);
  meta += "sx-window";
  put_le(&meta, 0, 8);                         // epoch
  put_le(&meta, 0, 8);                         // no fingerprint
  std::string frame = "\x28\xB5\x2F\xFD\xE0";  // magic; 8-byte content size, single segment
  put_le(&frame, huge, 8);
  frame += std::string("\x01\x00\x00", 3);  // the last block: raw, empty
  std::string image = "SXCK";
  put_le(&image, 1, 4);  // format
  const std::uint64_t size = 20 + 8 + meta.size() + 8 + frame.size() + 4;
  put_le(&image, size, 8);
  put_le(&image, sx::crc32c(image), 4);
  put_le(&image, meta.size(), 8);
  image += meta;
  put_le(&image, huge, 8);
  image += frame;
  put_le(&image, sx::crc32c(image), 4);
  REQUIRE(image.size() == size);

  sx_test::TempDir dir;
  sx_test::spit(dir.file("7"), image);
  try {
    (void)sx::read_checkpoint_file(dir.file("7"));
    FAIL("no error");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kData);
    CHECK(std::string(e.what()).find("is damaged") != std::string::npos);
  }
}

TEST_CASE("issue 12: fuzz: format_time at the ends of int64 (no overflow, UBSan clean)") {
  // fuzz_checkpoint (an sx-read position with a damaged watermark): days *
  // kMicrosPerDay overflowed for a time within a day of INT64_MIN. Java's
  // Instant gives -290308-12-21T19:59:05.224192Z for Long.MIN_VALUE micros.
  CHECK(sx::format_time(sx::EventTime{std::numeric_limits<sx::Micros>::min() + 1}) ==
        "-290308-12-21T19:59:05.224193Z");
  CHECK(sx::format_time(sx::EventTime{std::numeric_limits<sx::Micros>::max() - 1}) ==
        "+294247-01-10T04:00:54.775806Z");
  CHECK(sx::format_time(sx::EventTime{-1}) == "1969-12-31T23:59:59.999999Z");
  CHECK(sx::format_time(sx::EventTime{-sx::kMicrosPerDay}) == "1969-12-31T00:00:00Z");
}
