// Helpers for unit tests that touch files: a fresh temporary directory
// (removed with everything in it) and whole-file reads and writes.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "io/json.h"
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

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Drives `op` with `lines` as the stage driver would (control records known
// by their prefix; data records numbered from 1, source "stream"), calling
// before(i) ahead of line i when given. Does not call on_end().
inline void feed(sx::Operator& op, const std::vector<std::string>& lines,
                 const std::function<void(std::size_t)>& before = nullptr) {
  std::string why;
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
