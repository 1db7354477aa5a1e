// sx-window's plan: what its flags mean, decided once, before any input.
// The window kind and its sizes, the offset, the zone, the output mode (given
// or the default), the TTL, and the checkpoint fingerprint come from the
// flags as given (WindowFlags) through plan_window, so that the tool is flags
// in, options out, and the rules have unit tests (window_plan_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/event_time.h"
#include "io/checkpoint_file.h"
#include "state/window.h"
#include "stream/record_time.h"

namespace sx {

enum class OutputMode { kAppend, kUpdate, kComplete };
// "append", "update", "complete"; throws usage_error naming the choices.
OutputMode parse_output_mode(const std::string& name);
// The mode when --mode is not given: append for windows, update for a
// running aggregation (kind kNone).
OutputMode default_mode(WindowKind kind);

struct WindowOptions {
  WindowSpec window;
  std::vector<std::string> by;              // group key paths
  std::vector<std::string> aggs;            // --agg specs; none: count
  std::string having;                       // --having EXPR (empty: none)
  std::optional<OutputMode> mode;           // not given: default_mode(window.kind)
  Micros ttl = -1;                          // running aggregations: drop a key after this silence
  std::string late_file;                    // --late FILE
  std::uint64_t max_state_rows = 10000000;  // 0: no limit
  // --max-state-bytes: the state's estimated bytes (rows, keys, the values of
  // collect_list and count_distinct); 0: no limit.
  std::uint64_t max_state_bytes = std::uint64_t{4} << 30;
  // --max-windows-per-record: the most windows (size / slide, rounded up) a
  // sliding window spec may put one record in; 0: no limit.
  std::uint64_t max_windows_per_record = 1000;
  // --time-field etc.: for input without a stream header. With a header,
  // sx-read decides how times are read: --time-format and --time-zone apply
  // only together with a --time-field of one's own (a usage error otherwise,
  // when they differ from the header's).
  TimeOverride time;
  bool window_zone_given = false;  // --window-time-zone (window.zone) was given
  // --checkpoint DIR (empty: none): the state is restored from DIR/NAME/C at
  // construction (C: the newest committed epoch) and saved to DIR/NAME/N at
  // each epoch record N, after the rows the epoch releases and before the
  // record is forwarded (sx(7), "CHECKPOINTS").
  std::string checkpoint;
  std::string name = "sx-window";  // --name
  // The flags the state depends on, as given (plan_window builds it); a
  // checkpoint made with another fingerprint is refused (usage_error).
  Fingerprint fingerprint;
  // --top N --order-by LIST (ops/top_n.h): only the N first rows of each
  // window, ranked by LIST, when the window is written; 0 / empty: all rows.
  std::uint64_t top = 0;
  std::string order_by;
};

// sx-window's flags that decide what its state means, as the user gave them
// (empty: not given).
struct WindowFlags {
  std::string tumbling;                // --tumbling SIZE
  std::string window;                  // --window SIZE
  std::string slide;                   // --slide SLIDE (with --window)
  std::string session;                 // --session GAP
  std::string offset;                  // --offset DURATION, a leading '-' shifts backwards
  std::string window_zone;             // --window-time-zone ZONE
  std::string mode;                    // --mode
  std::string ttl;                     // --ttl DURATION
  std::string max_windows_per_record;  // --max-windows-per-record N
};

// Fills opt->window (kind, size, slide, gap, offset, zone),
// opt->window_zone_given, opt->mode (always set: given, or default_mode),
// opt->ttl, opt->max_windows_per_record (when given) and opt->fingerprint
// (the window flags as given, opt->by, opt->aggs or "count", the effective
// mode, the TTL) from `flags`. --window without --slide, or with a slide
// equal to the size, is tumbling. Throws usage_error naming the flag for one
// that does not parse or does not go with the others; the rules that need the
// stream or the aggregates are the operator's (WindowOperator, WindowAssigner).
void plan_window(const WindowFlags& flags, WindowOptions* opt);

}  // namespace sx
