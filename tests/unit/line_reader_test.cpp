#include "io/line_reader.h"

#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"

namespace {

// Writes `content` to a temp file and returns its path.
std::string temp_file(const std::string& content) {
  char path[] = "/tmp/sx_lr_XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::close(fd);
  return path;
}

std::vector<sx::Line> read_all(const std::string& content, std::vector<std::string>* texts,
                               std::size_t max_line = 1 << 20) {
  const std::string path = temp_file(content);
  auto reader = sx::LineReader::open(path, max_line);
  std::vector<sx::Line> lines;
  sx::Line line;
  while (reader->next(&line)) {
    lines.push_back(line);
    texts->emplace_back(line.text);
  }
  ::unlink(path.c_str());
  return lines;
}

}  // namespace

TEST_CASE("lines with numbers and offsets") {
  std::vector<std::string> t;
  auto lines = read_all("a\nbb\nccc\n", &t);
  REQUIRE(lines.size() == 3);
  CHECK(t == std::vector<std::string>{"a", "bb", "ccc"});
  CHECK(lines[2].number == 3);
  CHECK(lines[1].offset == 2);
  CHECK(!lines[2].unterminated);
}

TEST_CASE("no final newline marks the last line unterminated") {
  std::vector<std::string> t;
  auto lines = read_all("a\nbb", &t);
  REQUIRE(lines.size() == 2);
  CHECK(t[1] == "bb");
  CHECK(lines[1].unterminated);
  CHECK(!lines[0].unterminated);
}

TEST_CASE("CRLF line ends are accepted and stripped") {
  std::vector<std::string> t;
  auto lines = read_all("{\"a\":1}\r\n{\"b\":2}\r\n", &t);
  CHECK(t == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
}

TEST_CASE("empty lines are lines") {
  std::vector<std::string> t;
  auto lines = read_all("\n\nx\n\n", &t);
  CHECK(t == std::vector<std::string>{"", "", "x", ""});
  CHECK(lines[2].number == 3);
}

TEST_CASE("empty input has no lines") {
  std::vector<std::string> t;
  CHECK(read_all("", &t).empty());
}

TEST_CASE("NUL bytes and invalid UTF-8 pass through as bytes") {
  std::vector<std::string> t;
  std::string content("a\0b\n\xff\xfe\n", 7);
  auto lines = read_all(content, &t);
  REQUIRE(t.size() == 2);
  CHECK(t[0] == std::string("a\0b", 3));
  CHECK(t[1] == "\xff\xfe");
}

TEST_CASE("a 20 MB line is read whole under a larger limit, and flagged over a smaller one") {
  const std::string big(20u << 20, 'x');
  std::vector<std::string> t;
  auto lines = read_all("s\n" + big + "\nafter\n", &t, 32u << 20);
  REQUIRE(lines.size() == 3);
  CHECK(t[1].size() == big.size());
  CHECK(!lines[1].too_long);
  CHECK(t[2] == "after");

  t.clear();
  lines = read_all("s\n" + big + "\nafter\n", &t, 16u << 20);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].too_long);
  CHECK(lines[1].number == 2);
  CHECK(t[1].size() <= 256);  // only a prefix is kept for messages
  CHECK(t[2] == "after");
  CHECK(lines[2].number == 3);
  CHECK(lines[2].offset == 2 + big.size() + 1);
}

TEST_CASE("lines longer than the block size straddle reads correctly") {
  std::string content;
  for (int i = 0; i < 5; ++i) content += std::string(700000 + i, 'a' + i) + "\n";
  std::vector<std::string> t;
  auto lines = read_all(content, &t);
  REQUIRE(lines.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(t[i] == std::string(700000 + i, 'a' + i));
}

TEST_CASE("zstd input is detected by magic number and decompressed") {
  const std::string plain = "{\"a\":1}\n{\"a\":2}\n";
  std::string packed(ZSTD_compressBound(plain.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), plain.data(), plain.size(), 3));
  std::vector<std::string> t;
  read_all(packed, &t);
  CHECK(t == std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"});
}

TEST_CASE("large zstd input: more compressed bytes than one read") {
  std::string plain;
  std::uint64_t x = 1;
  for (int i = 0; i < 60000; ++i) {  // poorly compressible lines, ~4 MB
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    plain += "{\"n\":" + std::to_string(i) + ",\"r\":\"" + std::to_string(x) +
             std::to_string(x >> 7) + std::to_string(x >> 13) + "\"}\n";
  }
  std::string packed(ZSTD_compressBound(plain.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), plain.data(), plain.size(), 1));
  REQUIRE(packed.size() > (1u << 20));
  std::vector<std::string> t;
  read_all(packed, &t);
  REQUIRE(t.size() == 60000);
  std::string joined;
  for (const auto& line : t) joined += line + "\n";
  CHECK(joined == plain);
}

