// sx-window's state stores, on plain microseconds and key bytes (group_key.h
// encodes the keys): the groups of one window (GroupTable), the open
// tumbling and sliding windows (WindowStore), and the sessions of each key
// (SessionStore). They know no JSON, no output and no limits: the operator
// (ops/window_operator.cpp) counts rows and bytes around them, and
// ops/window_checkpoint.cpp saves and restores them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/event_time.h"
#include "state/aggregate.h"
#include "state/group_key.h"

namespace sx {

// One output row's state: a group key's aggregates (in one window, or in the
// running aggregation).
struct Group {
  std::string key;              // group_key bytes
  std::vector<AggState> aggs;   // one per aggregate, in --agg order
  Micros last = kMinEventTime;  // running aggregations: latest event time (TTL)
  bool changed = false;         // update mode: changed in this epoch
  std::uint64_t bytes = 0;      // running aggregations: its state bytes (--max-state-bytes)
};

// The groups of one window (or of the running aggregation), found by key.
// Indices stay valid until remove().
struct GroupTable {
  std::unordered_map<std::string, std::uint32_t, group_key::Hash, std::equal_to<>> index;
  std::vector<Group> groups;

  std::uint32_t last = 0;  // the group found last: consecutive records often share it

  // The index of `key`'s group, added with `naggs` empty aggregates when new.
  std::uint32_t find_or_add(std::string_view key, std::size_t naggs) {
    if (last < groups.size() && same_key(groups[last].key, key)) return last;
    // Few groups: comparing beats hashing.
    if (groups.size() <= 8) {
      for (std::uint32_t i = 0; i < groups.size(); ++i) {
        if (same_key(groups[i].key, key)) return last = i;
      }
      return last = add(key, naggs);
    }
    auto it = index.find(key);
    if (it != index.end()) return last = it->second;
    return last = add(key, naggs);
  }

  // Adds a group for `key`. REQUIRES: no group has that key.
  std::uint32_t add(std::string_view key, std::size_t naggs);
  // Removes group i; the last group takes its index.
  void remove(std::uint32_t i);
  // Indices of the groups in key order (group_key::compare_keys).
  std::vector<std::uint32_t> sorted() const;

  // a == b, without a call for the usual key of 8 to 16 bytes (one short
  // string or number: a tag, a length and its text) and, for longer keys,
  // with the last 8 bytes (where ids differ) compared first.
  static bool same_key(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n < 8) return std::memcmp(a.data(), b.data(), n) == 0;
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a1, a.data() + n - 8, 8);
    std::memcpy(&b1, b.data() + n - 8, 8);
    if (a1 != b1) return false;
    if (n > 16) return std::memcmp(a.data(), b.data(), n - 8) == 0;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    return a0 == b0;
  }
};

// One open tumbling or sliding window [start, end) and its groups.
struct WindowState {
  Micros start = 0, end = 0;
  GroupTable table;
  std::uint64_t bytes = 0;  // the window's and its groups' state bytes (--max-state-bytes)
};

// One session window [start, end) of a key: end = last event + gap.
struct Session {
  Micros start, end;
  std::vector<AggState> aggs;
  std::uint64_t bytes = 0;  // its state bytes (--max-state-bytes)
};

// State bytes, as --max-state-bytes counts them: an estimate of the heap a
// row takes (its key twice, in the row and in the index, the row with its
// aggregates, hash and tree nodes); the values that collect_list and
// count_distinct keep (AggState::value_bytes) come on top.
inline constexpr std::uint64_t kStateNodeBytes = 64;
inline std::uint64_t state_row_bytes(std::size_t key_size, std::size_t naggs) {
  return 2 * key_size + sizeof(Group) + naggs * sizeof(AggState) + kStateNodeBytes;
}
inline constexpr std::uint64_t kWindowStateBytes = sizeof(WindowState) + kStateNodeBytes;

// The open tumbling and sliding windows, in (end, start) order: the order
// they close and are written in.
class WindowStore {
 public:
  using Map = std::map<std::pair<Micros, Micros>, WindowState>;  // by (end, start)

  // `slots`: the most windows one record falls in (WindowAssigner::max_windows).
  explicit WindowStore(std::size_t slots = 1) : cache_(slots) {}

