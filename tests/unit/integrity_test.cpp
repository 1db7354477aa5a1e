// Issue 11, items 8, 9 and 14: the stream order every stage checks, the run
// locks of a checkpointed pipeline, and the stop on SIGINT/SIGTERM.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "base/error.h"
#include "base/signals.h"
#include "io/line_reader.h"
#include "stream/control_record.h"
#include "stream/run_lock.h"
#include "stream/stage.h"
#include "test_files.h"

namespace {

sx::Control control(const std::string& line) {
  std::string padded = line + std::string(64, '\0');
  std::string why;
  auto c = sx::parse_control(std::string_view(padded.data(), line.size()), &why);
  REQUIRE(c.has_value());
  return *c;
}

std::string order_error(sx::StreamOrder& order, const std::string& line, std::uint64_t n) {
  try {
    order.check(control(line), "in", n);
  } catch (const sx::Error& e) {
    CHECK(e.exit_code() == sx::kExitError);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("issue 11 item 09: a stage refuses a stream out of order") {
  sx::StreamOrder order;
  CHECK(order_error(order, R"({"@sx":"stream","v":1})", 1).empty());
  CHECK(order_error(order, R"({"@sx":"epoch","id":0})", 2).empty());
  CHECK(order_error(order, R"({"@sx":"watermark","t":"2024-01-01T00:00:05Z"})", 3).empty());
  CHECK(order_error(order, R"({"@sx":"watermark","t":"2024-01-01T00:00:05Z"})", 4).empty());
  CHECK(order_error(order, R"({"@sx":"epoch","id":2})", 5).empty());  // a gap: not this rule's
  CHECK(order_error(order, R"({"@sx":"other"})", 6).empty());
  sx::StreamOrder a = order, b = order, c = order, d = order;
  CHECK(order_error(a, R"({"@sx":"stream","v":1})", 7)
            .starts_with("in:7: a second stream header (the first was at line 1)"));
  CHECK(order_error(b, R"({"@sx":"epoch","id":2})", 7)
            .starts_with("in:7: epoch 2 again after epoch 2"));
  CHECK(order_error(c, R"({"@sx":"epoch","id":1})", 7).starts_with("in:7: epoch 1 after epoch 2"));
  CHECK(order_error(d, R"({"@sx":"watermark","t":"2024-01-01T00:00:04Z"})", 7)
            .starts_with("in:7: the watermark goes back, from 2024-01-01T00:00:05Z to "
                         "2024-01-01T00:00:04Z"));
  CHECK(order_error(order, R"({"@sx":"watermark","t":"+inf"})", 7).empty());
}

TEST_CASE("issue 11 item 08: a stage's lock held by another process stops it with 75") {
  sx_test::TempDir tmp;
  const std::string ck = tmp.file("ck");
  int ready[2], done[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(done) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      const sx::RunLock lock(ck, "sx-window", false);
      char c = 1;
      if (::write(ready[1], &c, 1) != 1) ::_exit(3);
      if (::read(done[0], &c, 1) < 0) ::_exit(3);
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  std::string message;
  try {
    const sx::RunLock lock(ck, "sx-window", false);
  } catch (const sx::Error& e) {
    CHECK(e.exit_code() == sx::kExitLocked);
    message = e.what();
  }
  CHECK(message == "another run of this pipeline holds " + ck + "/sx-window/LOCK (pid " +
                       std::to_string(child) +
                       "); wait for it to finish, or pass --wait-lock to every stage to wait for "
                       "it (the lock ends with its process, so none is ever left behind)");
  // Another stage's folder is free; after the holder ends, so is this one.
  { const sx::RunLock other(ck, "sx-dedup", false); }
  REQUIRE(::write(done[1], &c, 1) == 1);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const sx::RunLock again(ck, "sx-window", false);
  for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

TEST_CASE("issue 11 item 14: a signal stops a reader between lines, exit 130") {
  sx_test::TempDir tmp;
  sx_test::spit(tmp.file("in"), "{\"a\":1}\n{\"a\":2}\n");
  auto reader = sx::LineReader::open(tmp.file("in"), 1 << 20);
  sx::Line line;
  REQUIRE(reader->next(&line));
  CHECK(line.text == "{\"a\":1}");
  sx::detail::g_stop_signal = SIGTERM;
  // The block read holds both lines: the second is handed out; the flag is
  // looked at when the next block is needed.
  CHECK(reader->next(&line));
  bool stopped = false;
  try {
    reader->next(&line);
  } catch (const sx::Error& e) {
    stopped = true;
    CHECK(std::string(e.what()) == "stopped by SIGTERM");
    CHECK(e.exit_code() == sx::kExitInterrupted);
  }
  sx::detail::g_stop_signal = 0;
  CHECK(stopped);
}
