// An exact set of byte-string keys, each with an expiry time, for streaming
// deduplication (sx-dedup). Compact: an open-addressing table of 8-byte
// slots over entries of 16 bytes stored with their key bytes in segments of
// 65536 entries, about 28 bytes per key plus the key. Keys are compared in
// full (a hash only narrows the search), so two keys are never confused.
// Memory follows the keys alive: a segment whose entries have all expired is
// freed whole, and the table shrinks when it empties, so with keys expiring
// roughly in arrival order (event time within a watermark) memory stays flat.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "base/event_time.h"

namespace sx {

class ExpiringKeySet {
 public:
  static constexpr Micros kNever = kMaxEventTime + 1;  // an expiry no watermark reaches but +inf

  ExpiringKeySet();
  ~ExpiringKeySet();

  // Inserts `key` expiring at `expiry` unless it is present and not expired
  // at watermark `now` (a key is expired when its expiry <= now). Returns
  // true when inserted: the key's first occurrence, or its first since it
  // expired. A present key keeps its expiry (later duplicates do not extend it).
  bool insert(std::string_view key, Micros expiry, Micros now) {
    return insert(key, hash(key), expiry, now);
  }
  // The same in two steps, so a caller can prefetch the slot of a key it will
  // insert a little later (the table is far larger than the caches).
  static std::uint64_t hash(std::string_view key);
  void prefetch(std::uint64_t hash) const {
    __builtin_prefetch(&slots_[(hash >> 24) & (capacity_ - 1)]);
  }
  bool insert(std::string_view key, std::uint64_t hash, Micros expiry, Micros now);

  // Frees what expired at `now`: whole segments whose keys all expired.
  void expire(Micros now);

  // Incremental checkpoints. The set is saved as pieces: a piece is a run
  // of consecutive entries of one segment, serialised once and kept by the
  // caller (sx-dedup: as a checkpoint part file) for as long as a snapshot
  // lists it. save_pieces() passes each run added since its last call to
  // `write` and returns every piece of the set, in arrival order; so a
  // snapshot costs the keys that are new, not all the keys held. A segment
  // is written again whole when an entry it had saved changes (an expired
  // key inserted again) or it has been cut into too many pieces.
  struct Piece {
    std::uint64_t segment = 0;       // its number
    std::uint64_t from = 0, to = 0;  // entries [from, to)
    std::int64_t epoch = 0;          // the snapshot that wrote it
  };
  // Entries expired at `expired_at` (expiry <= it) are left out of the
  // pieces written now: the caller knows no key will be looked up below that
  // watermark again (sx-dedup: the watermark that follows the epoch record).
  using PieceWriter = std::function<void(const Piece&, std::string payload)>;
  std::vector<Piece> save_pieces(std::int64_t epoch, Micros expired_at, const PieceWriter& write);
  // Inserts the entries of a piece's payload (from save_pieces) that are not
  // expired at `now`, into a set being restored piece by piece in order.
  // `what` names the payload in errors (data_error when it is malformed).
  void load_piece(std::string_view payload, Micros now, const std::string& what);

  // Keys held (expired keys still waiting in a live segment included).
  std::uint64_t size() const { return used_; }
  // Bytes of the table, the entries and the key bytes (capacity).
  std::uint64_t memory_bytes() const;

 private:
  struct Entry {
    Micros expiry;
    std::uint32_t offset;  // of the key bytes in the segment
    std::uint32_t length;
  };
  struct Segment {
    std::vector<char> bytes;
    std::vector<Entry> entries;
    Micros max_expiry = kMinEventTime;
    // Incremental checkpoints: entries [0, saved) are in `pieces`; `rewrite`
    // when one of them changed since.
    std::uint32_t saved = 0;
    bool rewrite = false;
    std::vector<Piece> pieces;
  };
  static constexpr unsigned kSegmentBits = 16;
  static constexpr std::uint64_t kEmpty = 0, kTombstone = 1, kFirstId = 2;

  // Slot layout: id (40 bits) << 24 | hash tag (24 bits); 0 empty, 1 tombstone.
  static std::uint64_t slot_id(std::uint64_t slot) { return slot >> 24; }
  std::string_view key_of(std::uint64_t id) const;
  Entry& entry_of(std::uint64_t id);
  void rehash(std::size_t capacity);
  void drop_segment(std::size_t index);

  // The slots, zeroed; large tables ask for transparent huge pages, since a
  // probe is a random access and TLB misses would otherwise dominate.
  struct FreeDeleter {
    void operator()(std::uint64_t* p) const;
  };
  std::unique_ptr<std::uint64_t[], FreeDeleter> slots_;
  std::size_t capacity_ = 0;
  static std::unique_ptr<std::uint64_t[], FreeDeleter> allocate(std::size_t capacity);
  std::uint64_t used_ = 0, tombstones_ = 0;
  std::deque<std::unique_ptr<Segment>> segments_;  // null once dropped
  std::uint64_t first_segment_ = 0;                // number of segments_[0]
  std::uint64_t next_id_ = kFirstId;
};

}  // namespace sx
