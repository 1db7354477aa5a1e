// The sink interface (sink/epoch_sink.h) as SinkOperator drives it through
// run_stage: the order of open, begin_epoch, write, commit_epoch and the
// end (finish when the stream is over, abort_epoch when it stopped inside an
// epoch), with a recording sink such as a database sink would be.
#include "sink/sink_operator.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stream/bad_input.h"
#include "test_files.h"

namespace {

using sx_test::spit;
using sx_test::TempDir;

class RecordingSink final : public sx::EpochSink {
 public:
  explicit RecordingSink(std::int64_t committed) : committed_(committed) {}
  void open(const sx::SinkHeader& h) override {
    calls.push_back("open" + std::string(h.stream ? " header" : "") +
                    (h.columns.empty() ? "" : " columns=" + h.columns.front()));
  }
  std::int64_t last_committed() const override { return committed_; }
  void begin_epoch(std::int64_t id) override { calls.push_back("begin " + std::to_string(id)); }
  void write(const sx::Line& line, const std::string&) override {
    calls.push_back("write " + std::string(line.text));
  }
  void commit_epoch(std::int64_t id) override {
    calls.push_back("commit " + std::to_string(id));
    committed_ = id;
  }
  void abort_epoch() override { calls.push_back("abort"); }
  void finish() override { calls.push_back("finish"); }
  void control(const sx::Control& c, std::string_view) override {
    calls.push_back("control " + c.type_name);
  }

  std::vector<std::string> calls;

 private:
  std::int64_t committed_;
};

std::vector<std::string> drive(const std::string& input, std::int64_t committed = -1) {
  TempDir dir;
  spit(dir.file("in"), input);
  sx::Output none(1);
  sx::BadInputPolicy bad("fail");
  sx::SinkOperatorFor<RecordingSink> op(none, committed);
  sx::run_stage(sx::StageInput{{dir.file("in")}}, op, none, bad);
  return op.sink().calls;
}

using Calls = std::vector<std::string>;

}  // namespace

TEST_CASE(
    "issue 12: sink interface: epochs begin before their first record and commit at their record") {
  CHECK(drive("{\"a\":1}\n{\"a\":2}\n{\"@sx\":\"epoch\",\"id\":0}\n{\"@sx\":\"epoch\",\"id\":1}\n"
              "{\"a\":3}\n") == Calls{"open", "begin 0", "write {\"a\":1}", "write {\"a\":2}",
                                      "control epoch", "commit 0", "begin 1", "control epoch",
                                      "commit 1", "begin 2", "write {\"a\":3}", "finish"});
}

TEST_CASE("issue 12: sink interface: the next epoch follows the sink's last commit") {
  CHECK(drive("{\"a\":1}\n{\"@sx\":\"epoch\",\"id\":5}\n", 4) ==
        Calls{"open", "begin 5", "write {\"a\":1}", "control epoch", "commit 5", "finish"});
}

TEST_CASE("issue 12: sink interface: a stream that stops inside an epoch aborts it") {
  const std::string header =
      "{\"@sx\":\"stream\",\"time_field\":\"ts\",\"columns\":[\"k\",\"count\"]}\n";
  CHECK(drive(header + "{\"k\":1}\n{\"@sx\":\"epoch\",\"id\":0}\n{\"k\":2}\n") ==
        Calls{"open header columns=k", "control stream", "begin 0", "write {\"k\":1}",
              "control epoch", "commit 0", "begin 1", "write {\"k\":2}", "abort"});
  // The end-of-stream watermark: the stream is over.
  CHECK(drive(header + "{\"k\":1}\n{\"@sx\":\"watermark\",\"t\":\"+inf\"}\n") ==
        Calls{"open header columns=k", "control stream", "begin 0", "write {\"k\":1}",
              "control watermark", "finish"});
  CHECK(drive("") == Calls{"open", "finish"});
}
