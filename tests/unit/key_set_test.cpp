// ExpiringKeySet against a plain std::unordered_map model: the same answers
// for random keys, expiries and watermarks, and memory that follows the live
// keys.
#include "key_set.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <unordered_map>

using sx::ExpiringKeySet;
using sx::Micros;

TEST_CASE("ExpiringKeySet: first occurrences, duplicates, exact keys") {
  ExpiringKeySet set;
  CHECK(set.insert("a", ExpiringKeySet::kNever, 0));
  CHECK_FALSE(set.insert("a", ExpiringKeySet::kNever, 0));
  CHECK(set.insert("b", ExpiringKeySet::kNever, 0));
  CHECK(set.insert(std::string("a\0b", 3), ExpiringKeySet::kNever, 0));  // bytes, not C strings
  CHECK(set.insert("", ExpiringKeySet::kNever, 0));
  CHECK_FALSE(set.insert("", ExpiringKeySet::kNever, 0));
  CHECK(set.size() == 4);
}

TEST_CASE("ExpiringKeySet: a key expires when the watermark reaches its expiry, not before") {
  ExpiringKeySet set;
  CHECK(set.insert("k", 100, 0));
  CHECK_FALSE(set.insert("k", 500, 99));  // held; the duplicate does not extend it
  CHECK(set.insert("k", 300, 100));       // expiry 100 <= watermark 100: new again
  CHECK_FALSE(set.insert("k", 900, 299));
  set.expire(300);  // every key of the segment expired: freed
  CHECK(set.size() == 0);
  CHECK(set.insert("k", 400, 300));
}

TEST_CASE("ExpiringKeySet agrees with a model on random streams, across segments and rehashes") {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    ExpiringKeySet set;
    std::unordered_map<std::string, Micros> model;  // key -> expiry
    Micros now = 0;
    std::uint64_t agree = 0;
    for (int i = 0; i < 300000; ++i) {
      // Keys from a range that drifts with time, so old keys stop coming back.
      const std::uint64_t k = (static_cast<std::uint64_t>(i) / 4) + rng() % 5000;
      const std::string key = "key-" + std::to_string(k);
      const Micros t = static_cast<Micros>(i) + static_cast<Micros>(rng() % 1000);
      const Micros expiry = rng() % 50 == 0 ? ExpiringKeySet::kNever : t + 2000;
      auto it = model.find(key);
      const bool want = it == model.end() || it->second <= now;
      if (want) model[key] = expiry;
      const bool got = set.insert(key, expiry, now);
      REQUIRE(got == want);
      ++agree;
      if (i % 997 == 0) {
        now = i - 1500;
        set.expire(now);
      }
    }
    CHECK(agree == 300000);
  }
}

TEST_CASE("ExpiringKeySet memory follows the live keys, not the stream length") {
  ExpiringKeySet set;
  std::uint64_t peak_early = 0, peak_late = 0;
  for (Micros i = 0; i < 2000000; ++i) {
    set.insert("event-" + std::to_string(i), i + 100000, i - 100000);  // 100k keys alive
    if (i % 10000 == 0) set.expire(i - 100000);
    if (i < 500000) peak_early = std::max(peak_early, set.memory_bytes());
    else peak_late = std::max(peak_late, set.memory_bytes());
  }
  CHECK(set.size() < 400000);
  CHECK(peak_late <= peak_early + peak_early / 2);
  CHECK(peak_late < 40u << 20);  // about 30 bytes a key plus its bytes, for ~200k keys
}
