#include "state/sketch.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sx {

namespace {

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kP3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kP4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kP5 = 0x27D4EB2F165667C5ULL;

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

std::uint64_t read64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts (x86-64, aarch64)
}

std::uint32_t read32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

std::uint64_t round(std::uint64_t acc, std::uint64_t in) {
  acc += in * kP2;
  acc = rotl(acc, 31);
  return acc * kP1;
}

std::uint64_t merge_round(std::uint64_t acc, std::uint64_t v) {
  acc ^= round(0, v);
  return acc * kP1 + kP4;
}

std::uint64_t avalanche(std::uint64_t h) {
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

constexpr int kRegisterBits = 6;
constexpr int kRegistersPerWord = 10;
constexpr std::uint64_t kRegisterMask = (1u << kRegisterBits) - 1;

// HLL++'s thresholds below which linear counting is used, p = 4..18
// (Heule, Nunkesser, Hall 2013; the values Spark uses).
constexpr double kThresholds[] = {10,   20,   40,    80,    220,   400,    900,   1800,
                                  3100, 6500, 15500, 20000, 50000, 120000, 350000};

}  // namespace

std::uint64_t xxh64(const void* data, std::size_t len, std::uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  const unsigned char* const end = p + len;
  std::uint64_t h;
  if (len >= 32) {
    std::uint64_t v1 = seed + kP1 + kP2, v2 = seed + kP2, v3 = seed, v4 = seed - kP1;
    const unsigned char* const limit = end - 32;
    do {
      v1 = round(v1, read64(p));
      v2 = round(v2, read64(p + 8));
      v3 = round(v3, read64(p + 16));
      v4 = round(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = merge_round(h, v1);
    h = merge_round(h, v2);
    h = merge_round(h, v3);
    h = merge_round(h, v4);
  } else {
    h = seed + kP5;
  }
  h += len;
  while (p + 8 <= end) {
    h ^= round(0, read64(p));
    h = rotl(h, 27) * kP1 + kP4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= static_cast<std::uint64_t>(read32(p)) * kP1;
    h = rotl(h, 23) * kP2 + kP3;
    p += 4;
  }
  while (p < end) {
    h ^= (*p) * kP5;
    h = rotl(h, 11) * kP1;
    ++p;
  }
  return avalanche(h);
}

std::uint64_t xxh64_long(std::int64_t v, std::uint64_t seed) {
  std::uint64_t h = seed + kP5 + 8;
  h ^= round(0, static_cast<std::uint64_t>(v));
  h = rotl(h, 27) * kP1 + kP4;
  return avalanche(h);
}

int Hll::precision_for(double rsd) {
  if (!(rsd > 0) || !std::isfinite(rsd)) return 0;
  const double p = std::ceil(2.0 * std::log(1.106 / rsd) / std::log(2.0));
  if (p < 4) return 0;
  return p > 30 ? 31 : static_cast<int>(p);  // the caller bounds it (memory)
}

void Hll::init(int precision) {
  p = precision;
  const std::size_t m = std::size_t{1} << p;
  words.assign(m / kRegistersPerWord + 1, 0);
}

void Hll::add_hash(std::uint64_t x) {
  const std::size_t idx = static_cast<std::size_t>(x >> (64 - p));
  const std::uint64_t w = (x << p) | (std::uint64_t{1} << (p - 1));
  const std::uint64_t pw = static_cast<std::uint64_t>(__builtin_clzll(w)) + 1;
  const std::size_t word = idx / kRegistersPerWord;
  const int shift = kRegisterBits * static_cast<int>(idx - word * kRegistersPerWord);
  const std::uint64_t mask = kRegisterMask << shift;
  const std::uint64_t cur = (words[word] & mask) >> shift;
  if (pw > cur) words[word] = (words[word] & ~mask) | (pw << shift);
}

void Hll::merge(const Hll& o) {
  if (o.words.size() != words.size()) return;  // same spec, same p
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint64_t out = 0;
    for (int r = 0; r < kRegistersPerWord; ++r) {
      const std::uint64_t mask = kRegisterMask << (kRegisterBits * r);
      out |= std::max(words[i] & mask, o.words[i] & mask);
    }
    words[i] = out;
  }
}

std::int64_t Hll::estimate() const {
  if (words.empty()) return 0;
  const std::size_t m = std::size_t{1} << p;
  const double md = static_cast<double>(m);
  double z_inverse = 0, zeros = 0;
  for (std::size_t idx = 0; idx < m; ++idx) {
    const std::size_t word = idx / kRegistersPerWord;
    const int shift = kRegisterBits * static_cast<int>(idx - word * kRegistersPerWord);
    const std::uint64_t r = (words[word] >> shift) & kRegisterMask;
    z_inverse += 1.0 / static_cast<double>(std::uint64_t{1} << r);
    if (r == 0) zeros += 1;
  }
  const double alpha = p == 4   ? 0.673
                       : p == 5 ? 0.697
                       : p == 6 ? 0.709
                                : 0.7213 / (1.0 + 1.079 / md);
  const double e = alpha * md * md / z_inverse;
  double estimate = e;
  if (zeros > 0) {
    const double h = md * std::log(md / zeros);  // linear counting
    if ((p < 19 && h <= kThresholds[p - 4]) || e <= 2.5 * md) estimate = h;
  }
  return std::llround(estimate);
}

std::size_t Quantiles::head_cap() const {
  const double accuracy = 1.0 / eps;
  const double cap = std::min(50000.0, std::max(128.0, accuracy / 4));
  return static_cast<std::size_t>(cap);
}

namespace {

// Spark's compressImmut: merges neighbours while g + g' + delta' stays
// under the threshold; keeps the first and the last sample.
void compress(std::vector<Quantiles::Stat>& s, double threshold) {
  if (s.size() <= 2) return;
  // Walk from the end, writing the kept samples at the end of the vector.
  std::size_t out = s.size() - 1;  // s[out] is the current head
  Quantiles::Stat head = s.back();
  for (std::size_t i = s.size() - 2; i >= 1; --i) {
    const Quantiles::Stat cur = s[i];
    if (static_cast<double>(cur.g + head.g + head.delta) < threshold) {
      head.g += cur.g;
    } else {
      s[out--] = head;
      head = cur;
    }
  }
  s[out] = head;
  const Quantiles::Stat first = s[0];
  std::size_t from = out;
  if (first.value <= head.value) s[--from] = first;
  s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(from));
}

}  // namespace

