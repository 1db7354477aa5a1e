// SIGINT and SIGTERM (sx(7), SIGNALS): the only way to stop a --follow
// pipeline, so a stopped stage must still end well: stop at a line boundary,
// flush its side files (dead letters, --late, --duplicates), write its
// summary, commit no partial epoch, and exit with status 130.
//
// The handler only records the signal; the readers look at the flag where
// they would otherwise wait or refill a buffer (once per block, never per
// line), and throw interrupted_error() between lines. The handler is
// installed without SA_RESTART, so a read or poll that blocks returns EINTR.
// A second signal while the first is handled ends the process at once (the
// default action), for a stage that is stuck.
#pragma once

#include <csignal>
#include <string>

#include "base/error.h"

namespace sx {

namespace detail {
extern volatile std::sig_atomic_t g_stop_signal;
}

// Installs the handlers (tools that check the flag: sx-read and the stages).
void stop_on_signals();
// The signal that asked to stop, 0 when none did.
inline int stop_signal() { return detail::g_stop_signal; }
inline bool interrupted() { return detail::g_stop_signal != 0; }
// "stopped by SIGTERM", as an Error of kind kInterrupted (exit status 130).
Error interrupted_error();

}  // namespace sx
