// issue 13: sx-sink's tsv and markdown writers, --precision and --time-zone.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "base/error.h"
#include "io/csv_writer.h"
#include "io/markdown_writer.h"
#include "io/output.h"
#include "io/value_display.h"
#include "test_files.h"

using sx_test::capture;

namespace {

std::string tsv(std::string_view s) {
  std::string out;
  sx::CsvWriter::append_tsv_escaped(out, s);
  return out;
}

std::string md(std::string_view s) {
  std::string out;
  sx::MarkdownWriter::append_escaped(out, s);
  return out;
}

std::string rounded(std::string_view number, int digits) {
  std::string out = "<";
  if (!sx::append_rounded(out, number, digits)) return "not rounded";
  return out.substr(1);
}

std::string shown(std::string_view zone, std::string_view utc) {
  const sx::ZoneShower z(zone);
  const sx::TimeParser p("iso8601", "UTC");
  sx::EventTime t;
  REQUIRE(p.parse(utc, &t));
  char buf[sx::kMaxTimeText];
  return std::string(buf, z.format(t, buf));
}

}  // namespace

TEST_CASE("issue 13: TSV escapes as PostgreSQL's text format") {
  CHECK(tsv("plain, \"quoted\" | ok") == "plain, \"quoted\" | ok");
  CHECK(tsv("a\tb") == "a\\tb");
  CHECK(tsv("a\nb\r\n") == "a\\nb\\r\\n");
  CHECK(tsv("C:\\dir\\") == "C:\\\\dir\\\\");
  CHECK(tsv("\\t") == "\\\\t");  // a backslash then t, not a tab
  CHECK(tsv("") == "");
  CHECK(tsv("héllo ✓") == "héllo ✓");
}

TEST_CASE("issue 13: TSV header and rows, keys in the first record's order") {
  const std::string s = capture([](sx::Output& out) {
    sx::CsvWriter w(out, sx::CsvWriter::Dialect::kTsv);
    w.field("a\tkey", "1");
    w.field("b", "x,y");
    w.end_record(1);
    w.field("b", "two\nlines");
    w.end_record(2);
    w.field("c", "?");
    w.end_record(3);
    CHECK(w.finish().find("not in the TSV header") != std::string::npos);
  });
  CHECK(s == "a\\tkey\tb\n1\tx,y\n\ttwo\\nlines\n\t\n");
}

TEST_CASE("issue 13: markdown cell escapes") {
  CHECK(md("a|b") == "a\\|b");
  CHECK(md("a\\|b") == "a\\\\\\|b");
  CHECK(md("x\ny\r\nz\rw") == "x<br>y<br>z<br>w");
  CHECK(md("*bold* `code`") == "*bold* `code`");
  CHECK(md("\r") == "<br>");
}

TEST_CASE("issue 13: markdown tables per batch, numbers right-aligned") {
  const std::string s = capture([](sx::Output& out) {
    sx::MarkdownWriter w(out);
    CHECK_FALSE(w.has_rows());
    w.end_batch(0);  // no rows: nothing
    w.cell("name", "ann", false, false);
    w.cell("count", "1200", true, false);
    w.end_row();
    w.cell("count", "7", true, false);
    w.cell("note", "null", false, true);
    w.end_row();
    CHECK(w.has_rows());
    w.end_batch(1);
    w.cell("x", "a|b", false, false);
    w.end_row();
    w.end_batch(-1);
  });
  CHECK(s ==
        "### Batch: 1\n\n"
        "| name | count | note |\n"
        "| ---- | ----: | ---- |\n"
        "| ann  |  1200 |      |\n"
        "|      |     7 | null |\n"
        "\n"
        "| x    |\n"
        "| ---- |\n"
        "| a\\|b |\n");
}

TEST_CASE("issue 13: --precision rounds doubles, keeps trailing zeros, leaves integers") {
  CHECK(rounded("79824.52000000003", 2) == "79824.52");
  CHECK(rounded("1.5", 2) == "1.50");
  CHECK(rounded("2.0", 0) == "2");
  CHECK(rounded("0.125", 2) == "0.12");  // exactly half: to even
  CHECK(rounded("2.675", 2) == "2.67");  // stored as 2.67499999...
  CHECK(rounded("0.5", 0) == "0");
  CHECK(rounded("1.5", 0) == "2");
  CHECK(rounded("-0.001", 2) == "0.00");  // no "-0.00"
  CHECK(rounded("-0.006", 2) == "-0.01");
  CHECK(rounded("1e3", 1) == "1000.0");
  CHECK(rounded("1.25E-2", 3) == "0.013");  // 0.0125 is stored just above
  CHECK(rounded("123456789.123456789", 20).size() == 9 + 1 + 20);
  CHECK(rounded("1e308", 2).size() == 309 + 3);
  CHECK(rounded("42", 2) == "not rounded");
  CHECK(rounded("-7", 2) == "not rounded");
  CHECK(rounded("123456789012345678901234567890", 2) == "not rounded");
  CHECK(rounded("1.5", -1) == "not rounded");
  CHECK(rounded("1.5", sx::kMaxPrecision + 1) == "not rounded");
  CHECK(rounded("1.5x", 2) == "not rounded");
  CHECK(rounded("", 2) == "not rounded");
}

TEST_CASE("issue 13: --time-zone shows instants with the offset in force") {
  // Europe/Paris springs forward at 2024-03-31T01:00Z (02:00 CET -> 03:00 CEST).
  CHECK(shown("Europe/Paris", "2024-03-31T00:59:59Z") == "2024-03-31T01:59:59+01:00");
  CHECK(shown("Europe/Paris", "2024-03-31T01:00:00Z") == "2024-03-31T03:00:00+02:00");
  // and falls back at 2024-10-27T01:00Z (03:00 CEST -> 02:00 CET): 02:30 twice.
  CHECK(shown("Europe/Paris", "2024-10-27T00:30:00Z") == "2024-10-27T02:30:00+02:00");
  CHECK(shown("Europe/Paris", "2024-10-27T01:30:00Z") == "2024-10-27T02:30:00+01:00");
  CHECK(shown("Europe/Paris", "2024-07-01T12:00:00.250Z") == "2024-07-01T14:00:00.250+02:00");
  CHECK(shown("UTC", "2024-07-01T12:00:00Z") == "2024-07-01T12:00:00Z");
  CHECK(shown("Europe/London", "2024-01-15T12:00:00Z") == "2024-01-15T12:00:00+00:00");
  CHECK(shown("+05:30", "2024-01-01T20:00:00Z") == "2024-01-02T01:30:00+05:30");
  CHECK(shown("-08:00", "2024-01-01T05:00:00Z") == "2023-12-31T21:00:00-08:00");
  CHECK_THROWS_WITH_AS(sx::ZoneShower("Mars/Olympus"),
                       doctest::Contains("--time-zone: unknown time zone 'Mars/Olympus'"),
                       sx::Error);
}