TEST_CASE("truncated zstd input is an error, not a silent end") {
  const std::string plain(100000, 'y');
  std::string packed(ZSTD_compressBound(plain.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), plain.data(), plain.size(), 3));
  packed.resize(packed.size() / 2);
  std::vector<std::string> t;
  CHECK_THROWS_AS(read_all(packed, &t), sx::Error);
}

namespace {

// One gzip member holding `plain` (as gzip(1) writes it).
std::string gzip_member(const std::string& plain, int level = 6) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&s, plain.size()) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  s.avail_in = static_cast<uInt>(plain.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::string gzip_error(const std::string& packed) {
  std::vector<std::string> t;
  try {
    read_all(packed, &t);
  } catch (const sx::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("issue 13: gzip input is detected by magic number and decompressed") {
  std::vector<std::string> t;
  const auto lines = read_all(gzip_member("{\"a\":1}\n{\"a\":2}\n"), &t);
  CHECK(t == std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].offset == 8);  // offsets count decompressed bytes
}

TEST_CASE("issue 13: a multi-member gzip file (cat a.gz b.gz) is one stream") {
  std::vector<std::string> t;
  // A line split across two members, and an empty member between others.
  read_all(gzip_member("a\nb") + gzip_member("") + gzip_member("c\nd\n") + gzip_member("e\n"), &t);
  CHECK(t == std::vector<std::string>{"a", "bc", "d", "e"});
  t.clear();
  read_all(gzip_member(""), &t);
  CHECK(t.empty());
}

TEST_CASE("issue 13: large gzip input: position and raw bytes") {
  std::string plain;
  std::uint64_t x = 7;
  for (int i = 0; i < 50000; ++i) {  // poorly compressible lines, ~3 MB
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    plain += "{\"n\":" + std::to_string(i) + ",\"r\":\"" + std::to_string(x) +
             std::to_string(x >> 7) + std::to_string(x >> 13) + "\"}\n";
  }
  const std::string packed =
      gzip_member(plain.substr(0, 1000000), 1) + gzip_member(plain.substr(1000000), 1);
  REQUIRE(packed.size() > (1u << 20));
  const std::string path = temp_file(packed);
  auto reader = sx::LineReader::open(path, 1 << 20);
  std::string joined;
  sx::Line line;
  while (reader->next(&line)) {
    joined.append(line.text);
    joined.push_back('\n');
  }
  ::unlink(path.c_str());
  CHECK(joined == plain);
  CHECK(reader->compressed());
  CHECK(reader->position() == plain.size());
  CHECK(reader->raw_bytes_read() == packed.size());
  CHECK(reader->consumed_tail().empty());
}

TEST_CASE("issue 13: truncated or corrupt gzip input is an error naming the file") {
  std::string plain;
  for (int i = 0; i < 20000; ++i) plain += "line " + std::to_string(i) + "\n";
  const std::string packed = gzip_member(plain);
  // Cut inside the data, inside the 8-byte trailer, inside the header.
  for (const std::size_t keep : {packed.size() / 2, packed.size() - 3, std::size_t{5}}) {
    const std::string e = gzip_error(packed.substr(0, keep));
    CHECK(e.find("/tmp/sx_lr_") == 0);
    CHECK(e.find(": gzip: unexpected end of file") != std::string::npos);
  }
  // A second member cut short.
  CHECK(gzip_error(packed + packed.substr(0, 20)).find(": gzip: unexpected end of file") !=
        std::string::npos);
  std::string flipped = packed;
  flipped[flipped.size() - 6] ^= 0x55;  // the CRC-32 in the trailer
  CHECK(gzip_error(flipped).find(": gzip: corrupt data (incorrect data check)") !=
        std::string::npos);
  std::string bad_method = packed;
  bad_method[2] = 7;  // compression method: not deflate
  CHECK(gzip_error(bad_method).find(": gzip: corrupt data (") != std::string::npos);
  // Trailing bytes that are not a gzip member.
  CHECK(gzip_error(packed + "garbage").find(": gzip: corrupt data (") != std::string::npos);
}

TEST_CASE("issue 13: a plain file starting with 0x1f but not 0x8b is read as it is") {
  std::vector<std::string> t;
  read_all("\x1f\x7f\n", &t);
  CHECK(t == std::vector<std::string>{"\x1f\x7f"});
}

TEST_CASE("a missing file is an io error naming it") {
  try {
    sx::LineReader::open("/nonexistent/x.ndjson", 100);
    FAIL("no throw");
  } catch (const sx::Error& e) {
    CHECK(std::string(e.what()).find("/nonexistent/x.ndjson") != std::string::npos);
  }
}

TEST_CASE("random lines through a pipe in random pieces come out exactly") {
  // find_newline keeps the newline bits of 64 bytes across calls and reads
  // past the data: lines of every length, split across reads anywhere.
  std::mt19937 rng(5);
  std::string content;
  std::vector<std::string> want;
  for (int i = 0; i < 3000; ++i) {
    const int kind = static_cast<int>(rng() % 10);
    const std::size_t len = kind == 0   ? 0
                            : kind == 1 ? 64 * (rng() % 4)
                                        : rng() % (kind == 2 ? 3000 : 150);
    std::string s;
    for (std::size_t k = 0; k < len; ++k) {
      char c = static_cast<char>(rng() % 256);
      if (c == '\n') c = 'n';
      s.push_back(c);
    }
    content += s;
    content += '\n';
    if (!s.empty() && s.back() == '\r') s.pop_back();  // CRLF: the '\r' goes
    want.push_back(s);
  }
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    std::mt19937 r(9);
    for (std::size_t at = 0; at < content.size();) {
      const std::size_t n = std::min<std::size_t>(1 + r() % 5000, content.size() - at);
      const ssize_t w = ::write(fds[1], content.data() + at, n);
      if (w <= 0) break;
      at += static_cast<std::size_t>(w);
    }
    ::close(fds[1]);
  });
  sx::LineReader reader(fds[0], "pipe", 1 << 20, true);
  std::vector<std::string> got;
  sx::Line line;
  while (reader.next(&line)) {
    CHECK(!line.unterminated);
    got.emplace_back(line.text);
  }
  writer.join();
  CHECK(got == want);
}

