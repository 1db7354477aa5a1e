// Checkpoint files: round trips, every kind of damage (empty, truncated at
// every length, every single-byte flip, bad magic, newer format), fingerprint
// refusals with their exact messages, crash atomicity through the SX_FAULT
// hook, and the bounds checks of the payload reader.
#include "io/checkpoint_file.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>

#include "base/error.h"
#include "test_files.h"

namespace fs = std::filesystem;
using sx::CheckpointMeta;
using sx::Error;

namespace {

using sx_test::slurp;
using sx_test::spit;
using sx_test::TempDir;

CheckpointMeta sample_meta() {
  return {"sx-window", 42, {{"tumbling", "5m"}, {"by", "event_type"}, {"agg", "count"}}};
}

// The message of the sx::Error that `f` throws; fails the test when it throws
// nothing or an Error of another kind.
template <typename F>
std::string error_of(F&& f, Error::Kind kind = Error::Kind::kData) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(static_cast<int>(e.kind()) == static_cast<int>(kind));
    return e.what();
  }
  FAIL("no sx::Error thrown");
  return "";
}

std::string read_error(const std::string& path) {
  return error_of([&] { (void)sx::read_checkpoint_file(path); });
}

void set_u32(std::string* bytes, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) (*bytes)[at + i] = static_cast<char>(v >> (8 * i));
}

constexpr const char* kDash = "\xE2\x80\x94";

}  // namespace

TEST_CASE("checkpoint crc32c: the standard check value, and extension") {
  CHECK(sx::crc32c("123456789") == 0xE3069283u);
  CHECK(sx::crc32c("") == 0u);
  const std::string s = "the quick brown fox jumps over the lazy dog, twice over";
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {
    CHECK(sx::crc32c(std::string_view(s).substr(cut),
                     sx::crc32c(std::string_view(s).substr(0, cut))) == sx::crc32c(s));
  }
}

TEST_CASE("checkpoint crc32c: equals a bit-at-a-time reference at every length and alignment") {
  // The definition itself, one bit at a time: whatever crc32c uses (SSE4.2
  // or tables) must agree with it.
  const auto reference = [](std::string_view d) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (const char ch : d) {
      c ^= static_cast<unsigned char>(ch);
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
    }
    return ~c;
  };
  std::string data;
  std::uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) data += static_cast<char>((x = x * 1103515245 + 12345) >> 16);
  for (std::size_t at = 0; at < 9; ++at) {
    for (std::size_t n = 0; at + n <= data.size(); n += 7) {
      const std::string_view d = std::string_view(data).substr(at, n);
      REQUIRE(sx::crc32c(d) == reference(d));
    }
  }
}

