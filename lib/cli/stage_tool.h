// The run of a stage tool (sx-dedup, sx-join, sx-window): the flags every
// stage has, and the block that builds the stage around its operator and
// drives it, written once.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "io/output.h"
#include "stream/bad_input.h"
#include "stream/stage.h"

namespace sx {

// The values of the flags that every stage tool has.
struct StageFlags {
  std::vector<std::string> inputs;  // FILE ...: the streams to read ('-' or none: stdin)
  InputFlags input;                 // --on-error, --max-line-bytes
  std::string progress;             // --progress FILE (empty: none)
  bool wait_lock = false;           // --wait-lock
};

// Defines the FILE ... argument: the streams to read.
void add_inputs_arg(CLI::App& app, std::vector<std::string>& inputs);

// Builds the operator on the output (stdout) and the bad-input policy
// (--on-error), opens the --progress file, then, with SIGINT/SIGTERM caught
// (signals.h) and the run lock held (run_lock.h; nothing without a
// checkpoint), drives the operator over the inputs (run_stage). `checkpoint`
// and `name` are the stage's --checkpoint and --name. Returns kExitOk; throws
// what the operator, the lock and the driver throw (tool_main maps it).
using MakeOperator = std::function<std::unique_ptr<Operator>(Output&, BadInputPolicy&)>;
int run_stage_tool(const StageFlags& flags, const std::string& checkpoint, const std::string& name,
                   const MakeOperator& make);

}  // namespace sx
