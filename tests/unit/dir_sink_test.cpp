// The directory sink (sx-sink --path): the partition-value sanitiser (examples
// and a fuzz test: no value makes an unsafe path component, and every value
// decodes back), partitioned and compressed output with more partitions than
// open files, complete mode's atomic snapshot (RENAME_EXCHANGE and the two-step
// fallback), crash recovery through the SX_FAULT points, replays, changed flags,
// bad records and the commit layout of the first --path sink.
#include "sink/dir_sink.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>

#include "base/error.h"
#include "stream/bad_input.h"
#include "stream/checkpoint.h"
#include "test_files.h"

namespace fs = std::filesystem;

namespace {

using sx_test::slurp;
using sx_test::spit;
using sx_test::TempDir;

std::string unzstd(const std::string& bytes, int* frames = nullptr) {
  std::string out;
  std::size_t pos = 0;
  int n = 0;
  while (pos < bytes.size()) {
    const std::size_t size = ZSTD_findFrameCompressedSize(bytes.data() + pos, bytes.size() - pos);
    REQUIRE(!ZSTD_isError(size));
    const unsigned long long content = ZSTD_getFrameContentSize(bytes.data() + pos, size);
    REQUIRE(content != ZSTD_CONTENTSIZE_ERROR);
    REQUIRE(content != ZSTD_CONTENTSIZE_UNKNOWN);
    std::string part(content, '\0');
    const std::size_t got = ZSTD_decompress(part.data(), part.size(), bytes.data() + pos, size);
    REQUIRE(!ZSTD_isError(got));
    out += part.substr(0, got);
    pos += size;
    ++n;
  }
  if (frames != nullptr) *frames = n;
  return out;
}

// The visible output: relative path -> content (decompressed) of every file
// under `dir` whose path has no component starting with '_' or '.'.
std::map<std::string, std::string> visible(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (name[0] == '_' || name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), dir).string();
    std::string bytes = slurp(it->path().string());
    if (rel.ends_with(".zst")) bytes = unzstd(bytes);
    out[rel] = bytes;
  }
  return out;
}

// All the visible content, in path order.
std::string visible_text(const std::string& dir) {
  std::string all;
  for (const auto& [path, text] : visible(dir)) all += text;
  return all;
}

struct Sink {
  TempDir tmp;
  sx::DirSinkOptions opt;
  std::string on_error = "fail";
  int runs = 0;

  Sink() { opt.path = tmp.file("out"); }
  std::string out() const { return opt.path; }
  std::string ckpt() const { return tmp.file("ck"); }

  // One run of the sink over `input`. `resume`: as a restarted pipeline
  // does, the source goes on after the newest committed epoch C (what
  // `input` has up to C's epoch record is left out); false: `input` as it
  // is (a source that starts over).
  void run(const std::string& input, bool resume = true) {
    const std::string in = tmp.file("in-" + std::to_string(runs++) + ".ndjson");
    std::string rest = input;
    if (resume && fs::exists(ckpt())) {
      const std::int64_t c = sx::CheckpointDir(ckpt(), "sx-sink").last_committed();
      const std::string mark = "{\"@sx\":\"epoch\",\"id\":" + std::to_string(c) + "}\n";
      const std::size_t at = c < 0 ? std::string::npos : rest.find(mark);
      if (at != std::string::npos) rest = rest.substr(at + mark.size());
    }
    spit(in, rest);
    sx::CheckpointDir ck(ckpt(), "sx-sink");
    sx::BadInputPolicy bad(on_error);
    sx::Output none(1);
    sx::DirSinkOperator sink(opt, ck, bad, none);
    sx::StageInput si{{in}};
    sx::run_stage(si, sink, none, bad);
  }

  // A run in a child process with SX_FAULT=point; true when it was killed.
  bool crash(const std::string& input, const std::string& point) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::setenv("SX_FAULT", point.c_str(), 1);
      try {
        run(input);
      } catch (...) {
        ::_exit(2);
      }
      ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    ++runs;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  }

  bool staging_empty() const { return fs::is_empty(out() + "/_staging"); }
};

std::string epoch(int n) { return "{\"@sx\":\"epoch\",\"id\":" + std::to_string(n) + "}\n"; }

