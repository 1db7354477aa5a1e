// Lines into numbered files in a directory, as a producer feeding Spark's file
// source would: DIR/batch_000000.json, batch_000001.json, ... of `batch_size`
// lines each (the last may be shorter). Each file is written under a hidden
// name (".batch_000000.json") and renamed when complete, so a reader watching
// DIR (sx-read --follow DIR, which skips names starting with '.') never sees a
// partial file. Files of the same names already in DIR are replaced.
//
// Candidate for lib/ (an atomic-publish file writer) if sx-sink grows a
// directory output.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "io/output.h"

namespace sx::gen {

class BatchDir {
 public:
  // Creates `dir` (and its parents) when missing; throws io_error.
  // REQUIRES: batch_size >= 1.
  // `header` ('\n' included, or ""): the first line of every file (CSV's);
  // `ext`: the files' extension (".json", ".log", ".csv").
  BatchDir(std::string dir, std::uint64_t batch_size, std::string header = "",
           std::string ext = ".json");
  ~BatchDir();  // removes a hidden file left incomplete (after an error)
  BatchDir(const BatchDir&) = delete;
  BatchDir& operator=(const BatchDir&) = delete;

  // Appends one line ('\n' included); publishes the file when it is full.
  void write(std::string_view line);
  // Nothing to do: a file becomes visible only when it is complete.
  void flush() {}
  // Publishes the last, partial file, if any.
  void finish();

  std::uint64_t files() const { return index_; }  // published so far

 private:
  std::string name(bool hidden) const;
  void publish();

  std::string dir_;
  std::uint64_t batch_size_;
  std::string header_;
  std::string ext_;
  std::uint64_t index_ = 0;
  std::uint64_t lines_ = 0;  // in the open file
  std::unique_ptr<Output> file_;
};

}  // namespace sx::gen