void Quantiles::flush() {
  if (head.empty()) return;
  std::sort(head.begin(), head.end());
  std::vector<Stat> out;
  out.reserve(sampled.size() + head.size());
  std::size_t si = 0;
  std::int64_t current = count;
  for (std::size_t hi = 0; hi < head.size(); ++hi) {
    const double x = head[hi];
    while (si < sampled.size() && sampled[si].value <= x) out.push_back(sampled[si++]);
    ++current;
    // A value equal to the sample before it joins that sample (g + 1): GK's
    // merge of the new sample into its equal successor, allowed while
    // g + delta stays under 2 eps n. Many equal values (status codes, whole
    // milliseconds) then keep one sample each instead of one per band.
    if (!out.empty() && out.back().value == x &&
        static_cast<double>(out.back().g + out.back().delta + 1) <
            2 * eps * static_cast<double>(current)) {
      ++out.back().g;
      continue;
    }
    // The rank uncertainty of x is its successor's, g + delta - 1 (the
    // successor's rank bounds x's from above, and g + delta <= 2 eps n holds
    // for it); x beyond every old sample has an exact rank, delta 0. Spark
    // gives every inner value floor(2 eps n), which keeps recent values
    // from merging: on sorted input 30,000 samples at accuracy 10000 where
    // this keeps under 10,000, with the same guarantee.
    const std::int64_t delta =
        si < sampled.size() && !out.empty() ? sampled[si].g + sampled[si].delta - 1 : 0;
    out.push_back({x, 1, delta});
  }
  while (si < sampled.size()) out.push_back(sampled[si++]);
  count = current;
  head.clear();
  compress(out, 2 * eps * static_cast<double>(count));
  sampled = std::move(out);
  sampled.shrink_to_fit();
}

void Quantiles::merge(Quantiles&& o) {
  flush();
  o.flush();
  if (o.count == 0) return;
  if (count == 0) {
    *this = std::move(o);
    return;
  }
  const double merged_eps = std::max(eps, o.eps);
  const std::int64_t merged_count = count + o.count;
  const auto add_self =
      static_cast<std::int64_t>(std::floor(2 * o.eps * static_cast<double>(o.count)));
  const auto add_other =
      static_cast<std::int64_t>(std::floor(2 * eps * static_cast<double>(count)));
  std::vector<Stat> out;
  out.reserve(sampled.size() + o.sampled.size());
  std::size_t a = 0, b = 0;
  while (a < sampled.size() && b < o.sampled.size()) {
    if (sampled[a].value < o.sampled[b].value) {
      Stat s = sampled[a++];
      if (b > 0) s.delta += add_self;
      out.push_back(s);
    } else {
      Stat s = o.sampled[b++];
      if (a > 0) s.delta += add_other;
      out.push_back(s);
    }
  }
  while (a < sampled.size()) out.push_back(sampled[a++]);
  while (b < o.sampled.size()) out.push_back(o.sampled[b++]);
  compress(out, 2 * merged_eps * static_cast<double>(merged_count));
  sampled = std::move(out);
  eps = merged_eps;
  count = merged_count;
}

double Quantiles::query(double quantile) const {
  if (sampled.empty()) return 0;
  if (quantile <= eps) return sampled.front().value;
  if (quantile >= 1 - eps) return sampled.back().value;
  const auto rank = static_cast<std::int64_t>(std::ceil(quantile * static_cast<double>(count)));
  std::int64_t target = 0;
  for (const Stat& s : sampled) target = std::max(target, s.g + s.delta);
  target /= 2;
  std::int64_t min_rank = 0;
  for (std::size_t i = 0; i + 1 < sampled.size(); ++i) {
    min_rank += sampled[i].g;
    const std::int64_t max_rank = min_rank + sampled[i].delta;
    if (max_rank - target <= rank && rank <= min_rank + target) return sampled[i].value;
  }
  return sampled.back().value;
}

}  // namespace sx
