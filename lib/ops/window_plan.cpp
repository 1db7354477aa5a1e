#include "ops/window_plan.h"

#include "base/duration.h"
#include "base/error.h"

namespace sx {

OutputMode parse_output_mode(const std::string& name) {
  if (name == "append") return OutputMode::kAppend;
  if (name == "update") return OutputMode::kUpdate;
  if (name == "complete") return OutputMode::kComplete;
  throw usage_error("--mode: '" + name +
                    "' is not an output mode (use append, update or complete)");
}

OutputMode default_mode(WindowKind kind) {
  return kind != WindowKind::kNone ? OutputMode::kAppend : OutputMode::kUpdate;
}

namespace {

Micros duration_flag(const std::string& flag, const std::string& text, bool allow_zero = false) {
  try {
    return parse_duration(text, allow_zero);
  } catch (const Error& e) {
    throw usage_error(flag + ": " + e.what());
  }
}

// A count flag: digits only (no sign, no wrap-around), at most 18 of them.
std::uint64_t count_flag(const std::string& flag, const std::string& text) {
  const bool digits = !text.empty() && text.size() <= 18 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    throw usage_error(flag + ": '" + text +
                      "' is not a count (a whole number such as 1000, "
                      "or 0 for no limit)");
  }
  return std::stoull(text);
}

const char* mode_name(OutputMode m) {
  switch (m) {
    case OutputMode::kAppend:
      return "append";
    case OutputMode::kUpdate:
      return "update";
    case OutputMode::kComplete:
      return "complete";
  }
  return "";
}

}  // namespace

void plan_window(const WindowFlags& f, WindowOptions* opt) {
  if (!f.max_windows_per_record.empty()) {
    opt->max_windows_per_record = count_flag("--max-windows-per-record", f.max_windows_per_record);
  }
  const int kinds = !f.tumbling.empty() + !f.window.empty() + !f.session.empty();
  if (kinds > 1) {
    throw usage_error("give one of --tumbling, --window (with --slide) and --session");
  }
  if (!f.slide.empty() && f.window.empty()) {
    throw usage_error("--slide goes with --window SIZE (sliding windows)");
  }
  WindowSpec& w = opt->window;
  if (!f.tumbling.empty()) {
    w.kind = WindowKind::kTumbling;
    w.size = w.slide = duration_flag("--tumbling", f.tumbling);
  } else if (!f.window.empty()) {
    w.size = duration_flag("--window", f.window);
    w.slide = f.slide.empty() ? w.size : duration_flag("--slide", f.slide);
    w.kind = w.slide == w.size ? WindowKind::kTumbling : WindowKind::kSliding;
  } else if (!f.session.empty()) {
    w.kind = WindowKind::kSession;
    w.gap = duration_flag("--session", f.session);
  }
  if (!f.offset.empty()) {
    if (w.kind != WindowKind::kTumbling && w.kind != WindowKind::kSliding) {
      throw usage_error("--offset shifts --tumbling and --window windows only");
    }
    const bool neg = f.offset[0] == '-';
    // 0 is no offset, as Spark's startTime 0.
    w.offset =
        duration_flag("--offset", neg ? f.offset.substr(1) : f.offset, true) * (neg ? -1 : 1);
  }
  if (!f.window_zone.empty()) {
    if (w.kind == WindowKind::kNone) {
      throw usage_error(
          "--window-time-zone goes with a window flag (--tumbling, --window "
          "or --session)");
    }
    w.zone = f.window_zone;
    opt->window_zone_given = true;
  }
  opt->mode = f.mode.empty() ? default_mode(w.kind) : parse_output_mode(f.mode);
  if (!f.ttl.empty()) opt->ttl = duration_flag("--ttl", f.ttl);
  // What the checkpointed state means: the window flags as given, the keys,
  // the aggregates in order, the (effective) mode, the TTL.
  Fingerprint& fp = opt->fingerprint;
  fp.clear();
  if (!f.tumbling.empty()) fp.emplace_back("tumbling", f.tumbling);
  if (!f.window.empty()) fp.emplace_back("window", f.window);
  if (!f.slide.empty()) fp.emplace_back("slide", f.slide);
  if (!f.session.empty()) fp.emplace_back("session", f.session);
  if (w.offset != 0) fp.emplace_back("offset", f.offset);
  if (w.kind != WindowKind::kNone) fp.emplace_back("window-time-zone", w.zone);
  for (const auto& b : opt->by) fp.emplace_back("by", b);
  if (opt->aggs.empty()) fp.emplace_back("agg", "count");
  for (const auto& a : opt->aggs) fp.emplace_back("agg", a);
  fp.emplace_back("mode", mode_name(*opt->mode));
  if (!f.ttl.empty()) fp.emplace_back("ttl", f.ttl);
}

}  // namespace sx
