#include "state/key_set.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>

#include "base/error.h"
#include "io/checkpoint_file.h"

namespace sx {

namespace {

constexpr std::uint64_t kTagMask = (std::uint64_t{1} << 24) - 1;
constexpr std::size_t kMinSlots = 1024;

std::uint64_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::size_t pow2_at_least(std::uint64_t n) {
  std::size_t c = kMinSlots;
  while (c < n) c <<= 1;
  return c;
}

}  // namespace

void ExpiringKeySet::FreeDeleter::operator()(std::uint64_t* p) const { std::free(p); }

std::unique_ptr<std::uint64_t[], ExpiringKeySet::FreeDeleter> ExpiringKeySet::allocate(
    std::size_t capacity) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t bytes = capacity * sizeof(std::uint64_t);
  void* p = bytes >= kHuge ? std::aligned_alloc(kHuge, bytes) : std::malloc(bytes);
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (bytes >= kHuge) ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  std::memset(p, 0, bytes);  // kEmpty
  return std::unique_ptr<std::uint64_t[], FreeDeleter>(static_cast<std::uint64_t*>(p));
}

ExpiringKeySet::ExpiringKeySet() : slots_(allocate(kMinSlots)), capacity_(kMinSlots) {}
ExpiringKeySet::~ExpiringKeySet() = default;

std::string_view ExpiringKeySet::key_of(std::uint64_t id) const {
  const std::uint64_t n = id - kFirstId;
  const Segment& seg = *segments_[(n >> kSegmentBits) - first_segment_];
  const Entry& e = seg.entries[n & ((std::uint64_t{1} << kSegmentBits) - 1)];
  return {seg.bytes.data() + e.offset, e.length};
}

ExpiringKeySet::Entry& ExpiringKeySet::entry_of(std::uint64_t id) {
  const std::uint64_t n = id - kFirstId;
  Segment& seg = *segments_[(n >> kSegmentBits) - first_segment_];
  return seg.entries[n & ((std::uint64_t{1} << kSegmentBits) - 1)];
}

std::uint64_t ExpiringKeySet::hash(std::string_view key) { return hash_of(key); }

bool ExpiringKeySet::insert(std::string_view key, std::uint64_t h, Micros expiry, Micros now) {
  if ((used_ + tombstones_ + 1) * 10 > capacity_ * 7) {
    rehash(pow2_at_least((used_ + 1) * 4));  // grow by 4: less rehashing
  }
  const std::uint64_t tag = h & kTagMask;
  const std::size_t mask = capacity_ - 1;
  std::size_t i = (h >> 24) & mask;
  std::size_t reuse = capacity_;  // the first tombstone on the way
  for (;; i = (i + 1) & mask) {
    const std::uint64_t s = slots_[i];
    if (s == kEmpty) break;
    if (s == kTombstone) {
      if (reuse == capacity_) reuse = i;
      continue;
    }
    if ((s & kTagMask) != tag || key_of(slot_id(s)) != key) continue;
    Entry& e = entry_of(slot_id(s));
    if (e.expiry > now) return false;  // present: a duplicate
    // Expired but not yet freed: a new first occurrence, in the same entry.
    e.expiry = expiry;
    const std::uint64_t n = slot_id(s) - kFirstId;
    Segment& seg = *segments_[(n >> kSegmentBits) - first_segment_];
    seg.max_expiry = std::max(seg.max_expiry, expiry);
    if ((n & ((std::uint64_t{1} << kSegmentBits) - 1)) < seg.saved) seg.rewrite = true;
    return true;
  }
  // A new key: the next entry of the last segment (a new segment when it is
  // full, dropped, or its bytes would pass 4 GiB).
  constexpr std::uint64_t kPerSegment = std::uint64_t{1} << kSegmentBits;
  std::uint64_t n = next_id_ - kFirstId;
  Segment* seg = nullptr;
  if ((n >> kSegmentBits) < first_segment_ + segments_.size()) {
    seg = segments_[(n >> kSegmentBits) - first_segment_].get();
    if (seg && seg->bytes.size() + key.size() > std::numeric_limits<std::uint32_t>::max())
      seg = nullptr;
    if (!seg) n = ((n >> kSegmentBits) + 1) << kSegmentBits;  // skip to the next segment's ids
  }
  if (!seg) {
    while ((n >> kSegmentBits) > first_segment_ + segments_.size()) segments_.push_back(nullptr);
    if (segments_.empty()) first_segment_ = n >> kSegmentBits;
    segments_.push_back(std::make_unique<Segment>());
    seg = segments_.back().get();
    seg->entries.reserve(kPerSegment);
  }
  const std::uint64_t id = kFirstId + n;
  seg->entries.push_back(Entry{expiry, static_cast<std::uint32_t>(seg->bytes.size()),
                               static_cast<std::uint32_t>(key.size())});
  seg->bytes.insert(seg->bytes.end(), key.begin(), key.end());
  seg->max_expiry = std::max(seg->max_expiry, expiry);
  next_id_ = id + 1;
  if (reuse != capacity_) {
    i = reuse;
    --tombstones_;
  }
  slots_[i] = (id << 24) | tag;
  ++used_;
  return true;
}

