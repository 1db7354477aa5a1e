// sx-window's plan (ops/window_plan.h): the window kind and sizes, the
// offset, the default mode and the checkpoint fingerprint, from the flags as
// given, with plain numbers.
#include "ops/window_plan.h"

#include <doctest/doctest.h>

#include <string>

#include "base/duration.h"
#include "base/error.h"

using sx::OutputMode;
using sx::WindowFlags;
using sx::WindowKind;
using sx::WindowOptions;

namespace {

constexpr sx::Micros kMin = 60 * sx::kMicrosPerSecond;

WindowOptions plan(const WindowFlags& f, std::vector<std::string> by = {},
                   std::vector<std::string> aggs = {}) {
  WindowOptions opt;
  opt.by = std::move(by);
  opt.aggs = std::move(aggs);
  sx::plan_window(f, &opt);
  return opt;
}

// The usage error's message, or "" when plan_window does not throw one.
std::string refusal(const WindowFlags& f) {
  try {
    plan(f);
  } catch (const sx::Error& e) {
    if (e.kind() == sx::Error::Kind::kUsage) return e.what();
    return std::string("not a usage error: ") + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("issue 12: window plan: tumbling, sliding and session sizes") {
  WindowFlags f;
  f.tumbling = "5m";
  WindowOptions o = plan(f);
  CHECK(o.window.kind == WindowKind::kTumbling);
  CHECK(o.window.size == 5 * kMin);
  CHECK(o.window.slide == 5 * kMin);
  CHECK(o.window.offset == 0);
  CHECK(o.window.zone == "UTC");
  CHECK_FALSE(o.window_zone_given);

  f = {};
  f.window = "10m";
  o = plan(f);  // --window without --slide is tumbling
  CHECK(o.window.kind == WindowKind::kTumbling);
  CHECK(o.window.slide == 10 * kMin);
  f.slide = "10m";
  CHECK(plan(f).window.kind == WindowKind::kTumbling);  // a slide equal to the size too
  f.slide = "3m";
  o = plan(f);
  CHECK(o.window.kind == WindowKind::kSliding);
  CHECK(o.window.size == 10 * kMin);
  CHECK(o.window.slide == 3 * kMin);

  f = {};
  f.session = "30s";
  o = plan(f);
  CHECK(o.window.kind == WindowKind::kSession);
  CHECK(o.window.gap == 30 * sx::kMicrosPerSecond);

  o = plan(WindowFlags{});
  CHECK(o.window.kind == WindowKind::kNone);
}

TEST_CASE("issue 12: window plan: offsets, forwards, backwards and zero") {
  WindowFlags f;
  f.tumbling = "1h";
  f.offset = "15m";
  CHECK(plan(f).window.offset == 15 * kMin);
  f.offset = "-15m";
  CHECK(plan(f).window.offset == -15 * kMin);
  f.offset = "0s";  // Spark's startTime 0: no shift, and no fingerprint entry
  WindowOptions o = plan(f);
  CHECK(o.window.offset == 0);
  for (const auto& [k, v] : o.fingerprint) CHECK(k != "offset");
  f.tumbling.clear();
  f.session = "5m";
  f.offset = "1m";
  CHECK(refusal(f) == "--offset shifts --tumbling and --window windows only");
}

TEST_CASE("issue 12: window plan: the default mode, and modes as given") {
  WindowFlags f;
  CHECK(plan(f).mode == OutputMode::kUpdate);  // a running aggregation
  f.tumbling = "1m";
  CHECK(plan(f).mode == OutputMode::kAppend);
  f.mode = "complete";
  CHECK(plan(f).mode == OutputMode::kComplete);
  f.mode = "appendd";
  CHECK(refusal(f) == "--mode: 'appendd' is not an output mode (use append, update or complete)");
  CHECK(sx::default_mode(WindowKind::kSession) == OutputMode::kAppend);
  CHECK(sx::default_mode(WindowKind::kNone) == OutputMode::kUpdate);
}

TEST_CASE("issue 12: window plan: the fingerprint holds the flags as given and the mode") {
  WindowFlags f;
  f.window = "10 minutes";
  f.slide = "PT5M";
  f.offset = "-1m";
  f.window_zone = "Europe/Paris";
  WindowOptions o = plan(f, {"user_id", "page as p"}, {"count", "sum(v)"});
  const sx::Fingerprint want = {{"window", "10 minutes"}, {"slide", "PT5M"},
                                {"offset", "-1m"},        {"window-time-zone", "Europe/Paris"},
                                {"by", "user_id"},        {"by", "page as p"},
                                {"agg", "count"},         {"agg", "sum(v)"},
                                {"mode", "append"}};
  CHECK(o.fingerprint == want);
  CHECK(o.window_zone_given);

  f = {};
  f.ttl = "1h";
  o = plan(f, {"k"});  // no --agg: count; the default mode; the TTL as given
  const sx::Fingerprint running = {
      {"by", "k"}, {"agg", "count"}, {"mode", "update"}, {"ttl", "1h"}};
  CHECK(o.fingerprint == running);
  CHECK(o.ttl == 60 * kMin);

  f = {};
  f.session = "30m";
  const sx::Fingerprint session = {
      {"session", "30m"}, {"window-time-zone", "UTC"}, {"agg", "count"}, {"mode", "append"}};
  CHECK(plan(f).fingerprint == session);
}

TEST_CASE("issue 12: window plan: flags that do not go together, and bad values") {
  WindowFlags f;
  f.tumbling = "1m";
  f.session = "1m";
  CHECK(refusal(f) == "give one of --tumbling, --window (with --slide) and --session");
  f = {};
  f.slide = "1m";
  CHECK(refusal(f) == "--slide goes with --window SIZE (sliding windows)");
  f = {};
  f.window_zone = "UTC";
  CHECK(refusal(f) ==
        "--window-time-zone goes with a window flag (--tumbling, --window or --session)");
  f = {};
  f.tumbling = "soon";
  CHECK(refusal(f).starts_with("--tumbling: "));
  f = {};
  f.tumbling = "0s";  // a zero size is an error (only --offset takes 0)
  CHECK(refusal(f).starts_with("--tumbling: "));
  f = {};
  f.max_windows_per_record = "-1";
  CHECK(refusal(f) ==
        "--max-windows-per-record: '-1' is not a count (a whole number such as 1000, or 0 for no "
        "limit)");
  f.max_windows_per_record = "1440";
  CHECK(plan(f).max_windows_per_record == 1440);
  CHECK(plan(WindowFlags{}).max_windows_per_record == 1000);
}