template <typename F>
std::string error_of(F&& f, sx::Error::Kind kind) {
  try {
    f();
  } catch (const sx::Error& e) {
    CHECK(static_cast<int>(e.kind()) == static_cast<int>(kind));
    return e.what();
  }
  FAIL("no sx::Error thrown");
  return "";
}

}  // namespace

TEST_CASE("partition values: the encoding rule") {
  using sx::encode_partition_value;
  CHECK(encode_partition_value("../../etc") == "%2E%2E%2F%2E%2E%2Fetc");
  CHECK(encode_partition_value(".") == "%2E");
  CHECK(encode_partition_value("..") == "%2E%2E");
  CHECK(encode_partition_value(".hidden.x") == "%2Ehidden%2Ex");
  CHECK(encode_partition_value("a.b") == "a.b");
  CHECK(encode_partition_value("a..") == "a..");
  CHECK(encode_partition_value("_x_y") == "%5Fx_y");
  CHECK(encode_partition_value("__HIVE_DEFAULT_PARTITION__") == "%5F_HIVE_DEFAULT_PARTITION__");
  CHECK(encode_partition_value("") == "__HIVE_DEFAULT_PARTITION__");
  CHECK(encode_partition_value("a b/c=d%") == "a%20b%2Fc%3Dd%25");
  CHECK(encode_partition_value("Zz-09") == "Zz-09");
  CHECK(encode_partition_value("\xC3\xA9") == "%C3%A9");
  CHECK(encode_partition_value(std::string("a\0b", 3)) == "a%00b");

  CHECK(!sx::decode_partition_value("__HIVE_DEFAULT_PARTITION__").has_value());
  CHECK(*sx::decode_partition_value("%2E%2E%2F%2E%2E%2Fetc") == "../../etc");
  CHECK(*sx::decode_partition_value("%5F_HIVE_DEFAULT_PARTITION__") ==
        "__HIVE_DEFAULT_PARTITION__");
  CHECK(*sx::decode_partition_value("a%zz%4") == "a%zz%4");  // not escapes: kept
  CHECK(*sx::decode_partition_value("%c3%a9") == "\xC3\xA9");
}

TEST_CASE("partition values: fuzz, no value makes an unsafe component, and all decode back") {
  std::mt19937 rng(20261121);
  const std::string tricky = std::string("._/%=\\\n -") + '\0';
  auto random_bytes = [&](std::size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (char& c : s)
      c = rng() % 2 ? tricky[rng() % tricky.size()] : static_cast<char>(rng() % 256);
    return s;
  };
  auto plain = [](const std::string& enc) {
    for (const char c : enc) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-' || c == '%';
      if (!ok) return false;  // so never '/' or NUL
    }
    return true;
  };
  for (int i = 0; i < 100000; ++i) {
    const std::string value = random_bytes(12);
    std::string field = random_bytes(6);
    if (field.empty()) field = ".";
    const std::string enc = sx::encode_partition_value(value);
    // A directory is FIELD=VALUE, both encoded (field names come from the
    // command line, values from the data).
    const std::string component = sx::encode_partition_value(field) + "=" + enc;
    INFO("value bytes: " << value.size() << " encoded: " << enc << " component: " << component);
    REQUIRE(!enc.empty());
    REQUIRE(enc != ".");
    REQUIRE(enc != "..");
    REQUIRE(enc[0] != '.');
    REQUIRE((enc[0] != '_' || enc == sx::kHiveDefaultPartition));  // Spark's name, behind "k="
    REQUIRE(plain(enc));
    REQUIRE(component[0] != '.');
    REQUIRE(component[0] != '_');
    REQUIRE(component[0] != '=');
    REQUIRE(plain(component.substr(0, component.find('='))));
    const auto back = sx::decode_partition_value(enc);
    if (value.empty()) {
      REQUIRE(!back.has_value());
    } else {
      REQUIRE(back.has_value());
      REQUIRE(*back == value);
    }
    REQUIRE(*sx::decode_partition_value(component.substr(0, component.find('='))) == field);
    // The component resolves to a folder right inside OUT.
    const fs::path p = fs::path("/out") / component;
    REQUIRE(p.lexically_normal().parent_path() == "/out");
  }
}

