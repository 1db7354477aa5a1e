// sx-sink --path OUT: the transactional directory sink (sx(7), "CHECKPOINTS").
// Each epoch's records go to OUT/_staging/part-NNNNNNNN.ndjson; at the epoch
// record the file is synced, the commit DIR/_commits/N is written (naming the
// file), and only then is the file renamed to OUT/part-NNNNNNNN.ndjson and OUT
// synced. A restart rolls the newest commit forward (renames a file it names
// that is still staged) and deletes every other staged file (output of epochs
// that never committed). An epoch that was committed before is not written
// again, so a replayed epoch cannot double the output. The visible output is
// every file under OUT whose path has no component starting with '_' or '.'.
#pragma once

#include <memory>
#include <string>

#include "checkpoint.h"
#include "stage.h"

namespace sx {

class DirSinkOperator : public Operator {
 public:
  // `out` receives nothing (the files are the output); it is the driver's.
  DirSinkOperator(const std::string& path, CheckpointDir& ckpt, Output& out);
  ~DirSinkOperator() override;
  void on_record(const Line& line, const std::string& source) override;
  void on_control(const Control& control, std::string_view raw) override;
  void on_end() override;

 private:
  void commit(std::int64_t epoch);

  std::string path_;
  CheckpointDir& ckpt_;
  std::int64_t committed_;  // newest committed epoch
  std::unique_ptr<Output> staged_;
  std::string staged_path_;
  std::uint64_t records_ = 0;
};

}  // namespace sx
