// ExpiringKeySet against a plain std::unordered_map model: the same answers
// for random keys, expiries and watermarks, and memory that follows the live
// keys.
#include "state/key_set.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <unordered_map>

#include "base/error.h"

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
    if (i < 500000)
      peak_early = std::max(peak_early, set.memory_bytes());
    else
      peak_late = std::max(peak_late, set.memory_bytes());
  }
  CHECK(set.size() < 400000);
  CHECK(peak_late <= peak_early + peak_early / 2);
  CHECK(peak_late < 40u << 20);  // about 30 bytes a key plus its bytes, for ~200k keys
}

namespace {

// A "disk" of piece payloads by name, restored the way sx-dedup restores a
// snapshot: the listed pieces, in order, into an empty set.
struct PieceStore {
  std::map<std::string, std::string> files;
  std::uint64_t entries_written = 0;

  static std::string name(const ExpiringKeySet::Piece& p) {
    return std::to_string(p.segment) + "." + std::to_string(p.from) + "-" + std::to_string(p.to) +
           "." + std::to_string(p.epoch);
  }
  std::vector<ExpiringKeySet::Piece> save(ExpiringKeySet& set, std::int64_t epoch,
                                          Micros expired_at = sx::kMinEventTime) {
    auto pieces =
        set.save_pieces(epoch, expired_at, [&](const ExpiringKeySet::Piece& p, std::string b) {
          REQUIRE(files.emplace(name(p), std::move(b)).second);  // a piece is written once
          entries_written += p.to - p.from;
        });
    // What a snapshot lists: contiguous runs, in arrival order; nothing else is kept.
    std::map<std::string, std::string> kept;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      REQUIRE(pieces[i].from < pieces[i].to);
      if (i > 0 && pieces[i].segment == pieces[i - 1].segment) {
        REQUIRE(pieces[i].from == pieces[i - 1].to);
      } else {
        REQUIRE(pieces[i].from == 0);
        if (i > 0) REQUIRE(pieces[i].segment > pieces[i - 1].segment);
      }
      kept.emplace(name(pieces[i]), files.at(name(pieces[i])));
    }
    files = std::move(kept);
    return pieces;
  }
  void restore(const std::vector<ExpiringKeySet::Piece>& pieces, Micros now,
               ExpiringKeySet* into) const {
    for (const auto& p : pieces) into->load_piece(files.at(name(p)), now, "piece " + name(p));
  }
};

}  // namespace

TEST_CASE("ExpiringKeySet pieces: a restored snapshot answers as the set did, at every snapshot") {
  for (const std::uint64_t seed : {7u, 8u}) {
    std::mt19937_64 rng(seed);
    ExpiringKeySet set;
    std::unordered_map<std::string, Micros> model;
    PieceStore disk;
    Micros now = 0;
    std::int64_t epoch = 0;
    int snapshots = 0;
    for (int i = 0; i < 200000; ++i) {
      const std::uint64_t k = (static_cast<std::uint64_t>(i) / 4) + rng() % 5000;
      const std::string key = "key-" + std::to_string(k);
      const Micros t = static_cast<Micros>(i) + static_cast<Micros>(rng() % 1000);
      // Short expiries make expired keys come back while their segment
      // lives: entries already saved change, and their segment is rewritten.
      const Micros expiry = rng() % 50 == 0 ? ExpiringKeySet::kNever : t + 300 + rng() % 2000;
      auto it = model.find(key);
      if (it == model.end() || it->second <= now) model[key] = expiry;
      set.insert(key, expiry, now);
      if (i % 997 == 0) {
        now = i - 1500;
        set.expire(now);
      }
      if (rng() % 6000 == 0) {
        // Keys expired at the current watermark are left out; the restored
        // set is asked at that watermark or later, as sx-dedup's is.
        const auto pieces = disk.save(set, epoch++, now);
        ExpiringKeySet restored;
        disk.restore(pieces, now, &restored);
        for (const auto& [key2, exp] : model) {
          REQUIRE(restored.insert(key2, ExpiringKeySet::kNever, now) == (exp <= now));
        }
        ++snapshots;
      }
    }
    CHECK(snapshots > 20);
  }
}

