// The file source of sx-read: files, directories (their files in name order)
// and stdin; with --follow, tails files and picks up new files in
// directories. Its position (files read to their end, the partly read file,
// each tailed file's identity and offset) is its checkpoint payload
// (file_source_state.h); epochs and records go through a StreamWriter.
#pragma once

#include <cstdint>
#include <memory>

#include "io/output.h"
#include "source/epoch_policy.h"
#include "source/source.h"

namespace sx {

class FileSource final : public Source {
 public:
  // Throws usage_error for bad options (e.g. an unknown time zone).
  FileSource(SourceOptions options, Output& out, Clock& clock = steady_clock());
  ~FileSource() override;

  void run() override;
  std::uint64_t records() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sx
