// Diagnostics on stderr, for engine code that has something to tell the user
// but no business knowing the command line: "<tool>: warning: ..." and
// "<tool>: ...". The tool's name is set once by tool_main (cli.h).
#pragma once

#include <string>

namespace sx {

// Prints "<tool>: warning: <message>" on stderr (summaries, skipped counts).
void warn(const std::string& message);
// "<tool>: <message>" on stderr: a count the user should see, not a problem.
void note(const std::string& message);
// The running tool's name ("sx" outside tool_main), for messages.
const char* tool_name();
// Called once by tool_main; `name` must outlive the process (a literal).
void set_tool_name(const char* name);

}  // namespace sx