  // The window [start, end). `slot` is its place among the windows of the
  // record being applied (0: the latest start): consecutive records in the
  // same windows find them without a tree search. A new window starts with
  // bytes = kWindowStateBytes and is passed to on_new(WindowState&) (which
  // may throw; the window stays). REQUIRES: slot < slots.
  template <class OnNew>
  WindowState& at(Micros start, Micros end, std::size_t slot, OnNew&& on_new) {
    Slot& c = cache_[slot];
    if (c.w && c.start == start && c.end == end) return *c.w;
    auto [it, inserted] = map_.try_emplace({end, start});
    c = {start, end, &it->second};
    if (inserted) {
      it->second.start = start, it->second.end = end;
      it->second.bytes = kWindowStateBytes;
      on_new(it->second);
    }
    return it->second;
  }

  // Closes the windows that end at or before `watermark`, earliest end (then
  // start) first: fn(WindowState&) sees each, then it is dropped.
  template <class Fn>
  void close_until(Micros watermark, Fn&& fn) {
    while (!map_.empty() && map_.begin()->first.first <= watermark) {
      fn(map_.begin()->second);
      map_.erase(map_.begin());
      for (Slot& c : cache_) c = Slot{};
    }
  }

  // Restoring: the window [start, end), empty, with bytes = kWindowStateBytes
  // (or the one there already).
  WindowState& insert(Micros start, Micros end);

  const Map& windows() const { return map_; }
  bool empty() const { return map_.empty(); }
  std::size_t size() const { return map_.size(); }

 private:
  struct Slot {
    Micros start = 0, end = 0;
    WindowState* w = nullptr;
  };
  Map map_;
  std::vector<Slot> cache_;
};

// The open sessions of each key, each key's in the order they opened
// (merged ones keep the place of the first).
class SessionStore {
 public:
  using Map =
      std::unordered_map<std::string, std::vector<Session>, group_key::Hash, std::equal_to<>>;

  // `aggs`: the aggregates, to merge sessions that a record bridges.
  // REQUIRES: *aggs outlives the store.
  explicit SessionStore(const std::vector<AggSpec>* aggs) : aggs_(aggs) {}

  struct Added {
    Session* session;    // the session [start, end) went into (valid until the next call)
    bool created;        // a new session (empty aggregates, bytes 0)
    std::size_t merged;  // sessions merged into it and gone (their bytes added to its)
  };
  // Puts [start, end) into `key`'s sessions: the sessions it overlaps or
  // touches (x.start <= end and start <= x.end) become one, spanning them
  // all, their aggregates merged; with none, a new session. (Inline: once
  // per record.)
  Added add(std::string_view key, Micros start, Micros end);

  // Moves the sessions that end at or before `watermark` to *closed (key,
  // session), keys with none left are dropped.
  void close_until(Micros watermark, std::vector<std::pair<std::string, Session>>* closed);

  // No open session ends before this (kMaxEventTime: none is open); close_until
  // has nothing to do for a watermark below it.
  Micros min_end() const { return min_end_; }

  // Restoring: appends a session to `key`'s.
  void insert(std::string_view key, Session s);

  const Map& keys() const { return map_; }
  // The keys and their sessions in key byte order (for checkpoints: equal
  // states give equal bytes).
  std::vector<const Map::value_type*> sorted() const;

 private:
  const std::vector<AggSpec>* aggs_;
  Map map_;
  Micros min_end_ = kMaxEventTime;
};

[[gnu::flatten]] inline SessionStore::Added SessionStore::add(std::string_view key, Micros s,
                                                              Micros e) {
  auto it = map_.find(key);
  if (it == map_.end()) it = map_.emplace(std::string(key), std::vector<Session>{}).first;
  std::vector<Session>& list = it->second;
  const std::vector<AggSpec>& aggs = *aggs_;
  std::size_t first = list.size(), merged = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Session& x = list[i];
    if (!(x.start <= e && s <= x.end)) continue;  // neither overlaps nor touches
    if (first == list.size()) {
      first = i;
      x.start = std::min(x.start, s);
      x.end = std::max(x.end, e);
      continue;
    }
    Session& into = list[first];
    into.start = std::min(into.start, x.start);
    into.end = std::max(into.end, x.end);
    for (std::size_t a = 0; a < aggs.size(); ++a)
      agg_merge(aggs[a], into.aggs[a], std::move(x.aggs[a]));
    into.bytes += x.bytes;  // the merged row's fixed part stays counted, an overestimate
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
    ++merged;
    --i;
  }
  const bool created = first == list.size();
  if (created) list.push_back(Session{s, e, std::vector<AggState>(aggs.size()), 0});
  min_end_ = std::min(min_end_, list[first].end);
  return {&list[first], created, merged};
}

}  // namespace sx