TEST_CASE("issue 11 item 13: consumed_tail and a file rewritten in place") {
  // Lines long enough that the tail spans several lines and, with many of
  // them, several fills of the buffer.
  std::string content;
  for (int i = 0; i < 40000; ++i)
    content += "{\"n\":" + std::to_string(i) + ",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxx\"}\n";
  const std::string path = temp_file(content);
  auto reader = sx::LineReader::open(path, 1 << 20);
  reader->set_follow(true);
  sx::Line line;
  CHECK(reader->consumed_tail().empty());  // nothing read yet
  CHECK(reader->unchanged_before_position());
  REQUIRE(reader->next(&line));
  CHECK(reader->consumed_tail() == content.substr(0, reader->position()));
  std::size_t n = 1;
  while (reader->next(&line)) ++n;
  CHECK(n == 40000);
  REQUIRE(reader->position() == content.size());
  CHECK(reader->consumed_tail() == content.substr(content.size() - sx::LineReader::kTailBytes));
  CHECK(reader->unchanged_before_position());
  // Appended to: still the bytes read.
  {
    FILE* f = std::fopen(path.c_str(), "a");
    std::fputs("{\"n\":-1}\n", f);
    std::fclose(f);
  }
  CHECK(reader->unchanged_before_position());
  // Rewritten in place with more bytes: not the bytes read.
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::string other = content;
    other[other.size() - 10] = 'y';
    other += "{\"n\":-2}\n";
    std::fputs(other.c_str(), f);
    std::fclose(f);
  }
  CHECK(!reader->unchanged_before_position());
  ::unlink(path.c_str());
}
