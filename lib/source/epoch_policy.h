// Where a source's epochs end, and the watermark each epoch leaves in force
// (sx(7), "EPOCHS AND WATERMARKS"). Knows no I/O: the source reports records,
// files and waits, and writes the control records the policy decides on.
//
// The determinism contract: for file input (no live bound set), epoch
// boundaries depend only on the sequence of records and files, never on the
// clock, which is then not even read; so a replay is byte-identical. Live
// input (set_live) also ends an epoch by the clock: when it has been open
// for the live bound, or quiet for the idle time.
#pragma once

#include <cstdint>
#include <limits>

#include "base/event_time.h"

namespace sx {

// Steady (monotonic) microseconds. Tests pass a fake one.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros now() = 0;
};

// The process's steady clock.
Clock& steady_clock();

// The position in the epoch sequence and the event-time state, as a
// checkpoint keeps it.
struct EpochState {
  std::int64_t next_epoch = 0;                  // the id of the epoch being read
  EventTime max_time = EventTime::none();       // max event time seen
  EventTime watermark = EventTime::none();      // in force for the next epoch
  EventTime wm_last_epoch = EventTime::none();  // in force during the newest epoch written
};

class EpochPolicy {
 public:
  static constexpr Micros kNever = std::numeric_limits<Micros>::max();

  // max_records, max_files: the limits (0: none; neither given: one file an
  // epoch). watermark_delay < 0: no watermark. `clock` outlives the policy.
  EpochPolicy(std::uint64_t max_records, std::uint64_t max_files, Micros watermark_delay,
              Clock& clock);

  // ---- epoch boundaries ----
  // A record was handed on: true when the epoch must end after it (the record
  // limit; on live input, every 256 records, the live bound).
  bool add_record() {
    ++records_;
    ++in_epoch_;
    if (live_ > 0 && (records_ & 0xFF) == 0 && clock_.now() - opened_ >= live_) return true;
    return max_records_ != 0 && in_epoch_ >= max_records_;
  }
  // A file was read to its end: true when the epoch must end (the file limit).
  bool add_file() {
    ++files_in_epoch_;
    return max_files_ != 0 && files_in_epoch_ >= max_files_;
  }
  // The record limit when none was given (stdin's default).
  void default_max_records(std::uint64_t n) {
    if (!records_given_) max_records_ = n;
  }
  // While a live input is read: an epoch ends when it has been open for
  // `bound` (0: file input, no clock), or when the input has been quiet for
  // `idle` (a stdin pipe: 0 is never; --follow: 0 is at the first poll
  // without data). `ticking` (--trigger interval): the bound is a
  // processing-time trigger, and quiet input ends no epoch.
  void set_live(Micros bound, Micros idle, bool ticking);
  bool live() const { return live_ > 0; }
  // A live input has no data at `now`; data last came at `quiet_since`.
  // Returns when the open epoch must end (kNever: none is open, and the
  // next one opens with its first record): the source waits for data until
  // then, and ends the epoch if none came.
  Micros wait_deadline(Micros now, Micros quiet_since);
  // --follow, before a poll at `now`: an epoch not open yet opens with its
  // next record (under `ticking`, epochs follow the trigger's ticks instead).
  void before_poll(Micros now) {
    if (in_epoch_ == 0 && !ticking_) opened_ = now;
  }
  // --follow, after a poll at `now` (`got`: it read records; data last came
  // at `last_data`): whether the open epoch ends now.
  bool after_poll(Micros now, Micros last_data, bool got);

  // ---- event time ----
  // An event time seen. Returns true when the starting watermark (1970, as
  // Spark's) must be written before this record: the first event at or
  // before it, with a watermark and none in force yet.
  bool observe(EventTime t) {
    if (t > state_.max_time) state_.max_time = t;
    if (t.us <= 0 && state_.watermark == EventTime::none() && delay_ >= 0) {
      state_.watermark = EventTime{0};
      return true;
    }
    return false;
  }

  // ---- ending epochs ----
  struct Ended {
    std::int64_t id;        // of the epoch ended
    std::uint64_t records;  // in it
    EventTime in_force;     // the watermark in force during it
    bool advanced;          // the watermark for the next one moved: write it
  };
  // Whether an epoch with records is open.
  bool open() const { return in_epoch_ > 0; }
  // Ends the open epoch (REQUIRES: open()) and computes the next watermark.
  // Call save() of the checkpoint after it, before the epoch record.
  Ended end_epoch(Micros now);
  // An epoch with no records, run with the current watermark (Spark's
  // no-data batch). Returns its id.
  std::int64_t end_empty_epoch(Micros now);
  // The end of a finite stream: the final watermark (+inf) is in force.
  void end_stream() {
    state_.watermark = EventTime::end();
    state_.wm_last_epoch = state_.watermark;
  }
  // Whether a no-data epoch is owed: the watermark moved past the one in
  // force during the newest epoch written.
  bool no_data_epoch_owed() const { return state_.watermark > state_.wm_last_epoch; }

  const EpochState& state() const { return state_; }
  // Restores the state a checkpoint kept (before anything is read).
  void restore(const EpochState& s) {
    state_ = s;
    first_epoch_ = s.next_epoch;
  }
  std::int64_t first_epoch() const { return first_epoch_; }  // of this run
  std::uint64_t records() const { return records_; }         // in this run
  std::uint64_t records_in_epoch() const { return in_epoch_; }

 private:
  Clock& clock_;
  std::uint64_t max_records_;
  std::uint64_t max_files_;
  bool records_given_;
  Micros delay_;
  Micros live_ = 0;
  Micros idle_ = 0;
  bool ticking_ = false;
  Micros opened_ = 0;  // clock when the open epoch opened (live input)
  std::uint64_t records_ = 0, in_epoch_ = 0, files_in_epoch_ = 0;
  EpochState state_;
  std::int64_t first_epoch_ = 0;
};

}  // namespace sx