TEST_CASE("dir sink: partitions, more than the open-file cap, plain and zstd") {
  for (const bool zstd : {false, true}) {
    Sink s;
    s.opt.zstd = zstd;
    s.opt.max_open_files = 2;
    s.opt.part_buffer = 1;  // every record is written out at once
    s.opt.partition_by = {sx::FieldPath::parse("p"), sx::FieldPath::parse("q.r")};
    std::string in;
    std::map<std::string, std::string> want;
    const std::string ext = zstd ? ".ndjson.zst" : ".ndjson";
    for (int i = 0; i < 500; ++i) {  // five partitions, round robin: every write reopens
      const std::string rec = "{\"p\":" + std::to_string(i % 5) + ",\"q\":{\"r\":\"x" +
                              std::to_string(i % 5) + "\"},\"i\":" + std::to_string(i) + "}";
      in += rec + "\n";
      want["p=" + std::to_string(i % 5) + "/q.r=x" + std::to_string(i % 5) + "/part-00000000" +
           ext] += rec + "\n";
    }
    s.run(in + epoch(0) + "{\"p\":9}\n");
    CHECK(visible(s.out()) == want);
    CHECK(s.staging_empty());
    if (zstd) {
      int frames = 0;
      unzstd(slurp(s.out() + "/p=3/q.r=x3/part-00000000.ndjson.zst"), &frames);
      CHECK(frames == 100);  // written out, closed and reopened at each record: one frame each
    }
  }
}

TEST_CASE("dir sink: a value cannot write outside the output directory") {
  Sink s;
  s.opt.partition_by = {sx::FieldPath::parse("k")};
  s.run("{\"k\":\"../../etc\"}\n{\"k\":\"..\"}\n{\"k\":\"/abs\"}\n{\"k\":\"_hidden\"}\n" +
        epoch(0));
  std::vector<std::string> top;
  for (const auto& e : fs::directory_iterator(s.tmp.path)) top.push_back(e.path().filename());
  std::sort(top.begin(), top.end());
  CHECK(top == std::vector<std::string>{"ck", "in-0.ndjson", "out"});
  const auto files = visible(s.out());
  CHECK(files.size() == 4);
  CHECK(files.count("k=%2E%2E%2F%2E%2E%2Fetc/part-00000000.ndjson") == 1);
  CHECK(files.count("k=%2E%2E/part-00000000.ndjson") == 1);
  CHECK(files.count("k=%2Fabs/part-00000000.ndjson") == 1);
  CHECK(files.count("k=%5Fhidden/part-00000000.ndjson") == 1);
}

TEST_CASE("dir sink: partition value text") {
  Sink s;
  s.opt.partition_by = {sx::FieldPath::parse("v")};
  s.run(
      "{\"v\":true}\n{\"v\":null}\n{}\n{\"v\":\"\"}\n{\"v\":-1.50}\n{\"v\":[1, 2]}\n"
      "{\"v\":\"\\u00e9\"}\n" +
      epoch(0));
  std::vector<std::string> dirs;
  for (const auto& [path, text] : visible(s.out())) dirs.push_back(path.substr(0, path.find('/')));
  CHECK(dirs == std::vector<std::string>{"v=%5B1%2C%202%5D", "v=%C3%A9", "v=-1.50",
                                         "v=__HIVE_DEFAULT_PARTITION__", "v=true"});
  CHECK(visible(s.out())["v=__HIVE_DEFAULT_PARTITION__/part-00000000.ndjson"] ==
        "{\"v\":null}\n{}\n{\"v\":\"\"}\n");
}

TEST_CASE("dir sink: records --partition-by cannot place go to --on-error") {
  Sink s;
  s.opt.partition_by = {sx::FieldPath::parse("k")};
  const std::string longer(300, 'x');
  CHECK(error_of([&] { s.run("{\"k\":\"" + longer + "\"}\n" + epoch(0)); }, sx::Error::Kind::kData)
            .find(":1: the --partition-by k value is too long for a directory name (302 bytes "
                  "encoded, at most 255)") != std::string::npos);
  Sink t;
  t.opt.partition_by = {sx::FieldPath::parse("k")};
  t.on_error = "skip";
  t.run("{\"k\":1}\nnot json\n[1]\n{\"k\":\"" + longer + "\"}\n{\"k\":2}\n" + epoch(0));
  CHECK(visible_text(t.out()) == "{\"k\":1}\n{\"k\":2}\n");
  // Without --partition-by the bytes pass through unparsed, as before.
  Sink u;
  u.run("not json\n" + epoch(0));
  CHECK(visible_text(u.out()) == "not json\n");
}