void ExpiringKeySet::expire(Micros now) {
  std::vector<char> drop(segments_.size(), 0);
  std::uint64_t dropping = 0;
  for (std::size_t k = 0; k < segments_.size(); ++k) {
    if (segments_[k] && !segments_[k]->entries.empty() && segments_[k]->max_expiry <= now) {
      drop[k] = 1;
      dropping += segments_[k]->entries.size();
    }
  }
  if (dropping * 16 >= capacity_) {
    // Many keys go: one sequential pass over the table costs less than a
    // random probe per key (a cache miss each).
    for (std::size_t i = 0; i < capacity_; ++i) {
      const std::uint64_t s = slots_[i];
      if (s <= kTombstone) continue;
      if (drop[((slot_id(s) - kFirstId) >> kSegmentBits) - first_segment_]) {
        slots_[i] = kTombstone;
        --used_;
        ++tombstones_;
      }
    }
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      if (drop[k]) segments_[k].reset();
    }
  } else if (dropping > 0) {
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      if (drop[k]) drop_segment(k);
    }
  }
  // New keys never go to a dropped segment: move past it.
  const std::uint64_t last = first_segment_ + segments_.size();
  if (!segments_.empty() && !segments_.back() && ((next_id_ - kFirstId) >> kSegmentBits) < last) {
    next_id_ = kFirstId + (last << kSegmentBits);
  }
  while (!segments_.empty() && !segments_.front()) {
    segments_.pop_front();
    ++first_segment_;
  }
  if (capacity_ > kMinSlots && used_ * 10 < capacity_) rehash(pow2_at_least(used_ * 4));
}

void ExpiringKeySet::drop_segment(std::size_t index) {
  Segment& seg = *segments_[index];
  const std::uint64_t base = kFirstId + ((first_segment_ + index) << kSegmentBits);
  const std::size_t mask = capacity_ - 1;
  for (std::size_t j = 0; j < seg.entries.size(); ++j) {
    const std::uint64_t id = base + j;
    const Entry& e = seg.entries[j];
    const std::uint64_t h = hash_of(std::string_view(seg.bytes.data() + e.offset, e.length));
    for (std::size_t i = (h >> 24) & mask;; i = (i + 1) & mask) {
      const std::uint64_t s = slots_[i];
      if (s == kEmpty) break;  // not in the table (cannot happen)
      if (s != kTombstone && slot_id(s) == id) {
        slots_[i] = kTombstone;
        --used_;
        ++tombstones_;
        break;
      }
    }
  }
  segments_[index].reset();
}

void ExpiringKeySet::rehash(std::size_t capacity) {
  // Every entry of a live segment is in the table (entries leave only with
  // their segment): walk them in order, reading keys sequentially.
  slots_.reset();
  slots_ = allocate(capacity);
  capacity_ = capacity;
  const std::size_t mask = capacity_ - 1;
  for (std::size_t k = 0; k < segments_.size(); ++k) {
    const Segment* seg = segments_[k].get();
    if (!seg) continue;
    const std::uint64_t base = kFirstId + ((first_segment_ + k) << kSegmentBits);
    // Hash a batch, prefetch its slots, then place it: the random writes
    // overlap instead of waiting for memory one by one.
    constexpr std::size_t kBatch = 16;
    std::uint64_t hashes[kBatch];
    for (std::size_t j0 = 0; j0 < seg->entries.size(); j0 += kBatch) {
      const std::size_t n = std::min(kBatch, seg->entries.size() - j0);
      for (std::size_t b = 0; b < n; ++b) {
        const Entry& e = seg->entries[j0 + b];
        hashes[b] = hash_of(std::string_view(seg->bytes.data() + e.offset, e.length));
        __builtin_prefetch(&slots_[(hashes[b] >> 24) & mask], 1);
      }
      for (std::size_t b = 0; b < n; ++b) {
        std::size_t i = (hashes[b] >> 24) & mask;
        while (slots_[i] != kEmpty) i = (i + 1) & mask;
        slots_[i] = ((base + j0 + b) << 24) | (hashes[b] & kTagMask);
      }
    }
  }
  tombstones_ = 0;
}

