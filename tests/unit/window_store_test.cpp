// sx-window's stores (state/window_store.h) with plain numbers: group tables
// by key bytes, open windows by (end, start), sessions merging per key.
#include "state/window_store.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "state/aggregate.h"
#include "state/group_key.h"

using sx::GroupTable;
using sx::Micros;
using sx::Session;
using sx::SessionStore;
using sx::WindowState;
using sx::WindowStore;

namespace {

// A group key of one part: the instant `us` (plain numbers as key bytes).
std::string key_of(Micros us) {
  std::string k;
  sx::group_key::append_time_part(k, us);
  return k;
}

std::vector<sx::AggSpec> count_only() { return sx::parse_aggs("count"); }

// "start-end:count" for each session of `key`.
std::string sessions_of(const SessionStore& store, Micros key) {
  const auto it = store.keys().find(key_of(key));
  if (it == store.keys().end()) return "";
  std::string s;
  for (const Session& x : it->second) {
    if (!s.empty()) s += ' ';
    s += std::to_string(x.start) + "-" + std::to_string(x.end) + ":" + std::to_string(x.aggs[0].n);
  }
  return s;
}

// Puts an event at t (gap 5) into key's sessions and counts it.
SessionStore::Added event(SessionStore& store, Micros key, Micros t) {
  const SessionStore::Added a = store.add(key_of(key), t, t + 5);
  ++a.session->aggs[0].n;
  return a;
}

}  // namespace

TEST_CASE("issue 12: group table: one group per key, found again, removed, sorted") {
  GroupTable t;
  // More than 8 groups: past the linear scan, through the hash index.
  for (Micros k = 20; k > 0; --k) {
    const std::uint32_t i = t.find_or_add(key_of(k), 2);
    CHECK(i == static_cast<std::uint32_t>(20 - k));
    CHECK(t.groups[i].aggs.size() == 2);
  }
  for (Micros k = 1; k <= 20; ++k) CHECK(t.find_or_add(key_of(k), 2) == 20 - k);
  CHECK(t.groups.size() == 20);
  t.remove(0);  // key 20: the last group (key 1) takes index 0
  CHECK(t.groups.size() == 19);
  CHECK(t.find_or_add(key_of(1), 2) == 0);
  CHECK(t.find_or_add(key_of(2), 2) == 18);
  CHECK(t.find_or_add(key_of(20), 2) == 19);  // new again
  const std::vector<std::uint32_t> order = t.sorted();
  REQUIRE(order.size() == 20);
  for (std::size_t j = 0; j < order.size(); ++j)
    CHECK(t.groups[order[j]].key == key_of(static_cast<Micros>(j + 1)));
}

TEST_CASE("issue 12: window store: windows made once, closed by end then start") {
  WindowStore w(2);
  int made = 0;
  const auto count = [&](WindowState& ws) {
    CHECK(ws.bytes == sx::kWindowStateBytes);
    ++made;
  };
  // Sliding windows of 10 every 5: a record at 7 is in [5,15) (slot 0) and [0,10) (slot 1).
  WindowState& a = w.at(5, 15, 0, count);
  WindowState& b = w.at(0, 10, 1, count);
  CHECK(&w.at(5, 15, 0, count) == &a);  // the slot's cache
  CHECK(&w.at(0, 10, 0, count) == &b);  // another slot: the tree
  CHECK(&w.at(5, 15, 1, count) == &a);
  CHECK(made == 2);
  w.at(-5, 5, 1, count);
  w.at(10, 20, 0, count);
  CHECK(made == 4);
  CHECK(w.size() == 4);
  CHECK(a.start == 5);
  CHECK(a.end == 15);

  std::vector<std::pair<Micros, Micros>> closed;
  const auto note = [&](const WindowState& ws) { closed.emplace_back(ws.start, ws.end); };
  w.close_until(4, note);  // nothing ends at or before 4
  CHECK(closed.empty());
  w.close_until(10, note);  // [-5,5) and [0,10): end <= 10
  CHECK(closed == std::vector<std::pair<Micros, Micros>>{{-5, 5}, {0, 10}});
  CHECK(w.size() == 2);
  // A closed window asked for again is a new one (the caches were cleared).
  w.at(0, 10, 1, count);
  CHECK(made == 5);
  closed.clear();
  w.close_until(100, note);
  CHECK(closed == std::vector<std::pair<Micros, Micros>>{{0, 10}, {5, 15}, {10, 20}});
  CHECK(w.empty());

  WindowState& r = w.insert(30, 40);  // restoring
  CHECK(r.bytes == sx::kWindowStateBytes);
  CHECK(&w.at(30, 40, 0, count) == &r);
  CHECK(made == 5);
}

