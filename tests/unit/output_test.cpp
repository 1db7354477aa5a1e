// Output's zero-copy path: lines of a file handed on by splice(2) keep their
// place among the lines written by copy, to a pipe and (copied) to a file.
#include "io/output.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "test_files.h"

namespace {

// The same calls on any Output: file lines at their offsets, with control
// records, a gap (a line not handed on) and a line longer than the buffer
// between them. Returns what they should write.
std::string drive(sx::Output& out, int src, const std::string& file) {
  // file: "a\nbb\nccc\nLONG\ndd\n" (offsets 0, 2, 5, 9, 9+long+1)
  const std::size_t long_at = 9, long_len = file.find('\n', long_at) - long_at;
  out.write_line(R"({"@sx":"stream","v":1})");
  out.splice_from(src);
  out.write_line_at("a", 0);
  out.write_line_at("bb", 2);
  out.write_line(R"({"@sx":"epoch","id":0})");  // between two runs
  // "ccc" (offset 5) is not handed on: the next run starts after it.
  out.write_line_at(file.substr(long_at, long_len), long_at);
  out.write_line_at("dd", long_at + long_len + 1);
  out.splice_from(-1);
  out.write_line(R"({"@sx":"epoch","id":1})");
  out.flush();
  return R"({"@sx":"stream","v":1})"
         "\na\nbb\n"
         R"({"@sx":"epoch","id":0})"
         "\n" +
         file.substr(long_at, long_len) + "\ndd\n" + R"({"@sx":"epoch","id":1})" + "\n";
}

}  // namespace

TEST_CASE("splice_from and write_line_at: file lines keep their place, to a pipe and to a file") {
  sx_test::TempDir dir;
  const std::string src_path = dir.path + "/in.ndjson";
  const std::string long_line(3000, 'x');  // longer than the 1 KiB buffer below
  const std::string file = std::string("a\nbb\nccc\n") + long_line + "\ndd\n";
  sx_test::spit(src_path, file);
  const int src = ::open(src_path.c_str(), O_RDONLY);
  REQUIRE(src >= 0);

  SUBCASE("to a pipe: spliced") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::string got;
    std::thread reader([&] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
        got.append(buf, static_cast<std::size_t>(n));
    });
    std::string want;
    {
      sx::Output out(fds[1], "pipe", 1024);
      want = drive(out, src, file);
      CHECK(out.data_lines_written() == 4);
      CHECK(out.bytes_written() == want.size());
    }
    ::close(fds[1]);
    reader.join();
    ::close(fds[0]);
    CHECK(got == want);
  }
  SUBCASE("to a file: copied") {
    const std::string out_path = dir.path + "/out.ndjson";
    std::string want;
    {
      const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      REQUIRE(fd >= 0);
      sx::Output out(fd, "file", 1024);
      want = drive(out, src, file);
      ::close(fd);
    }
    CHECK(sx_test::slurp(out_path) == want);
  }
  ::close(src);
}
