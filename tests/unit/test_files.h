// Helpers for unit tests that touch files: a fresh temporary directory
// (removed with everything in it) and whole-file reads and writes.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "io/json.h"
#include "io/output.h"
#include "stream/control_record.h"
#include "stream/stage.h"

namespace sx_test {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sx-test-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path + "/" + name; }
};

// A file in its own temporary directory, rewritten in place or replaced by
// rename (a new inode), as a writer of a static table would.
struct TempFile {
  std::string dir, path;
  TempFile(const std::string& name, const std::string& content) {
    char tmpl[] = "/tmp/sx_test_XXXXXX";
    dir = ::mkdtemp(tmpl);
    path = dir + "/" + name;
    write(content);
  }
  void write(const std::string& content) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }
  // Replaces the file by rename, as a writer should (a new inode).
  void replace(const std::string& content) const {
    const std::string tmp = dir + "/.new";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    std::rename(tmp.c_str(), path.c_str());
  }
  ~TempFile() {
    std::remove(path.c_str());
    std::remove((dir + "/.new").c_str());
    ::rmdir(dir.c_str());
  }
};

// Runs `fn(out)` against an Output on a temp file and returns what it wrote.
template <class Fn>
std::string capture(Fn fn) {
  char path[] = "/tmp/sx_out_XXXXXX";
  const int fd = ::mkstemp(path);
  {
    sx::Output out(fd, "test");
    fn(out);
    out.flush();
  }
  std::string s;
  std::FILE* f = std::fopen(path, "rb");
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  ::close(fd);
  ::unlink(path);
  return s;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Drives `op` with `lines` as the stage driver (run_stage) would: on_start
// once, first (with the header when the lines begin with one, else with what
// comes first), then the records and control records (known by their
// prefix; data records numbered from 1, source "stream"), calling before(i)
// ahead of line i when given. Does not call on_end().
inline void feed(sx::Operator& op, const std::vector<std::string>& lines,
                 const std::function<void(std::size_t)>& before = nullptr) {
  std::string why;
  std::optional<sx::Control> header;
  sx::StreamStart begin{nullptr, sx::HeaderlessStart::kEmpty, {}};
  std::optional<sx::PaddedLine> first;
  if (!lines.empty()) {
    first.emplace(lines[0]);
    if (!sx::is_control(lines[0])) {
      begin = {nullptr, sx::HeaderlessStart::kRecord, first->view()};
    } else if ((header = sx::parse_control(first->view(), &why)) &&
               header->type == sx::ControlType::kStream) {
      begin = {&header->stream, sx::HeaderlessStart::kRecord, {}};
    } else {
      begin = {nullptr, sx::HeaderlessStart::kControl, {}};
    }
  }
  op.on_start(begin);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (before) before(i);
    sx::PaddedLine padded(lines[i]);
    if (sx::is_control(lines[i])) {
      auto c = sx::parse_control(padded.view(), &why);
      REQUIRE(c);
      op.on_control(*c, lines[i]);
    } else {
      sx::Line line;
      line.text = padded.view();
      line.number = i + 1;
      op.on_record(line, "stream");
    }
  }
}

}  // namespace sx_test