TEST_CASE("checkpoint file: round trips keep metadata and payload exactly") {
  TempDir dir;
  const std::string path = dir.file("state");
  std::mt19937_64 rng(7);

  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  binary += std::string("\0\0\xff\n\r", 5);

  std::string random_10mb(10u << 20, '\0');
  for (char& c : random_10mb) c = static_cast<char>(rng());
  std::string text_10mb;
  while (text_10mb.size() < (10u << 20)) {
    text_10mb += "{\"event_type\":\"view\",\"n\":" + std::to_string(rng() % 1000) + "}\n";
  }

  for (const std::string* payload : {&binary, &random_10mb, &text_10mb}) {
    for (const CheckpointMeta& meta :
         {sample_meta(), CheckpointMeta{"", -1, {}},
          CheckpointMeta{"sx-dedup",
                         std::numeric_limits<std::int64_t>::min(),
                         {{"key", std::string("a\0b", 3)}, {"within-watermark", ""}}}}) {
      sx::write_checkpoint_file(path, meta, *payload);
      const auto got = sx::read_checkpoint_file(path);
      REQUIRE(got.has_value());
      CHECK(got->meta.writer == meta.writer);
      CHECK(got->meta.epoch == meta.epoch);
      CHECK(got->meta.fingerprint == meta.fingerprint);
      CHECK(got->payload == *payload);
    }
  }
  // Every level and durability writes the same readable file (the level
  // changes only the zstd frame; kAtCommit leaves the syncs to the sink).
  for (const int level : {sx::kCompressionLevel, sx::kBulkCompressionLevel}) {
    for (const auto d : {sx::Durability::kNow, sx::Durability::kAtCommit}) {
      sx::write_checkpoint_file(path, sample_meta(), text_10mb, level, d);
      const auto got = sx::read_checkpoint_file(path);
      REQUIRE(got.has_value());
      CHECK(got->payload == text_10mb);
      CHECK(fs::file_size(path) < text_10mb.size() / 2);
    }
  }
  sx::sync_file_system(dir.path);
  CHECK_THROWS_WITH(sx::sync_file_system(dir.file("absent")), doctest::Contains("absent"));
  // Compressed: the repetitive 10 MB take far less room.
  sx::write_checkpoint_file(path, sample_meta(), text_10mb);
  CHECK(fs::file_size(path) < text_10mb.size() / 4);

  sx::write_checkpoint_file(path, sample_meta(), "");
  const auto empty = sx::read_checkpoint_file(path);
  REQUIRE(empty.has_value());
  CHECK(empty->payload.empty());
  CHECK(empty->meta.epoch == 42);

  // Nothing but the file is left behind.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("checkpoint file: a missing file is no checkpoint yet, not an error") {
  TempDir dir;
  CHECK_FALSE(sx::read_checkpoint_file(dir.file("state")).has_value());
  CHECK_FALSE(sx::read_checkpoint_file(dir.file("nodir/state")).has_value());
}

TEST_CASE("checkpoint file: the layout starts with the documented prelude") {
  TempDir dir;
  const std::string path = dir.file("state");
  sx::write_checkpoint_file(path, sample_meta(), "abc");
  const std::string b = slurp(path);
  REQUIRE(b.size() > 40);
  CHECK(b.substr(0, 4) == "SXCK");
  CHECK(b.substr(4, 4) == std::string("\x01\0\0\0", 4));  // format 1, little-endian
  std::uint64_t size = 0;
  for (int i = 7; i >= 0; --i) size = size << 8 | static_cast<unsigned char>(b[8 + i]);
  CHECK(size == b.size());
  std::string crc(4, '\0');
  set_u32(&crc, 0, sx::crc32c(std::string_view(b).substr(0, 16)));
  CHECK(b.substr(16, 4) == crc);
  set_u32(&crc, 0, sx::crc32c(std::string_view(b).substr(0, b.size() - 4)));
  CHECK(b.substr(b.size() - 4) == crc);
}

TEST_CASE("checkpoint file: empty and truncated files are refused at every length") {
  TempDir dir;
  const std::string path = dir.file("state");
  const std::string bad = dir.file("bad");
  sx::write_checkpoint_file(path, sample_meta(), "some state bytes, some state bytes");
  const std::string good = slurp(path);
  const std::string advice = "; it was not written by a complete checkpoint " + std::string(kDash) +
                             " restore it or start over with a new --checkpoint directory";

  spit(bad, "");
  CHECK(read_error(bad) == "checkpoint " + bad + " is empty" + advice);

  spit(bad, good.substr(0, 3));
  CHECK(read_error(bad) ==
        "checkpoint " + bad + " is truncated (3 bytes, less than its 20-byte header)" + advice);

  for (const std::size_t n : {std::size_t{25}, good.size() / 2, good.size() - 1}) {
    spit(bad, good.substr(0, n));
    CHECK(read_error(bad) == "checkpoint " + bad + " is truncated (" + std::to_string(n) + " of " +
                                 std::to_string(good.size()) + " bytes)" + advice);
  }

  for (std::size_t n = 0; n < good.size(); ++n) {
    spit(bad, good.substr(0, n));
    const std::string m = read_error(bad);
    CHECK_MESSAGE(m.find("checkpoint " + bad + " is ") == 0, m);
  }

  spit(bad, good + "x");
  CHECK(read_error(bad) == "checkpoint " + bad + " is damaged (it is " +
                               std::to_string(good.size() + 1) +
                               " bytes long; its header records " + std::to_string(good.size()) +
                               "); restore it or start over with a new --checkpoint directory");
}

