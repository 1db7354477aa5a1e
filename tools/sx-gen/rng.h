// A small, fast, portable pseudo-random generator: xoshiro256** (Blackman and
// Vigna) seeded through splitmix64. The same seed and stream give the same
// numbers on every platform and library version, which std:: distributions do
// not promise; so every draw here is integer math of our own.
//
// Candidate for lib/ (rng.h) once another tool needs reproducible randomness.
#pragma once

#include <cstdint>

namespace sx::gen {

// splitmix64: a good 64-bit mixer, used to expand a seed into a full state.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // `stream` picks an independent sequence for the same seed, so that drawing
  // more numbers for one purpose (say, duplicates) does not shift another's.
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t sm = seed ^ splitmix64(stream);
    for (auto& word : s_) word = splitmix64(sm);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), exactly (Lemire's multiply-shift with rejection).
  // REQUIRES: n > 0.
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], both included. REQUIRES: lo <= hi, hi - lo < 2^64 - 1.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span + 1));
  }

  // True with probability p, where p is given as a threshold on 53-bit
  // draws (see chance_threshold): 0 never, 2^53 always.
  bool chance(std::uint64_t threshold) { return (next() >> 11) < threshold; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4];
};

// The threshold for Rng::chance of a probability in [0, 1]: round(p * 2^53).
// IEEE double arithmetic is exact here, so the result is the same everywhere.
inline std::uint64_t chance_threshold(double p) {
  constexpr double kTwo53 = 9007199254740992.0;
  return static_cast<std::uint64_t>(p * kTwo53 + 0.5);
}

}  // namespace sx::gen
