#include "io/bar_writer.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace {

std::string rep(const char* s, int n) {
  std::string r;
  for (int i = 0; i < n; ++i) r += s;
  return r;
}

const char* const kB = "\u2588";  // full block

// A writer whose output goes nowhere: the tests read render().
struct Fixture {
  int fd = ::open("/dev/null", O_WRONLY);
  sx::Output out{fd, "null"};
  ~Fixture() { ::close(fd); }
};

}  // namespace

TEST_CASE("issue 13: bar_blocks draws eighths, rounded, at least one for a non-zero value") {
  CHECK(sx::bar_blocks(0) == "");
  CHECK(sx::bar_blocks(-1) == "");
  CHECK(sx::bar_blocks(1) == kB);
  CHECK(sx::bar_blocks(1.5) == std::string(kB) + "\u258C");  // half
  CHECK(sx::bar_blocks(0.125) == "\u258F");                  // one eighth
  CHECK(sx::bar_blocks(0.01) == "\u258F");                   // rounds to 0: one eighth
  CHECK(sx::bar_blocks(2.0625) == rep(kB, 2) + "\u258F");    // 16.5 eighths -> 17
  CHECK(sx::bar_blocks(0.875) == "\u2589");                  // seven eighths
  CHECK(sx::bar_blocks(3.97) == rep(kB, 4));                 // 31.76 eighths -> 32
}

TEST_CASE("issue 13: bars are scaled to the batch's largest value, the value after the bar") {
  Fixture f;
  sx::BarWriter w(f.out, 30);
  const double a = 10, b = 5;
  w.row("a", "10", &a);
  w.row("b", "5", &b);
  w.row("c", "null", nullptr);
  // label 1 + space + area + space + value 4 ("null") = 30: area 23, 2.3 cells per unit.
  const std::string want =
      "Batch: 7\n"
      "a " +
      rep(kB, 23) +
      "   10\n"
      "b " +
      rep(kB, 11) + "\u258C" + std::string(11, ' ') +
      "    5\n"
      "c " +
      std::string(23, ' ') + " null\n";
  CHECK(w.render(7) == want);
  CHECK_FALSE(w.has_rows());
  CHECK(w.render(8) == "");  // an empty batch prints nothing
}

TEST_CASE("issue 13: negative values grow left of an axis, on the positive bars' scale") {
  Fixture f;
  sx::BarWriter w(f.out, 30);
  const double a = -2, b = 6, z = 0;
  w.row("a", "-2", &a);
  w.row("b", "6", &b);
  w.row("z", "0", &z);
  // area 30-5 = 25, one for the axis: 24 cells for 8 units, 3 per unit; 6 left, 18 right.
  const std::string want =
      "Batch: 0\n"
      "a " +
      rep(kB, 6) + "|" + std::string(18, ' ') +
      " -2\n"
      "b " +
      std::string(6, ' ') + "|" + rep(kB, 18) +
      "  6\n"
      "z " +
      std::string(6, ' ') + "|" + std::string(18, ' ') + "  0\n";
  CHECK(w.render(0) == want);
}

TEST_CASE("issue 13: bar labels past half the width are cut; all zeros draw no bar") {
  Fixture f;
  sx::BarWriter w(f.out, 20);
  const double z = 0;
  w.row("abcdefghijklmn", "0", &z);
  // The label leaves 10 cells for bars: 20 - 1 (value) - 12 = 7 ("abcd...").
  CHECK(w.render(1) == "Batch: 1\nabcd... " + std::string(10, ' ') + " 0\n");
}

TEST_CASE("issue 13: terminal_size takes COLUMNS and LINES, else 80x24 off a terminal") {
  const int fd = ::open("/dev/null", O_WRONLY);
  ::setenv("COLUMNS", "123", 1);
  ::setenv("LINES", "45", 1);
  auto s = sx::terminal_size(fd);
  CHECK(s.columns == 123);
  CHECK(s.lines == 45);
  ::setenv("COLUMNS", "x", 1);
  ::setenv("LINES", "0", 1);
  s = sx::terminal_size(fd);
  CHECK(s.columns == 80);
  CHECK(s.lines == 24);
  ::unsetenv("COLUMNS");
  ::unsetenv("LINES");
  ::close(fd);
}

TEST_CASE("issue 13: terminal_safe replaces what a terminal would act on") {
  CHECK(sx::terminal_safe("a\x1b[2Jb\nc\x7f") == "a?[2Jb?c?");
  CHECK(sx::terminal_safe("\xc2\x9b"
                          "31m") == "?31m");                                   // C1 CSI
  CHECK(sx::terminal_safe("caf\xc3\xa9 \xc2\xa0") == "caf\xc3\xa9 \xc2\xa0");  // é, nbsp kept
  CHECK(sx::terminal_safe("\xc2") == "\xc2");                                  // cut: left alone
}

TEST_CASE("issue 13: bars of huge values of both signs stay in their columns") {
  Fixture f;
  sx::BarWriter w(f.out, 30);
  const double a = -1e308, b = 1e308;
  w.row("a", "-1e308", &a);
  w.row("b", "1e308", &b);
  // value 6 wide: area 30 - 9 = 21, less the axis 20: 10 cells a side.
  const std::string want =
      "Batch: 0\n"
      "a " +
      rep(kB, 10) + "|" + std::string(10, ' ') +
      " -1e308\n"
      "b " +
      std::string(10, ' ') + "|" + rep(kB, 10) + "  1e308\n";
  CHECK(w.render(0) == want);
}
