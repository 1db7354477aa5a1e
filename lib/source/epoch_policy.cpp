#include "source/epoch_policy.h"

#include <algorithm>
#include <chrono>

namespace sx {

namespace {

class SteadyClock final : public Clock {
 public:
  Micros now() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Clock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

EpochPolicy::EpochPolicy(std::uint64_t max_records, std::uint64_t max_files, Micros watermark_delay,
                         Clock& clock)
    : clock_(clock),
      max_records_(max_records),
      max_files_(max_records == 0 && max_files == 0 ? 1 : max_files),
      records_given_(max_records != 0),
      delay_(watermark_delay) {}

void EpochPolicy::set_live(Micros bound, Micros idle, bool ticking) {
  live_ = bound;
  idle_ = idle;
  ticking_ = ticking;
  if (bound > 0) opened_ = clock_.now();
}

Micros EpochPolicy::wait_deadline(Micros now, Micros quiet_since) {
  if (in_epoch_ == 0) {  // nothing open: the next epoch opens with its first record
    opened_ = now;
    return kNever;
  }
  Micros deadline = opened_ + live_;
  if (!ticking_ && idle_ > 0) deadline = std::min(deadline, quiet_since + idle_);
  return deadline;
}

bool EpochPolicy::after_poll(Micros now, Micros last_data, bool got) {
  if (ticking_) {  // an epoch every tick that had records
    if (now - opened_ < live_) return false;
    opened_ = now;
    return in_epoch_ > 0;
  }
  return in_epoch_ > 0 &&
         (now - opened_ >= live_ || (!got && (idle_ == 0 || now - last_data >= idle_)));
}

EpochPolicy::Ended EpochPolicy::end_epoch(Micros now) {
  Ended e{state_.next_epoch, in_epoch_, state_.watermark, false};
  if (delay_ >= 0 && state_.max_time != EventTime::none()) {
    const EventTime wm = next_watermark(state_.max_time, delay_);
    if (wm > state_.watermark && wm.us > 0) {
      state_.watermark = wm;
      e.advanced = true;
    }
  }
  state_.wm_last_epoch = e.in_force;
  ++state_.next_epoch;
  in_epoch_ = 0;
  files_in_epoch_ = 0;
  opened_ = now;
  return e;
}

std::int64_t EpochPolicy::end_empty_epoch(Micros now) {
  state_.wm_last_epoch = state_.watermark;
  opened_ = now;
  return state_.next_epoch++;
}

}  // namespace sx