TEST_CASE("dir sink: append and update add files per epoch; a restart adds nothing") {
  for (const auto mode : {sx::SinkMode::kAppend, sx::SinkMode::kUpdate}) {
    Sink s;
    s.opt.mode = mode;
    const std::string in =
        "{\"a\":1}\n" + epoch(0) + epoch(1) + "{\"a\":2}\n{\"a\":3}\n" + epoch(2);
    s.run(in);
    s.run(in);  // the source goes on after the commit: nothing new
    CHECK(visible(s.out()) ==
          std::map<std::string, std::string>{{"part-00000000.ndjson", "{\"a\":1}\n"},
                                             {"part-00000002.ndjson", "{\"a\":2}\n{\"a\":3}\n"}});
  }
}

TEST_CASE("issue 11 item 09: an epoch that does not follow the newest commit is refused") {
  Sink s;
  const std::string in = "{\"a\":1}\n" + epoch(0) + "{\"a\":2}\n" + epoch(1);
  s.run(in);
  // A source that starts over (sx-read without --checkpoint): refused, and
  // the records of its epoch 0 are not taken for the committed ones.
  CHECK(error_of([&] { s.run("{\"b\":1}\n" + epoch(0), false); }, sx::Error::Kind::kData)
            .find("epoch 0 is already committed in " + s.ckpt() +
                  " (the newest commit is epoch 1): the stream started over") != std::string::npos);
  // A gap: the stages upstream resumed from another checkpoint.
  CHECK(error_of([&] { s.run("{\"b\":1}\n" + epoch(3), false); }, sx::Error::Kind::kData)
            .find("epoch 3 does not follow the newest commit in " + s.ckpt() +
                  " (epoch 1: epoch 2 expected)") != std::string::npos);
  CHECK(visible(s.out()) ==
        std::map<std::string, std::string>{{"part-00000000.ndjson", "{\"a\":1}\n"},
                                           {"part-00000001.ndjson", "{\"a\":2}\n"}});
  s.run("{\"b\":1}\n" + epoch(2), false);
  CHECK(visible(s.out()).size() == 3);
}

TEST_CASE("dir sink: complete mode shows only the last epoch's table") {
  for (const bool exchange : {true, false}) {
    Sink s;
    s.opt.mode = sx::SinkMode::kComplete;
    s.opt.rename_exchange = exchange;
    s.opt.partition_by = {sx::FieldPath::parse("u")};
    s.run("{\"u\":\"a\",\"n\":1}\n" + epoch(0) + "{\"u\":\"a\",\"n\":2}\n{\"u\":\"b\",\"n\":1}\n" +
          epoch(1) + epoch(2) + "{\"u\":\"b\",\"n\":2}\n" + epoch(3) + "{\"u\":\"c\",\"n\":1}\n");
    // Epoch 2 had no records: the table stays; epoch 3's table has one row
    // (complete mode: an epoch's records are the whole table).
    CHECK(visible(s.out()) == std::map<std::string, std::string>{
                                  {"current/u=b/part-00000003.ndjson", "{\"u\":\"b\",\"n\":2}\n"}});
    CHECK(slurp(s.out() + "/current/_epoch") == "3\n");
    CHECK(s.staging_empty());
    // More epochs in a second run.
    s.run("{\"u\":\"b\",\"n\":2}\n" + epoch(3) + "{\"u\":\"x\"}\n{\"u\":\"y\"}\n" + epoch(4));
    CHECK(visible(s.out()) == std::map<std::string, std::string>{
                                  {"current/u=x/part-00000004.ndjson", "{\"u\":\"x\"}\n"},
                                  {"current/u=y/part-00000004.ndjson", "{\"u\":\"y\"}\n"}});
  }
}

