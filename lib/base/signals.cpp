#include "base/signals.h"

#include <cstring>

namespace sx {

namespace detail {
volatile std::sig_atomic_t g_stop_signal = 0;
}

namespace {

extern "C" void on_stop_signal(int sig) {
  if (detail::g_stop_signal != 0) {
    // The second time: the default action, now.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);
    return;
  }
  detail::g_stop_signal = sig;
}

}  // namespace

void stop_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

Error interrupted_error() {
  const int sig = stop_signal();
  return Error(Error::Kind::kInterrupted,
               std::string("stopped by ") + (sig == SIGINT    ? "SIGINT"
                                             : sig == SIGTERM ? "SIGTERM"
                                                              : "a signal"));
}

}  // namespace sx
