// The frame every tool runs in: one CLI11 app per tool, the common flags
// defined once (same spelling, default and help everywhere), and the mapping of
// errors to messages and exit codes (error.h). Tools call tool_main() from
// main() and nothing else exits.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "base/diag.h"  // warn, note, tool_name: tools include cli.h only
#include "base/error.h"

namespace sx {

struct ToolInfo {
  const char* name;      // "sx-read"
  const char* about;     // the opening paragraph of --help: what the tool means
  const char* examples;  // the closing part of --help: runnable examples
};

// Builds the app, lets `define` add the tool's flags, parses argv, then calls
// `run`, whose result is the exit code. A usage error prints
// "<tool>: error: <reason>" plus a hint (a "did you mean" for a mistyped flag)
// and returns kExitUsage; an Error thrown by `run` prints
// "<tool>: error: <message>" and returns its exit code; BrokenPipe returns
// kExitOk quietly. SIGPIPE is ignored so that writes report EPIPE instead.
// `run` gets the parsed app, for the flags whose being given matters
// (app.get_option("--select")->count()).
int tool_main(const ToolInfo& info, int argc, char** argv,
              const std::function<void(CLI::App&)>& define,
              const std::function<int(const CLI::App&)>& run);

// --on-error and --max-line-bytes: how a stage treats bad input lines.
struct InputFlags {
  std::string on_error = "fail";  // fail | skip | dead-letter=FILE
  std::size_t max_line_bytes = std::size_t{16} << 20;
};
void add_input_flags(CLI::App& app, InputFlags& flags);

// --time-field, --time-format, --time-zone: where event time comes from when a
// stage is given plain NDJSON (a `stream` header from sx-read overrides them
// in later stages).
struct TimeFlags {
  std::string time_field;
  std::string time_format = "auto";
  std::string time_zone = "UTC";
};
void add_time_flags(CLI::App& app, TimeFlags& flags);
// --progress FILE: a progress record per epoch (progress.h).
void add_progress_flag(CLI::App& app, std::string& path);
// --name NAME: the stage's name in the --checkpoint directory (default: the tool's).
void add_name_flag(CLI::App& app, std::string& name);

// --wait-lock: with --checkpoint, wait for another run that holds the
// pipeline's locks (run_lock.h) instead of failing at once with status 75.
void add_lock_flag(CLI::App& app, bool& wait);

// After parsing: the flags as a TimeOverride (record_time.h), noting which
// were given, for stages that read the time settings from the stream header.
struct TimeOverride;
void time_override(const CLI::App& app, const TimeFlags& flags, TimeOverride* out);

// Parses a byte size such as 16MiB, 4096, 64k, 1G (k/M/G are binary). Throws
// usage_error naming `flag` and `text` for a negative, fractional or malformed
// size, zero, or one larger than 1TiB (no line or state is that long; the
// bound keeps arithmetic on sizes from wrapping).
std::size_t parse_byte_size(const std::string& flag, const std::string& text);

// parse_duration(text, allow_zero) (duration.h) with `flag` named in the
// usage error: "--watermark: invalid duration '5x': ...".
std::int64_t flag_duration(const std::string& flag, const std::string& text,
                           bool allow_zero = false);

// A CLI11 transform for count flags (--max-keys, --num-rows...): decimal
// digits only, at least `min`, at most `max`. CLI11 alone reads "-1" as
// 2^64-1 and "010" as octal 8; this refuses the first with a message giving
// the range and reads the second as 10. Use with ->transform(), not ->check().
CLI::Validator count_check(std::uint64_t min = 0, std::uint64_t max = UINT64_MAX);

// A CLI11 check for flags whose empty value would silently mean "none"
// (--time-field "", --watermark ""): refuses the empty string.
CLI::Validator non_empty_check(const std::string& what);

}  // namespace sx
