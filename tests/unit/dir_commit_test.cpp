// The directory sink's commit record (sink/dir_commit.h): a round trip keeps
// everything; every truncation, trailing bytes, an unknown layout or mode,
// and paths that leave the output directory are refused, never published.
#include "sink/dir_commit.h"

#include <doctest/doctest.h>

#include <string>

#include "base/error.h"

namespace {

const std::string kWhat = "commit ck/_commits/3";

std::string refusal(std::string_view payload) {
  try {
    (void)sx::decode_dir_commit(payload, kWhat);
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kData);
    return e.what();
  }
  FAIL("decoded");
  return "";
}

sx::DirCommit sample() {
  sx::DirCommit c;
  c.settings = {{"mode", "complete"}, {"compress", "zstd"}, {"partition-by", "a.b"}};
  c.mode = sx::SinkMode::kComplete;
  c.files = {
      {"epoch-3/snapshot/a.b=x/part-00000003.ndjson.zst", "current/a.b=x/part-00000003.ndjson.zst"},
      {"epoch-3/snapshot/a.b=__HIVE_DEFAULT_PARTITION__/part-00000003.ndjson.zst",
       "current/a.b=__HIVE_DEFAULT_PARTITION__/part-00000003.ndjson.zst"}};
  return c;
}

}  // namespace

TEST_CASE("issue 12: dir commit record round trips, empty or not, in every mode") {
  for (const auto mode : {sx::SinkMode::kAppend, sx::SinkMode::kUpdate, sx::SinkMode::kComplete}) {
    sx::DirCommit c = sample();
    c.mode = mode;
    const sx::DirCommit back = sx::decode_dir_commit(sx::encode_dir_commit(c), kWhat);
    CHECK(back.settings == c.settings);
    CHECK(back.mode == mode);
    CHECK(back.files == c.files);
  }
  const sx::DirCommit none = sx::decode_dir_commit(sx::encode_dir_commit(sx::DirCommit{}), kWhat);
  CHECK(none.settings.empty());
  CHECK(none.mode == sx::SinkMode::kAppend);
  CHECK(none.files.empty());
}

TEST_CASE("issue 12: dir commit record layout is the documented one") {
  sx::DirCommit c;
  c.settings = {{"mode", "update"}};
  c.mode = sx::SinkMode::kUpdate;
  c.files = {{"epoch-0/s-000000.ndjson", "part-00000000.ndjson"}};
  sx::PayloadWriter w;
  w.put_u64(0x32764B4E49535853);  // "SXSINKv2"
  w.put_u64(1);
  w.put_string("mode");
  w.put_string("update");
  w.put_u8(1);
  w.put_u64(1);
  w.put_string("epoch-0/s-000000.ndjson");
  w.put_string("part-00000000.ndjson");
  CHECK(sx::encode_dir_commit(c) == w.bytes());
  CHECK(w.bytes().substr(0, 8) == "SXSINKv2");
}

TEST_CASE("issue 12: a damaged dir commit record is refused at every length") {
  const std::string good = sx::encode_dir_commit(sample());
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::string m = refusal(good.substr(0, n));
    CHECK(m.starts_with(kWhat));
  }
  CHECK(refusal(good + "x").starts_with(kWhat + " is malformed"));
  std::string bad_mode = sx::encode_dir_commit(sx::DirCommit{{}, sx::SinkMode::kAppend, {}});
  bad_mode[16] = 7;  // tag, zero settings, then the mode byte
  CHECK(refusal(bad_mode) == kWhat +
                                 " names an unknown output mode (7); was it written by a "
                                 "newer sx?");
  sx::PayloadWriter w;
  w.put_u64(2);
  CHECK(refusal(w.bytes()) == kWhat +
                                  " is not a commit of sx-sink --path (unknown layout); start "
                                  "over with a new --checkpoint directory");
}

TEST_CASE("issue 12: a dir commit record naming a path outside the output is refused") {
  for (const std::string path :
       {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "a/"}) {
    sx::DirCommit c;
    c.files = {{"epoch-0/s-000000.ndjson", path}};
    CHECK(refusal(sx::encode_dir_commit(c)) ==
          kWhat + " names the path '" + path +
              "', which is not inside the output directory; start over with a new "
              "--checkpoint directory");
    c.files = {{path, "part-00000000.ndjson"}};
    CHECK(refusal(sx::encode_dir_commit(c)).find("names the path '" + path + "'") !=
          std::string::npos);
  }
}

TEST_CASE("issue 12: the first --path sink's commit decodes as append with its names") {
  sx::PayloadWriter w;
  w.put_u64(1);
  w.put_string("part-00000004.ndjson");
  const sx::DirCommit c = sx::decode_dir_commit(w.bytes(), kWhat);
  CHECK(c.mode == sx::SinkMode::kAppend);
  CHECK(c.settings == sx::Fingerprint{{"mode", "append"}});
  CHECK(c.files == std::vector<std::pair<std::string, std::string>>{
                       {"part-00000004.ndjson", "part-00000004.ndjson"}});
  sx::PayloadWriter empty;
  empty.put_u64(0);
  CHECK(sx::decode_dir_commit(empty.bytes(), kWhat).files.empty());
}