TEST_CASE("checkpoint file: every flipped byte is detected") {
  TempDir dir;
  const std::string path = dir.file("state");
  const std::string bad = dir.file("bad");
  sx::write_checkpoint_file(path, {"sx-dedup", 3, {{"key", "id"}}}, "k1k2k3");
  const std::string good = slurp(path);
  REQUIRE(good.size() < 200);
  std::mt19937 rng(1);
  int detected = 0;
  for (std::size_t pos = 0; pos < good.size(); ++pos) {
    for (const unsigned mask : {0x01u, 0x80u, 0xFFu, static_cast<unsigned>(1 + rng() % 255)}) {
      std::string b = good;
      b[pos] = static_cast<char>(static_cast<unsigned char>(b[pos]) ^ mask);
      spit(bad, b);
      const std::string m = read_error(bad);
      const bool named = m.find("checkpoint " + bad + " ") == 0;
      CHECK_MESSAGE(named, "byte ", pos, " mask ", mask, ": ", m);
      if (named) ++detected;
    }
  }
  CHECK(detected == static_cast<int>(4 * good.size()));

  std::string zero_crc = good;
  set_u32(&zero_crc, good.size() - 4, 0);  // the stored CRC itself
  spit(bad, zero_crc);
  CHECK(read_error(bad).find("is damaged (checksum mismatch: stored 0x00000000, computed 0x") !=
        std::string::npos);
}

TEST_CASE("checkpoint file: bad magic and newer formats are refused with what to do") {
  TempDir dir;
  const std::string path = dir.file("state");
  sx::write_checkpoint_file(path, sample_meta(), "x");
  const std::string good = slurp(path);

  spit(path, "{\"not\":\"a checkpoint\"}\n");
  CHECK(read_error(path) ==
        "checkpoint " + path +
            " is not an sx checkpoint file (it does not start with \"SXCK\"); restore it or "
            "start over with a new --checkpoint directory");
  spit(path, "SXCx" + good.substr(4));
  CHECK(read_error(path).find("is not an sx checkpoint file") != std::string::npos);

  // A format-7 file with a valid prelude: newer, not damaged.
  std::string newer = good;
  set_u32(&newer, 4, 7);
  set_u32(&newer, 16, sx::crc32c(std::string_view(newer).substr(0, 16)));
  spit(path, newer);
  CHECK(read_error(path) ==
        "checkpoint " + path +
            " was written by a newer sx (format 7, this sx reads up to 1); upgrade sx or start "
            "over with a new --checkpoint directory");
  // ...even when the rest is of a layout this sx does not know.
  spit(path, newer.substr(0, 20) + "future layout");
  CHECK(read_error(path).find("was written by a newer sx (format 7") != std::string::npos);

  // The same bytes with the prelude checksum left stale: a damaged header.
  set_u32(&newer, 16, sx::crc32c(std::string_view(good).substr(0, 16)));
  spit(path, newer);
  CHECK(read_error(path) == "checkpoint " + path +
                                " is damaged (header checksum mismatch); restore it or start "
                                "over with a new --checkpoint directory");
}

TEST_CASE("checkpoint file: a write replaces the old file; an unwritable place is an io error") {
  TempDir dir;
  const std::string path = dir.file("state");
  sx::write_checkpoint_file(path, sample_meta(), "old");
  CheckpointMeta next = sample_meta();
  next.epoch = 43;
  sx::write_checkpoint_file(path, next, "new");
  const auto got = sx::read_checkpoint_file(path);
  REQUIRE(got.has_value());
  CHECK(got->meta.epoch == 43);
  CHECK(got->payload == "new");

  const std::string m =
      error_of([&] { sx::write_checkpoint_file(dir.file("no/such/dir/state"), next, "x"); },
               Error::Kind::kIo);
  CHECK(m.find("cannot create checkpoint " + dir.file("no/such/dir/.state.tmp.")) == 0);
}