TEST_CASE("ExpiringKeySet pieces: with keys that never expire, each is written once") {
  ExpiringKeySet set;
  PieceStore disk;
  std::vector<ExpiringKeySet::Piece> pieces;
  for (int i = 0; i < 300000; ++i) {
    set.insert("event-" + std::to_string(i), ExpiringKeySet::kNever, 0);
    if (i % 5000 == 4999) pieces = disk.save(set, i / 5000);
  }
  CHECK(disk.entries_written == 300000);
  CHECK(pieces.size() >= 5);  // segments of 65536 keys, each cut into runs
  ExpiringKeySet restored;
  disk.restore(pieces, 0, &restored);
  CHECK(restored.size() == 300000);
  CHECK_FALSE(restored.insert("event-123456", ExpiringKeySet::kNever, 0));
  CHECK(restored.insert("event-300000", ExpiringKeySet::kNever, 0));
}

TEST_CASE("ExpiringKeySet pieces: a damaged piece is an error, not a smaller set") {
  ExpiringKeySet set;
  set.insert("abc", ExpiringKeySet::kNever, 0);
  std::string payload;
  set.save_pieces(0, sx::kMinEventTime,
                  [&](const ExpiringKeySet::Piece&, std::string b) { payload = std::move(b); });
  ExpiringKeySet other;
  CHECK_THROWS_WITH_AS(other.load_piece(payload.substr(0, payload.size() - 1), 0, "piece X"),
                       doctest::Contains("piece X is malformed"), sx::Error);
  std::string longer = payload;
  longer[0] = 2;  // two entries announced, the lengths and bytes of one
  CHECK_THROWS_AS(other.load_piece(longer, 0, "piece X"), sx::Error);
}

namespace {
std::string key_name(char prefix, int i) {
  std::string key(1, prefix);
  key += std::to_string(i);
  return key;
}
}  // namespace

TEST_CASE("ExpiringKeySet: freeing a few segments of a large table, key by key") {
  // 20 segments that never expire, then two that do: the table is too large
  // for a sweep to pay, so the two are removed key by key (the other path of
  // expire()); both must leave the same set.
  ExpiringKeySet set;
  const int kept = 20 * 65536, expiring = 2 * 65536;
  for (int i = 0; i < kept; ++i) set.insert(key_name('k', i), ExpiringKeySet::kNever, 0);
  for (int i = 0; i < expiring; ++i) set.insert(key_name('x', i), 10, 0);
  set.expire(10);
  CHECK(set.size() == static_cast<std::uint64_t>(kept));
  for (int i = 0; i < kept; i += 997) REQUIRE_FALSE(set.insert(key_name('k', i), 50, 10));
  for (int i = 0; i < expiring; i += 7) REQUIRE(set.insert(key_name('x', i), 50, 10));
}

TEST_CASE("ExpiringKeySet pieces: any expiries and key lengths survive the varint encoding") {
  // Deltas of every sign and size between consecutive expiries (times
  // before 1970 too), and keys from empty to long.
  const std::vector<Micros> expiries = {-5, ExpiringKeySet::kNever, 3, sx::kMinEventTime + 1, 0, 1,
                                        -1, std::int64_t{1} << 40,  7};
  ExpiringKeySet set;
  for (std::size_t i = 0; i < expiries.size(); ++i) {
    set.insert(std::string(i * 37, static_cast<char>('a' + i)), expiries[i], sx::kMinEventTime);
  }
  PieceStore disk;
  const auto pieces = disk.save(set, 0);
  ExpiringKeySet restored;
  disk.restore(pieces, sx::kMinEventTime, &restored);
  CHECK(restored.size() == expiries.size());
  for (std::size_t i = 0; i < expiries.size(); ++i) {
    const std::string key(i * 37, static_cast<char>('a' + i));
    // Held until its expiry, not after: the expiry came back exactly.
    CHECK_FALSE(restored.insert(key, 100, expiries[i] - 1));
    CHECK(restored.insert(key, ExpiringKeySet::kNever, expiries[i]));
  }
}
