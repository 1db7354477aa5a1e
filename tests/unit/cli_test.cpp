// The tools' frame (cli/cli.h) and the run of a stage tool (cli/stage_tool.h).
#include "cli/cli.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/stage_tool.h"
#include "test_files.h"

namespace {

// Notes its starts in `starts` and writes each data record back.
class Echo : public sx::Operator {
 public:
  Echo(sx::Output& out, std::string& starts) : Operator(out), starts_(starts) {}
  void on_start(const sx::StreamStart& s) override { starts_ += s.header ? "header;" : "none;"; }
  void on_record(const sx::Line& line, const std::string&) override { out_.write_line(line.text); }

 private:
  std::string& starts_;
};

}  // namespace

TEST_CASE("issue 12: tool_main passes the parsed app to the run callback") {
  std::vector<std::string> args{"sx-test", "--given", "x"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::string given;
  std::size_t given_count = 99, other_count = 99;
  const int rc = sx::tool_main(
      {"sx-test", "about", "examples"}, static_cast<int>(argv.size()), argv.data(),
      [&](CLI::App& app) {
        app.add_option("--given", given);
        app.add_option("--other", given);
      },
      [&](const CLI::App& app) {
        given_count = app.get_option("--given")->count();
        other_count = app.get_option("--other")->count();
        return 7;
      });
  CHECK(rc == 7);
  CHECK(given == "x");
  CHECK(given_count == 1);
  CHECK(other_count == 0);
}

TEST_CASE("issue 12: run_stage_tool drives the operator over the inputs to stdout") {
  sx_test::TempDir dir;
  sx_test::spit(dir.file("in.ndjson"), "{\"@sx\":\"stream\"}\n{\"a\":1}\n{\"a\":2}\n");
  sx::StageFlags flags;
  flags.inputs = {dir.file("in.ndjson")};
  flags.progress = dir.file("progress.ndjson");
  std::string starts;
  // stdout to a file for the run.
  std::fflush(stdout);
  const int saved = ::dup(1);
  REQUIRE(saved >= 0);
  const std::string out_path = dir.file("out.ndjson");
  sx_test::spit(out_path, "");
  const int fd = ::open(out_path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  ::dup2(fd, 1);
  ::close(fd);
  int rc = -1;
  try {
    rc = sx::run_stage_tool(flags, "", "sx-test", [&](sx::Output& out, sx::BadInputPolicy&) {
      return std::make_unique<Echo>(out, starts);
    });
  } catch (...) {
    ::dup2(saved, 1);
    ::close(saved);
    throw;
  }
  ::dup2(saved, 1);
  ::close(saved);
  CHECK(rc == sx::kExitOk);
  CHECK(starts == "header;");
  CHECK(sx_test::slurp(out_path) == "{\"@sx\":\"stream\"}\n{\"a\":1}\n{\"a\":2}\n");
  CHECK(std::filesystem::exists(flags.progress));
}
