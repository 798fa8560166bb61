// env::Random: the only source of randomness for the core (DESIGN.md principle 2).
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

#include "core/env/assert.h"
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

  // The draws are inline: the simulator draws a latency for every frame it sends and every sync
  // (callgrind: ~85,000 calls per 20 simulated seconds of the benchmark).
  std::uint64_t next() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, bound), bound > 0, without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t bound) {
    KEEL_ASSERT(bound > 0, "Random::below(0)");
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = -bound % bound;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // A number no earlier life of the process drew, in practice: random, in [1, 2^63], so never 0
  // and counting up from it never wraps. For ids that pair answers with requests across machines
  // (a session, or where a numbering of requests or streams starts): a machine that restarts may
  // still be sent answers to its former life's numbers, which must not pair with the new life's
  // (etcd's request ids are unique across restarts the same way: idutil prefixes them with the
  // member id and the time).
  std::uint64_t fresh_id() { return (next() >> 1) + 1; }
  // Uniform in [low, high], low <= high.
  std::int64_t between(std::int64_t low, std::int64_t high) {
    KEEL_ASSERT(low <= high, "Random::between(", low, ", ", high, ")");
    const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    if (span == ~std::uint64_t{0}) return static_cast<std::int64_t>(next());
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + below(span + 1));
  }
  Duration between(Duration low, Duration high) {
    return Duration(between(low.count(), high.count()));
  }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // True with probability p (p <= 0: never; p >= 1: always).
  bool chance(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return unit() < p;
  }

 private:
  std::uint64_t seed_;
  std::uint64_t state_[4];
};

// A stable 64-bit hash of bytes (FNV-1a folded through a splitmix finalizer); the same everywhere.
// Random::derive is built on it, so changing it changes every seed's run.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0);

// The splitmix64 finalizer (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", 2014): a bijection of 64-bit words in which every input bit flips about half of
// the output bits. Inline: the simulator's trace hash and the Raft checker call it per event.
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A fast stable 64-bit hash of bytes, eight at a time: the length and seed are mixed into the
// start, each little-endian word (and the 1 to 7 tail bytes, gathered into one word) is folded
// in by xor, xorshift and multiply, and mix64 ends it. For identifying data (trace hashes, the
// checker's entry digests), not for deriving seeds. Each step is a bijection of the state, so
// two inputs of one length that differ in a single byte (or word) always hash differently.
std::uint64_t hash_bytes(ByteView bytes, std::uint64_t seed = 0);

}  // namespace keel
