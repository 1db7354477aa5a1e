// sx-window's checkpoint payload: its state at an epoch boundary, written
// into the stage's checkpoint file (stream/checkpoint.h) and read back at
// start (sx(7), CHECKPOINTS).
//
// Layout 1 (no row is marked changed at an epoch boundary; late counters and
// the stream header are per run): u32 layout (1), u8 window kind, u8 mode,
// u64 aggregates, i64 watermark, u64 seq; the windows in (end, start) order,
// each i64 start, i64 end and a table; the sessions, keys in byte order, each
// key with its sessions in their order; the running table. A table: u64
// groups, in key order, each string key, i64 last event time and the
// aggregates (agg_save). Sorted throughout, so that equal states give equal
// bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/event_time.h"
#include "io/checkpoint_file.h"
#include "ops/window_plan.h"
#include "state/aggregate.h"
#include "state/window.h"
#include "state/window_store.h"

namespace sx {

// The state sx-window checkpoints, by reference: what save reads and restore
// fills, with the counters --max-state-rows and --max-state-bytes keep.
struct WindowCheckpointState {
  WindowKind kind;
  OutputMode mode;
  const std::vector<AggSpec>& aggs;
  EventTime& watermark;
  std::uint64_t& seq;  // collect_list/first/last order
  WindowStore& windows;
  SessionStore& sessions;
  GroupTable& running;
  std::uint64_t& state_rows;
  std::uint64_t& state_bytes;
};

// Appends the state to `w` (layout 1).
void save_window_state(const WindowCheckpointState& s, PayloadWriter& w);

// Loads what save_window_state wrote into `s` (empty stores), counting rows
// and bytes. Throws data_error naming `what` for a payload of another window
// kind, mode or number of aggregates, or a damaged one.
void restore_window_state(std::string_view payload, const std::string& what,
                          const WindowCheckpointState& s);

}  // namespace sx