TEST_CASE("checkpoint file: a crash before the rename leaves the old file (SX_FAULT)") {
  TempDir dir;
  const std::string path = dir.file("state");
  sx::write_checkpoint_file(path, sample_meta(), "epoch 42 state");

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::setenv("SX_FAULT", "other-point,ckpt-before-rename", 1);
    try {
      sx::write_checkpoint_file(path, {"sx-window", 43, {}}, "epoch 43 state");
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(1);  // the hook did not fire
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  // The old checkpoint is intact and the crash left a complete temp file,
  // which readers ignore.
  const std::string tmp = dir.file(".state.tmp." + std::to_string(child));
  REQUIRE(fs::exists(tmp));
  const auto old = sx::read_checkpoint_file(path);
  REQUIRE(old.has_value());
  CHECK(old->meta.epoch == 42);
  CHECK(old->payload == "epoch 42 state");
  const auto in_tmp = sx::read_checkpoint_file(tmp);
  REQUIRE(in_tmp.has_value());
  CHECK(in_tmp->payload == "epoch 43 state");

  // A half-written temp file (a crash during the write) does not matter either,
  // and the next write goes through.
  spit(dir.file(".state.tmp.999999"), "SXCK\x01");
  CHECK(sx::read_checkpoint_file(path)->payload == "epoch 42 state");
  sx::write_checkpoint_file(path, {"sx-window", 43, {}}, "epoch 43 state");
  CHECK(sx::read_checkpoint_file(path)->meta.epoch == 43);
}

TEST_CASE("checkpoint fingerprint: the first difference is named as flags") {
  const std::string path = "ck/sx-window/state";
  const CheckpointMeta saved = sample_meta();
  const std::string tail =
      ". Resume with the same flags, or start over: remove ck (or use sx-read --reset)";
  auto refusal = [&](const sx::Fingerprint& now) {
    return error_of([&] { sx::check_fingerprint(path, saved, now, "ck"); }, Error::Kind::kUsage);
  };

  CHECK_NOTHROW(sx::check_fingerprint(path, saved, saved.fingerprint, "ck"));
  // Different names may come in another order.
  CHECK_NOTHROW(sx::check_fingerprint(
      path, saved, {{"agg", "count"}, {"tumbling", "5m"}, {"by", "event_type"}}, "ck"));

  CHECK(refusal({{"tumbling", "10m"}, {"by", "event_type"}, {"agg", "count"}}) ==
        "checkpoint ck/sx-window/state was made with --tumbling 5m; this run has --tumbling 10m" +
            tail);
  CHECK(refusal({{"tumbling", "5m"}, {"agg", "count"}}) ==
        "checkpoint ck/sx-window/state was made with --by event_type; this run has no --by" + tail);
  CHECK(refusal({{"tumbling", "5m"}, {"by", "event_type"}, {"agg", "count"}, {"offset", "1m"}}) ==
        "checkpoint ck/sx-window/state was made without --offset; this run has --offset 1m" + tail);
  // The first difference in the saved order wins.
  CHECK(refusal({{"tumbling", "1h"}, {"by", "user_id"}}) ==
        "checkpoint ck/sx-window/state was made with --tumbling 5m; this run has --tumbling 1h" +
            tail);
  // Repeated flags compare as ordered lists; valueless flags and odd values render as typed.
  CHECK(refusal({{"tumbling", "5m"}, {"by", "event_type"}, {"agg", "count"}, {"agg", "sum:v"}}) ==
        "checkpoint ck/sx-window/state was made with --agg count; this run has --agg count --agg "
        "sum:v" +
            tail);
  const CheckpointMeta flags{"sx-dedup", 1, {{"key", "a b"}, {"within-watermark", ""}}};
  CHECK(error_of(
            [&] {
              sx::check_fingerprint(path, flags, {{"key", "a b"}}, "ck");
            },
            Error::Kind::kUsage) ==
        "checkpoint ck/sx-window/state was made with --within-watermark; this run has no "
        "--within-watermark" +
            tail);
  CHECK(error_of(
            [&] {
              sx::check_fingerprint(path, flags, {{"key", "it's"}}, "ck");
            },
            Error::Kind::kUsage) ==
        "checkpoint ck/sx-window/state was made with --key 'a b'; this run has --key 'it'\\''s'" +
            tail);
}

TEST_CASE("checkpoint payload: writer and reader round trip; reading past the end throws") {
  sx::PayloadWriter w;
  w.put_u8(0xAB);
  w.put_u32(0xDEADBEEF);
  w.put_u64(std::numeric_limits<std::uint64_t>::max());
  w.put_i64(-5);
  w.put_f64(0.1);
  w.put_string(std::string("k\0y", 3));
  w.put_string("");
  w.put_u64(2);  // a count
  w.put_bytes("RAW");
  CHECK(w.bytes().size() == 1 + 4 + 8 + 8 + 8 + 11 + 8 + 8 + 3);
  CHECK(w.bytes().substr(1, 4) == "\xEF\xBE\xAD\xDE");  // little-endian

  const std::string bytes = w.take();
  sx::PayloadReader r(bytes, "checkpoint ck/x/state");
  CHECK(r.get_u8() == 0xAB);
  CHECK(r.get_u32() == 0xDEADBEEFu);
  CHECK(r.get_u64() == std::numeric_limits<std::uint64_t>::max());
  CHECK(r.get_i64() == -5);
  CHECK(r.get_f64() == 0.1);
  CHECK(r.get_string() == std::string_view("k\0y", 3));
  CHECK(r.get_string().empty());
  CHECK(r.get_count(1) == 2);
  CHECK(r.get_bytes(3) == "RAW");
  CHECK_NOTHROW(r.expect_end());
  CHECK(r.remaining() == 0);
  const std::string suffix = "; it was written by an incompatible sx " + std::string(kDash) +
                             " start over with a new --checkpoint directory";
  CHECK(error_of([&] { r.get_u8(); }) ==
        "checkpoint ck/x/state is malformed (a u8 of 1 bytes at offset 59, but 0 are left)" +
            suffix);

  // Short reads of each kind, never past the end.
  const std::string three = "abc";
  for (int kind = 0; kind < 5; ++kind) {
    sx::PayloadReader s(three);
    CHECK_THROWS_AS(
        [&] {
          switch (kind) {
            case 0:
              return (void)s.get_u32();
            case 1:
              return (void)s.get_u64();
            case 2:
              return (void)s.get_i64();
            case 3:
              return (void)s.get_f64();
            default:
              return (void)s.get_bytes(4);
          }
        }(),
        Error);
    CHECK(s.position() == 0);
  }

  // A string or count longer than the data left.
  sx::PayloadWriter lie;
  lie.put_string("abcdef");
  std::string cut = lie.bytes().substr(0, 10);
  sx::PayloadReader s(cut);
  CHECK(error_of([&] { s.get_string(); }) ==
        "checkpoint payload is malformed (a string of 6 bytes at offset 8, but 2 are left)" +
            suffix);
  sx::PayloadWriter count;
  count.put_u64(std::uint64_t{1} << 60);
  count.put_u64(0);
  sx::PayloadReader c(count.bytes());
  CHECK(error_of([&] { c.get_count(8); }) ==
        "checkpoint payload is malformed (a count of 1152921504606846976 at offset 0, but 8 bytes "
        "are left)" +
            suffix);
  sx::PayloadReader e(count.bytes());
  e.get_u64();
  CHECK(error_of([&] { e.expect_end(); }) ==
        "checkpoint payload is malformed (8 unread bytes at offset 8)" + suffix);
}
