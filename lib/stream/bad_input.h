// What a stage does with a bad input line (--on-error): fail at the first
// (default), skip it and count it, or append it to a dead-letter file. Nothing
// is dropped silently: skip and dead-letter print a summary on stderr at exit.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "io/bad_kind.h"
#include "io/output.h"

namespace sx {

// The reason for a line longer than the limit, with the limit:
// "line longer than --max-line-bytes (16MiB); raise it with --max-line-bytes
// if such lines are expected". `what` is "line" or "record".
std::string too_long_reason(std::size_t limit, const char* what = "line");

class BadInputPolicy {
 public:
  enum class Mode { kFail, kSkip, kDeadLetter };

  // `spec`: "fail", "skip" or "dead-letter=FILE" (FILE is appended to).
  // Throws usage_error for anything else, io_error if FILE cannot be opened.
  explicit BadInputPolicy(const std::string& spec);

  // Handles one bad line of `source` (a file name or "stdin"). In fail mode
  // throws data_error("SOURCE:LINE: REASON"). Otherwise counts it; in
  // dead-letter mode appends {"source","line","reason","raw"} (or "raw_base64"
  // when the line is not UTF-8, plus "raw_truncated":true for a too-long line,
  // whose first bytes only are kept) to the file.
  void handle(BadKind kind, std::string_view source, std::uint64_t line, std::string_view reason,
              std::string_view raw);

  // Flushes the dead-letter file and prints "<tool>: warning: skipped N bad
  // lines (...)" when any were met. Call once at the end, also on error paths.
  void finish();

  Mode mode() const { return mode_; }
  std::uint64_t count() const { return total_; }
  std::uint64_t count(BadKind kind) const { return counts_[static_cast<std::size_t>(kind)]; }

 private:
  Mode mode_ = Mode::kFail;
  std::string path_;
  std::unique_ptr<Output> dead_letter_;
  std::array<std::uint64_t, static_cast<std::size_t>(BadKind::kCount)> counts_{};
  std::uint64_t total_ = 0;
  bool finished_ = false;
};

std::string base64_encode(std::string_view bytes);

// The record a dead-letter or --late file keeps for a rejected line:
// {"source","line","reason","raw"} ("raw_base64" when the line is not UTF-8;
// "raw_truncated":true when only its first bytes are kept).
std::string make_reject_record(std::string_view source, std::uint64_t line, std::string_view reason,
                               std::string_view raw, bool truncated);

}  // namespace sx