TEST_CASE("dir sink: complete mode recovers from a crash at every fault point") {
  const std::string e0 = "{\"t\":0}\n" + epoch(0);
  const std::string e1 = e0 + "{\"t\":1}\n{\"t\":1}\n" + epoch(1);
  const std::string e2 = e1 + "{\"t\":2}\n" + epoch(2);
  for (const bool exchange : {true, false}) {
    for (const std::string point : {"commit-before-publish", "mid-publish"}) {
      CAPTURE(point);
      CAPTURE(exchange);
      Sink s;
      s.opt.mode = sx::SinkMode::kComplete;
      s.opt.rename_exchange = exchange;
      s.run(e0);
      // The restart goes on after epoch 0; epoch 1 crashes at `point`.
      CHECK(s.crash(e1, point));
      if (point == "commit-before-publish") {
        CHECK(visible_text(s.out()) == "{\"t\":0}\n");  // committed, not yet swapped
      } else {
        CHECK(visible_text(s.out()) == "{\"t\":1}\n{\"t\":1}\n");  // swapped, not cleaned up
        CHECK(!s.staging_empty());
      }
      // The restart rolls epoch 1 forward (once: the old table does not come back).
      s.run(e1);
      CHECK(visible_text(s.out()) == "{\"t\":1}\n{\"t\":1}\n");
      CHECK(s.staging_empty());
      s.run(e2);
      CHECK(visible(s.out()) ==
            std::map<std::string, std::string>{{"current/part-00000002.ndjson", "{\"t\":2}\n"}});
    }
  }
}

TEST_CASE("dir sink: partitioned append recovers from a crash at every fault point") {
  std::string in;
  for (int e = 0; e < 3; ++e) {
    for (int i = 0; i < 600; ++i) {
      in += "{\"g\":" + std::to_string(i % 3) + ",\"e\":" + std::to_string(e) + "}\n";
    }
    in += epoch(e);
  }
  Sink ref;
  ref.opt.partition_by = {sx::FieldPath::parse("g")};
  ref.opt.zstd = true;
  ref.run(in);
  const auto want = visible(ref.out());
  CHECK(want.size() == 9);
  for (const std::string point : {"mid-output", "commit-before-publish", "mid-publish"}) {
    CAPTURE(point);
    Sink s;
    s.opt = ref.opt;
    s.opt.path = s.tmp.file("out");
    CHECK(s.crash(in, point));
    CHECK(visible(s.out()).size() < want.size());
    s.run(in);
    CHECK(visible(s.out()) == want);
    CHECK(s.staging_empty());
  }
}

TEST_CASE("dir sink: a restart with other output flags is refused") {
  Sink s;
  s.run("{}\n" + epoch(0));
  s.opt.mode = sx::SinkMode::kComplete;
  CHECK(error_of([&] { s.run(""); }, sx::Error::Kind::kUsage) ==
        "checkpoint " + s.ckpt() +
            "/_commits/0 was made with --mode append; this run has --mode "
            "complete. Resume with the same flags, or start over: remove " +
            s.ckpt() + " (or use sx-read --reset)");
  s.opt.mode = sx::SinkMode::kAppend;
  s.opt.partition_by = {sx::FieldPath::parse("k")};
  CHECK(error_of([&] { s.run(""); }, sx::Error::Kind::kUsage)
            .find("was made without --partition-by; this run has --partition-by k.") !=
        std::string::npos);
  s.opt.partition_by.clear();
  s.opt.zstd = true;
  CHECK(error_of([&] { s.run(""); }, sx::Error::Kind::kUsage)
            .find("was made without --compress; this run has --compress zstd.") !=
        std::string::npos);
}

TEST_CASE("dir sink: a commit of the first --path sink is still rolled forward") {
  Sink s;
  sx::CheckpointDir ck(s.ckpt(), "sx-sink");
  fs::create_directories(s.out() + "/_staging");
  spit(s.out() + "/_staging/part-00000004.ndjson", "{\"old\":true}\n");
  spit(s.out() + "/_staging/.open.ndjson", "{\"uncommitted\":true}\n");
  sx::PayloadWriter w;
  w.put_u64(1);
  w.put_string("part-00000004.ndjson");
  ck.commit(4, w.bytes());
  s.run("{\"old\":true}\n" + epoch(4) + "{\"new\":1}\n" + epoch(5));
  CHECK(visible(s.out()) ==
        std::map<std::string, std::string>{{"part-00000004.ndjson", "{\"old\":true}\n"},
                                           {"part-00000005.ndjson", "{\"new\":1}\n"}});
  CHECK(s.staging_empty());
}

TEST_CASE("dir sink: a commit naming a path outside the output is refused") {
  Sink s;
  sx::CheckpointDir ck(s.ckpt(), "sx-sink");
  sx::PayloadWriter w;
  w.put_u64(1);
  w.put_string("../escape");
  ck.commit(0, w.bytes());
  CHECK(error_of([&] { s.run(""); }, sx::Error::Kind::kData)
            .find("names the path '../escape', which is not inside the output directory") !=
        std::string::npos);
}
