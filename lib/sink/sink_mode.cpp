#include "sink/sink_mode.h"

#include "base/error.h"

namespace sx {

SinkMode parse_sink_mode(const std::string& name) {
  if (name == "append") return SinkMode::kAppend;
  if (name == "update") return SinkMode::kUpdate;
  if (name == "complete") return SinkMode::kComplete;
  throw usage_error("--mode: unknown output mode '" + name + "' (use append, update or complete)");
}

const char* sink_mode_name(SinkMode mode) {
  switch (mode) {
    case SinkMode::kAppend:
      return "append";
    case SinkMode::kUpdate:
      return "update";
    case SinkMode::kComplete:
      return "complete";
  }
  return "append";
}

}  // namespace sx
