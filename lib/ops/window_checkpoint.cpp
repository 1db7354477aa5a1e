#include "ops/window_checkpoint.h"

#include "base/error.h"

namespace sx {

namespace {

constexpr std::uint32_t kLayout = 1;

void save_aggs(PayloadWriter& w, const std::vector<AggState>& a) {
  for (const AggState& s : a) agg_save(s, w);
}

void save_table(PayloadWriter& w, const GroupTable& t) {
  w.put_u64(t.groups.size());
  for (const std::uint32_t i : t.sorted()) {
    const Group& g = t.groups[i];
    w.put_string(g.key);
    w.put_i64(g.last);
    save_aggs(w, g.aggs);
  }
}

std::vector<AggState> load_aggs(PayloadReader& r, std::size_t naggs) {
  std::vector<AggState> a(naggs);
  for (AggState& s : a) agg_load(r, s);
  return a;
}

// window_bytes: the window's counter (null: the running table, whose groups
// count their own).
void load_table(PayloadReader& r, GroupTable& t, std::uint64_t* window_bytes,
                const WindowCheckpointState& s) {
  const std::size_t naggs = s.aggs.size();
  for (std::size_t n = r.get_count(16 + naggs * kAggSavedMinBytes); n > 0; --n) {
    const std::string_view k = r.get_string();
    const Micros last = r.get_i64();
    const std::uint32_t i = t.add(k, 0);
    Group& g = t.groups[i];
    g.last = last;
    g.aggs = load_aggs(r, naggs);
    std::uint64_t b = state_row_bytes(g.key.size(), naggs);
    for (const AggState& a : g.aggs) b += a.value_bytes;
    *(window_bytes ? window_bytes : &g.bytes) += b;
    s.state_bytes += b;
    ++s.state_rows;
  }
}

}  // namespace

void save_window_state(const WindowCheckpointState& s, PayloadWriter& w) {
  w.put_u32(kLayout);
  w.put_u8(static_cast<std::uint8_t>(s.kind));
  w.put_u8(static_cast<std::uint8_t>(s.mode));
  w.put_u64(s.aggs.size());
  w.put_i64(s.watermark.us);
  w.put_u64(s.seq);
  w.put_u64(s.windows.size());
  for (const auto& [id, ws] : s.windows.windows()) {
    w.put_i64(ws.start);
    w.put_i64(ws.end);
    save_table(w, ws.table);
  }
  const auto keys = s.sessions.sorted();
  w.put_u64(keys.size());
  for (const auto* entry : keys) {
    w.put_string(entry->first);
    w.put_u64(entry->second.size());
    for (const Session& x : entry->second) {
      w.put_i64(x.start);
      w.put_i64(x.end);
      save_aggs(w, x.aggs);
    }
  }
  save_table(w, s.running);
}

void restore_window_state(std::string_view payload, const std::string& what,
                          const WindowCheckpointState& s) {
  PayloadReader r(payload, what);
  const std::uint32_t layout = r.get_u32();
  const std::uint8_t saved_kind = r.get_u8(), saved_mode = r.get_u8();
  const std::uint64_t naggs = r.get_u64();
  if (layout != kLayout || saved_kind != static_cast<std::uint8_t>(s.kind) ||
      saved_mode != static_cast<std::uint8_t>(s.mode) || naggs != s.aggs.size()) {
    throw data_error(what + " does not hold the state of this sx-window (layout " +
                     std::to_string(layout) + ", window kind " + std::to_string(saved_kind) +
                     ", mode " + std::to_string(saved_mode) + ", " + std::to_string(naggs) +
                     " aggregates); start over with a new --checkpoint directory");
  }
  s.watermark.us = r.get_i64();
  s.seq = r.get_u64();
  const std::size_t group_min = 16 + s.aggs.size() * kAggSavedMinBytes;
  for (std::size_t n = r.get_count(24); n > 0; --n) {
    const Micros start = r.get_i64(), end = r.get_i64();
    WindowState& ws = s.windows.insert(start, end);
    s.state_bytes += kWindowStateBytes;
    load_table(r, ws.table, &ws.bytes, s);
  }
  for (std::size_t n = r.get_count(16); n > 0; --n) {
    const std::string k(r.get_string());
    for (std::size_t m = r.get_count(group_min); m > 0; --m) {
      const Micros start = r.get_i64(), end = r.get_i64();
      Session x{start, end, load_aggs(r, s.aggs.size()), state_row_bytes(k.size(), s.aggs.size())};
      for (const AggState& a : x.aggs) x.bytes += a.value_bytes;
      s.state_bytes += x.bytes;
      ++s.state_rows;
      s.sessions.insert(k, std::move(x));
    }
  }
  load_table(r, s.running, nullptr, s);
  r.expect_end();
}

}  // namespace sx
