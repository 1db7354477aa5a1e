// Real-time pacing for --rate: line i (0-based) is due at start + i / rate on
// the steady clock. The pacer checks the clock once per small batch of lines
// (about a thousandth of a second's worth), flushes the sink and sleeps until
// the batch is due; so output is smooth without a system call per line. A
// consumer slower than the rate is not compensated for: the pacer then
// writes as fast as it can until it is back on schedule.
//
// Candidate for lib/ if a replay tool (sx-read --replay-rate) ever needs one.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <thread>

namespace sx::gen {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  // REQUIRES: rate > 0 (lines per second). `stop` is polled while sleeping, so
  // that a signal handler setting it ends a long wait promptly.
  Pacer(double rate, const volatile std::sig_atomic_t* stop)
      : rate_(rate),
        batch_(static_cast<std::uint64_t>(std::max(1.0, std::floor(rate / 1000)))),
        stop_(stop),
        start_(Clock::now()) {}

  // Call before writing line `index`; waits until it is due.
  template <class Sink>
  void before(std::uint64_t index, Sink& sink) {
    if (index % batch_ != 0) return;
    const auto due =
        start_ + std::chrono::duration_cast<Clock::duration>(
                     std::chrono::duration<double>(static_cast<double>(index) / rate_));
    auto now = Clock::now();
    if (now >= due) return;
    sink.flush();
    constexpr auto kSlice = std::chrono::milliseconds(100);
    while (now < due && !*stop_) {
      std::this_thread::sleep_for(std::min<Clock::duration>(due - now, kSlice));
      now = Clock::now();
    }
  }

 private:
  double rate_;
  std::uint64_t batch_;
  const volatile std::sig_atomic_t* stop_;
  Clock::time_point start_;
};

}  // namespace sx::gen
