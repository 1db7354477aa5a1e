// The file source (lib/source/file_source.h) with a fake clock: the
// determinism contract seen from its output.
#include "source/file_source.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "test_files.h"

namespace {

struct JumpingClock final : sx::Clock {
  sx::Micros t = 0;
  sx::Micros now() override { return t += 7 * sx::kMicrosPerSecond; }  // 7 s per read
};

struct StillClock final : sx::Clock {
  sx::Micros now() override { return 42; }
};

// sx-read's output for the files `inputs` with `opt`, under `clock`.
std::string read_with(const sx_test::TempDir& dir, sx::SourceOptions opt, sx::Clock& clock,
                      const std::string& name) {
  const std::string path = dir.file(name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  {
    sx::Output out(fd, path);
    sx::FileSource source(std::move(opt), out, clock);
    source.run();
    out.flush();
  }
  ::close(fd);
  return sx_test::slurp(path);
}

}  // namespace

TEST_CASE("issue 12: a file source's output does not depend on the clock") {
  sx_test::TempDir dir;
  std::string a, b;
  for (int i = 0; i < 700; ++i) {
    a += "{\"ts\":" + std::to_string(1700000000000 + i * 100) + "}\n";
    b += "{\"ts\":" + std::to_string(1700000070000 + i * 100) + "}\n";
  }
  sx_test::spit(dir.file("a.ndjson"), a);
  sx_test::spit(dir.file("b.ndjson"), b);
  for (const std::uint64_t limit : {0, 256, 300}) {
    sx::SourceOptions opt;
    opt.inputs = {dir.file("a.ndjson"), dir.file("b.ndjson")};
    opt.stream.time_field = "ts";
    opt.stream.watermark_delay = sx::kMicrosPerSecond;
    opt.max_records_per_trigger = limit;
    opt.idle_epoch = 1;  // would end an epoch at once, were the input live
    JumpingClock jumping;
    StillClock still;
    const std::string ref = read_with(dir, opt, still, "still.out");
    CHECK(read_with(dir, opt, jumping, "jumping.out") == ref);
    // The epochs: per file, or per `limit` records across files.
    std::size_t epochs = 0;
    for (std::size_t at = ref.find("\"@sx\":\"epoch\""); at != std::string::npos;
         at = ref.find("\"@sx\":\"epoch\"", at + 1)) {
      ++epochs;
    }
    CHECK(epochs == (limit == 0 ? 2 : (1400 + limit - 1) / limit) + 1);  // + the final epoch
  }
}
