#include "state/window.h"

#include "base/duration.h"
#include "base/error.h"

namespace sx {

WindowAssigner::WindowAssigner(const WindowSpec& spec) : spec_(spec) {
  if (spec_.kind == WindowKind::kTumbling) spec_.slide = spec_.size;
  if (spec_.kind != WindowKind::kNone) {
    try {
      zone_ = std::make_unique<TimeParser>("iso8601", spec_.zone);
      utc_ = zone_->is_utc();
    } catch (const Error& e) {
      throw usage_error(std::string("--window-time-zone: ") + e.what());
    }
  }
  if (spec_.kind != WindowKind::kTumbling && spec_.kind != WindowKind::kSliding) return;
  if (spec_.size <= 0 || spec_.slide <= 0)
    throw usage_error("window size and slide must be positive");
  if (spec_.slide > spec_.size) {
    throw usage_error("--slide " + format_duration(spec_.slide) + " is longer than --window " +
                      format_duration(spec_.size) +
                      ": records between windows would be lost (use a slide no longer than the "
                      "window, or --tumbling)");
  }
  if (spec_.offset <= -spec_.slide || spec_.offset >= spec_.slide) {
    throw usage_error("--offset " +
                      format_duration(spec_.offset < 0 ? -spec_.offset : spec_.offset) +
                      " must be shorter than the slide " + format_duration(spec_.slide) +
                      " (as Spark's startTime)");
  }
  max_windows_ = static_cast<std::size_t>((spec_.size + spec_.slide - 1) / spec_.slide);
  calendar_ =
      !zone_->is_utc() && spec_.size % kMicrosPerDay == 0 && spec_.slide % kMicrosPerDay == 0;
}

}  // namespace sx
