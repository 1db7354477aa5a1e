// The clickstream model of sx-gen: one deterministic sequence of NDJSON lines
//   {"event_id":"e1","timestamp":"2024-01-01T00:00:00Z","user_id":42,
//    "event_type":"click","value":123.45,"session_id":"session_7"}
// for a seed and a set of options. Knows nothing of files, flags or clocks.
//
// Three independent random streams keep the knobs apart: the events' content
// and event-time gaps, the choice of late events, and the choice of
// duplicates. So the original events (e1, e2, ...) carry the same fields
// whatever --late-fraction and --duplicate-fraction are (only a late event's
// timestamp differs), and removing the duplicates of a stream leaves a prefix
// of the stream generated without them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/event_time.h"
#include "rng.h"

namespace sx::gen {

// How each event is written (--format): NDJSON (above); an nginx "combined"
// access log line made of the same fields (combined_line in clickstream.cpp);
// a CSV row under a header line (header()).
enum class GenFormat { kNdjson, kCombined, kCsv };

struct ClickstreamOptions {
  GenFormat format = GenFormat::kNdjson;
  std::uint64_t seed = 1;
  EventTime start{};                         // event time of e1
  Micros time_step = 100 * kMicrosPerMilli;  // mean gap; gaps uniform in [0, 2*step]
  double late_fraction = 0;                  // probability that an original event is late
  Micros late_max = 10 * kMicrosPerMinute;   // lateness uniform in [1s, late_max]
  double duplicate_fraction = 0;             // probability that a line repeats a recent event
  std::uint64_t users = 1000;                // user_id uniform in 1..users
};

class Clickstream {
 public:
  static constexpr std::size_t kRecent = 100;      // duplicates copy one of these
  static constexpr std::size_t kMaxLine = 320;     // longest line is 220 bytes
  static constexpr std::uint64_t kSessions = 100;  // session_1 .. session_100

  // REQUIRES: fractions in [0, 1], time_step >= 1, late_max >= 1s, users >= 1
  // (the tool validates its flags before building one).
  explicit Clickstream(const ClickstreamOptions& options);

  // The next line, '\n' included. The view stays valid until the next call.
  // Throws data_error when event time would leave the representable range.
  std::string_view next();

  std::uint64_t originals() const { return originals_; }  // events made so far

  // The line before the events ('\n' included): CSV's header; "" otherwise.
  std::string_view header() const;

  // The event time of the next original event (and of those after it, until
  // the next call), instead of the last one plus a random gap: the caller's
  // clock, for --wall-clock. Field values stay as without it.
  void set_now(Micros t) {
    now_ = t;
    clocked_ = true;
  }

 private:
  struct Slot {
    std::size_t len;
    char bytes[kMaxLine];
  };

  std::string_view make_original();

  ClickstreamOptions opt_;
  Rng events_;      // gaps and field values
  Rng late_;        // which events are late, and by how much
  Rng duplicates_;  // which lines are duplicates, and of which event
  std::uint64_t late_threshold_;
  std::uint64_t duplicate_threshold_;
  Micros now_;            // current (in-order) event time
  bool clocked_ = false;  // set_now was called: no gaps added
  std::uint64_t originals_ = 0;
  Slot recent_[kRecent];  // ring of the last kRecent original lines
  std::size_t recent_next_ = 0;
  std::size_t recent_count_ = 0;
};

}  // namespace sx::gen
