#include "cli/stage_tool.h"

#include "base/error.h"
#include "base/signals.h"
#include "stream/progress.h"
#include "stream/run_lock.h"

namespace sx {

void add_inputs_arg(CLI::App& app, std::vector<std::string>& inputs) {
  app.add_option("inputs", inputs, "Streams to read; '-' or none: stdin")->type_name("FILE");
}

int run_stage_tool(const StageFlags& flags, const std::string& checkpoint, const std::string& name,
                   const MakeOperator& make) {
  Output out(1);
  BadInputPolicy bad(flags.input.on_error);
  const std::unique_ptr<Operator> op = make(out, bad);
  std::unique_ptr<ProgressWriter> writer;
  if (!flags.progress.empty()) writer = std::make_unique<ProgressWriter>(flags.progress, name);
  const StageInput in{flags.inputs, flags.input.max_line_bytes, writer.get()};
  stop_on_signals();
  const RunLock lock(checkpoint, name, flags.wait_lock);
  run_stage(in, *op, out, bad);
  return kExitOk;
}

}  // namespace sx
