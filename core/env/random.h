// env::Random: the only source of randomness for the core (DESIGN.md principle 2).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/env/types.h"

namespace keel {

// A seeded 64-bit generator (xoshiro256**, seeded through splitmix64). Its output depends only on
// the seed and the number of draws, on every platform and standard library: <random>'s
// distributions are not used because they differ between implementations.
//
// derive(label) makes an independent stream from this generator's *seed* and the label, not from
// its current state, so adding a component that draws numbers never shifts the draws of another.
class Random {
 public:
  explicit Random(std::uint64_t seed);

  std::uint64_t seed() const { return seed_; }
  Random derive(std::string_view label) const;

  std::uint64_t next();
  // Uniform in [0, bound), bound > 0, without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [low, high], low <= high.
  std::int64_t between(std::int64_t low, std::int64_t high);
  Duration between(Duration low, Duration high);
  // Uniform in [0, 1).
  double unit();
  // True with probability p (p <= 0: never; p >= 1: always).
  bool chance(double p);

 private:
  std::uint64_t seed_;
  std::uint64_t state_[4];
};

// A stable 64-bit hash of bytes (FNV-1a folded through a splitmix finalizer); the same everywhere.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0);
std::uint64_t mix64(std::uint64_t x);

}  // namespace keel
