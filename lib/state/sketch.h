// Summaries behind sx-window's approximate aggregates (issue 14):
//
//   Hll       approx_count_distinct: HyperLogLog++ as Spark's
//             HyperLogLogPlusPlusHelper (p from the relative standard
//             deviation, 6-bit registers packed ten to a 64-bit word, XXH64
//             with seed 42, linear counting below Spark's thresholds; Spark's
//             bias-correction tables are not carried: above the threshold the
//             raw estimate is used).
//   Quantiles percentile_approx: Greenwald-Khanna summaries as Spark's
//             QuantileSummaries (relative error 1/accuracy), with a smaller
//             head buffer, a compression after every flush, and GK's own
//             bound for a new value's rank (its successor's g + delta - 1;
//             an equal neighbour absorbs it) where Spark takes 2 eps n, so
//             that a group keeps about 3 KB at accuracy 100 (see
//             Quantiles::head_cap and flush).
//   xxh64     the 64-bit xxHash (Spark's XXH64 gives the same values).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/checkpoint_file.h"

namespace sx {

std::uint64_t xxh64(const void* data, std::size_t len, std::uint64_t seed);
// Spark's XXH64.hashLong: the hash of the 8 little-endian bytes of `v`.
std::uint64_t xxh64_long(std::int64_t v, std::uint64_t seed);

// The largest p sx accepts (rsd >= 1.106 / 2^9, about 0.0022: 256 K
// registers, 210 KB a group); HLL++'s thresholds end there too.
inline constexpr int kMaxHllPrecision = 18;

// HyperLogLog++ registers.
struct Hll {
  int p = 0;                         // address bits (4..)
  std::vector<std::uint64_t> words;  // 6-bit registers, 10 per word

  // Spark's p for a relative standard deviation: ceil(2 log2(1.106 / rsd));
  // 0 when it is below 4 (rsd above 0.39: Spark refuses it).
  static int precision_for(double rsd);
  void init(int precision);
  void add_hash(std::uint64_t x);
  void merge(const Hll& o);
  std::int64_t estimate() const;
  std::size_t bytes() const { return words.size() * 8; }
};

// Greenwald-Khanna quantile summary (Spark's QuantileSummaries).
struct Quantiles {
  struct Stat {
    double value;
    std::int64_t g;
    std::int64_t delta;
  };
  double eps = 1e-4;  // relative error: 1 / accuracy
  std::vector<Stat> sampled;
  std::vector<double> head;  // values not yet in `sampled`, unsorted
  std::int64_t count = 0;    // values in `sampled`

  // The head buffer's size at this relative error: Spark buffers 50000
  // values; sx buffers min(50000, max(128, accuracy / 4)).
  std::size_t head_cap() const;
  void insert(double x) {
    if (head.capacity() == 0) head.reserve(head_cap());  // its bytes counted from the start
    head.push_back(x);
    if (head.size() >= head_cap()) flush();
  }
  // Moves the head into `sampled` and compresses (Spark's
  // withHeadBufferInserted + compress).
  void flush();
  void merge(Quantiles&& o);
  // The value at `quantile` (Spark's query); the summary must be flushed.
  double query(double quantile) const;
  std::int64_t total() const { return count + static_cast<std::int64_t>(head.size()); }
  std::size_t bytes() const {
    return sampled.capacity() * sizeof(Stat) + head.capacity() * sizeof(double);
  }
};

}  // namespace sx