std::vector<ExpiringKeySet::Piece> ExpiringKeySet::save_pieces(std::int64_t epoch,
                                                               Micros expired_at,
                                                               const PieceWriter& write) {
  // More pieces than this in one segment (tiny epochs): write it whole once
  // instead, so that a restart does not read thousands of small files.
  constexpr std::size_t kMaxPieces = 64;
  std::vector<Piece> all;
  for (std::size_t k = 0; k < segments_.size(); ++k) {
    Segment* seg = segments_[k].get();
    if (!seg || seg->entries.empty()) continue;
    if (seg->rewrite || seg->pieces.size() >= kMaxPieces) {
      seg->pieces.clear();
      seg->saved = 0;
      seg->rewrite = false;
    }
    if (seg->saved < seg->entries.size()) {
      // The piece, of the entries not expired at `expired_at` (an entry that
      // expired stays so, watermarks only rise, unless its key comes back, and
      // then its segment is written again whole: `rewrite`):
      //   u64 n; u64 size, then n pairs of LEB128 varints: the expiry minus
      //   the previous one (zigzag; the first from 0) and the key's length;
      //   u64 size, then the n keys' bytes, one after another.
      // Varints, because the expiries are close (or all kNever) and keys are
      // short: about a third of fixed-width fields, for zstd to go through.
      const Piece piece{first_segment_ + k, seg->saved, seg->entries.size(), epoch};
      std::size_t n = 0, key_bytes = 0;
      for (std::size_t j = piece.from; j < piece.to; ++j) {
        if (seg->entries[j].expiry <= expired_at) continue;
        ++n;
        key_bytes += seg->entries[j].length;
      }
      std::string bytes;
      bytes.reserve(8 + 8 + n * 15 + 8 + key_bytes);
      const auto fixed = [&bytes](std::uint64_t v) {
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(v >> (8 * i)));
      };
      const auto varint = [&bytes](std::uint64_t v) {
        for (; v >= 0x80; v >>= 7) bytes.push_back(static_cast<char>(v | 0x80));
        bytes.push_back(static_cast<char>(v));
      };
      fixed(n);
      fixed(0);  // the size of the varints, set below
      const std::size_t varints_at = bytes.size();
      std::uint64_t previous = 0;
      for (std::size_t j = piece.from; j < piece.to; ++j) {
        const Entry& e = seg->entries[j];
        if (e.expiry <= expired_at) continue;
        const std::uint64_t d = static_cast<std::uint64_t>(e.expiry) - previous;
        varint((d << 1) ^ (0 - (d >> 63)));  // zigzag: small negative deltas stay small
        varint(e.length);
        previous = static_cast<std::uint64_t>(e.expiry);
      }
      const std::uint64_t varint_bytes = bytes.size() - varints_at;
      for (int i = 0; i < 8; ++i)
        bytes[varints_at - 8 + i] = static_cast<char>(varint_bytes >> (8 * i));
      fixed(key_bytes);
      for (std::size_t j = piece.from; j < piece.to; ++j) {
        const Entry& e = seg->entries[j];
        if (e.expiry <= expired_at) continue;
        bytes.append(seg->bytes.data() + e.offset, e.length);
      }
      write(piece, std::move(bytes));
      seg->pieces.push_back(piece);
      seg->saved = static_cast<std::uint32_t>(piece.to);
    }
    all.insert(all.end(), seg->pieces.begin(), seg->pieces.end());
  }
  return all;
}

void ExpiringKeySet::load_piece(std::string_view payload, Micros now, const std::string& what) {
  PayloadReader r(payload, what);
  const std::size_t n = r.get_count(2);
  const std::string_view varints = r.get_string();
  const std::string_view keys = r.get_string();
  r.expect_end();
  const auto malformed = [&what](const std::string& problem) {
    return data_error(what + " is malformed (" + problem + "); start over with sx-read --reset");
  };
  std::size_t v = 0, at = 0;
  const auto next = [&]() {
    std::uint64_t x = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (v == varints.size() || shift > 63) throw malformed("a varint runs past its block");
      const auto byte = static_cast<unsigned char>(varints[v++]);
      x |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) return x;
    }
  };
  std::uint64_t previous = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t z = next();
    previous += (z >> 1) ^ (0 - (z & 1));
    const std::uint64_t length = next();
    if (length > keys.size() - at) throw malformed("a key runs past the key bytes");
    const std::string_view key = keys.substr(at, length);
    at += length;
    const auto expiry = static_cast<Micros>(previous);
    if (expiry > now) insert(key, expiry, kMinEventTime);
  }
  if (v != varints.size() || at != keys.size()) {
    throw malformed("bytes left after its " + std::to_string(n) + " keys");
  }
}

std::uint64_t ExpiringKeySet::memory_bytes() const {
  std::uint64_t bytes = capacity_ * sizeof(std::uint64_t);
  for (const auto& seg : segments_) {
    if (seg) bytes += seg->entries.capacity() * sizeof(Entry) + seg->bytes.capacity();
  }
  return bytes;
}

}  // namespace sx
