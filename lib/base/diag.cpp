#include "base/diag.h"

#include <cstdio>

namespace sx {

namespace {
const char* g_tool = "sx";
}  // namespace

const char* tool_name() { return g_tool; }
void set_tool_name(const char* name) { g_tool = name; }

void warn(const std::string& message) {
  std::fprintf(stderr, "%s: warning: %s\n", g_tool, message.c_str());
}

void note(const std::string& message) { std::fprintf(stderr, "%s: %s\n", g_tool, message.c_str()); }

}  // namespace sx
