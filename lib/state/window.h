// Window assignment (sx(7), "Windows"): which event-time windows a record at
// instant t belongs to. Windows are half-open [start, end).
//
// Tumbling and sliding windows are aligned to the Unix epoch plus --offset
// (Spark's startTime): a record at t belongs to every [s, s+size) with
// s = t - ((t - offset) mod slide) - k*slide, k = 0, 1, ... while s + size > t.
// When the size and the slide are whole days and the time zone is not UTC,
// the same arithmetic runs on the zone's wall clock (calendar windows):
// a 1d window is a local day, 23 or 25 hours long across a DST change.
#pragma once

#include <cstdint>
#include <memory>

#include "base/event_time.h"
#include "base/time_parser.h"

namespace sx {

enum class WindowKind { kNone, kTumbling, kSliding, kSession };

struct WindowSpec {
  WindowKind kind = WindowKind::kNone;
  Micros size = 0;    // tumbling, sliding
  Micros slide = 0;   // tumbling: = size
  Micros offset = 0;  // alignment shift (Spark's startTime)
  Micros gap = 0;     // session
  // --window-time-zone: aligns calendar windows (whole days, not UTC) and is
  // the zone window bounds are written in (format_bound). It never changes
  // how event times are read (sx-read's stream header decides that).
  std::string zone = "UTC";
};

class WindowAssigner {
 public:
  // Throws usage_error for a spec Spark refuses (offset not smaller than the
  // slide, a slide longer than the size) or an unknown zone.
  explicit WindowAssigner(const WindowSpec& spec);

  // The number of windows a record can fall in: ceil(size / slide).
  std::size_t max_windows() const { return max_windows_; }
  bool calendar() const { return calendar_; }
  // True when window bounds are written in UTC ("Z"): the zone is UTC.
  bool utc() const { return utc_; }

  // Writes a window bound: ISO-8601 UTC with "Z" in UTC, else the zone's
  // wall-clock time with its offset at that instant (format_time_at_offset).
  // REQUIRES: buf has room for kMaxTimeText bytes.
  std::size_t format_bound(Micros t, char* buf) const {
    if (utc()) return format_time(EventTime{t}, buf);
    return format_time_at_offset(EventTime{t}, zone_->utc_offset(t), buf);
  }

  // Calls fn(start, end) for each window containing t, latest start first.
  template <class Fn>
  void assign(Micros t, Fn&& fn) const {
    if (!calendar_) {
      // Records come nearly in time order: most fall in the same slide as
      // the one before, which spares the division.
      if (t < same_from_ || t >= same_to_) {
        same_from_ = t - floor_mod(t - spec_.offset, spec_.slide);
        same_to_ = same_from_ + spec_.slide;
      }
      const Micros last = same_from_;
      for (Micros s = last; s > t - spec_.size; s -= spec_.slide) fn(s, s + spec_.size);
      return;
    }
    const Micros local = t + zone_->utc_offset(t);
    const Micros last = local - floor_mod(local - spec_.offset, spec_.slide);
    for (Micros s = last; s > local - spec_.size; s -= spec_.slide) {
      const Micros start = zone_->local_to_utc(s);
      const Micros end = zone_->local_to_utc(s + spec_.size);
      if (start <= t && t < end) fn(start, end);
    }
  }

 private:
  WindowSpec spec_;
  std::size_t max_windows_ = 1;
  bool calendar_ = false;
  bool utc_ = true;
  std::unique_ptr<TimeParser> zone_;
  mutable Micros same_from_ = 1, same_to_ = 0;  // the slide [from, to) of the last t
};

}  // namespace sx