TEST_CASE("issue 12: session store: sessions that overlap or touch merge, per key") {
  const std::vector<sx::AggSpec> aggs = count_only();
  SessionStore s(&aggs);
  CHECK(s.min_end() == sx::kMaxEventTime);
  SessionStore::Added a = event(s, 1, 0);  // [0,5)
  CHECK(a.created);
  CHECK(a.merged == 0);
  a = event(s, 1, 3);  // overlaps: [0,8)
  CHECK_FALSE(a.created);
  CHECK(sessions_of(s, 1) == "0-8:2");
  event(s, 1, 20);  // [20,25)
  event(s, 1, 10);  // [10,15): touches neither (8 < 10, 15 < 20)
  event(s, 2, 9);   // another key: [9,14)
  CHECK(sessions_of(s, 1) == "0-8:2 20-25:1 10-15:1");
  // A bound, not the minimum: [0,5) grew to [0,8) since (close_until makes it exact).
  CHECK(s.min_end() == 5);
  // [15,20) touches [20,25) and [10,15): the three become one, in the place
  // of the first it met.
  a = event(s, 1, 15);
  CHECK_FALSE(a.created);
  CHECK(a.merged == 1);
  CHECK(sessions_of(s, 1) == "0-8:2 10-25:3");
  CHECK(sessions_of(s, 2) == "9-14:1");

  std::vector<std::pair<std::string, Session>> closed;
  s.close_until(7, &closed);  // nothing ends by 7
  CHECK(closed.empty());
  CHECK(s.min_end() == 8);
  s.close_until(14, &closed);  // [0,8) of key 1, [9,14) of key 2 (dropped: none left)
  REQUIRE(closed.size() == 2);
  CHECK(s.keys().size() == 1);
  CHECK(s.min_end() == 25);
  CHECK(sessions_of(s, 1) == "10-25:3");
  const auto sorted = s.sorted();
  REQUIRE(sorted.size() == 1);
  CHECK(sorted[0]->first == key_of(1));

  s.insert(key_of(3), Session{40, 45, std::vector<sx::AggState>(1), 0});  // restoring
  CHECK(sessions_of(s, 3) == "40-45:0");
  CHECK(s.min_end() == 25);
  s.close_until(100, &closed);
  CHECK(closed.size() == 4);
  CHECK(s.keys().empty());
  CHECK(s.min_end() == sx::kMaxEventTime);
}

TEST_CASE("issue 12: group table: keys of every length are told apart byte for byte") {
  const std::vector<std::string> keys = {
      "",                                    // no --by
      "ab",                                  // shorter than 8
      "abcdefgh",                            // 8
      "abcdefgX",                            // differs in the last byte
      "Xbcdefgh",                            // differs in the first byte
      "abcdefghijklmnop",                    // 16
      "abcdefghXjklmnop",                    // 16, differs in the middle
      "abcdefghijklmnopq",                   // 17
      "Xbcdefghijklmnopq",                   // 17, differs in the first byte only
      std::string("abc\0efgh", 8),           // a zero byte
      "user_000000000001user_000000000001",  // long, the same last 8 bytes as...
      "user_000000000002user_000000000001",  // ...this one
  };
  for (const std::string& a : keys) {
    for (const std::string& b : keys) CHECK(GroupTable::same_key(a, b) == (a == b));
  }
  GroupTable t;
  for (std::size_t i = 0; i < keys.size(); ++i) CHECK(t.find_or_add(keys[i], 1) == i);
  for (std::size_t i = keys.size(); i-- > 0;) CHECK(t.find_or_add(keys[i], 1) == i);
}
