#include "core/env/random.h"

#include <cstring>

#include "core/env/assert.h"

namespace keel {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return mix64(state);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

namespace {

// One step of hash_bytes: a bijection of the state for each word. The xorshift before the
// multiply carries a change in the high bits down to the low ones, where the multiply's carries
// spread it up again: xor-multiply alone moves a flip of bit 63 to bit 63 whatever the data, so
// flipping bit 63 of two words would cancel out.
std::uint64_t absorb(std::uint64_t h, std::uint64_t word) {
  constexpr std::uint64_t kWordPrime = 0x9e3779b97f4a7c15ULL;  // odd: multiplying is a bijection
  const std::uint64_t x = h ^ word;
  return (x ^ (x >> 32)) * kWordPrime;
}

}  // namespace

std::uint64_t hash_bytes(ByteView bytes, std::uint64_t seed) {
  const std::uint8_t* p = bytes.data();
  const std::size_t n = bytes.size();
  std::uint64_t h = mix64(seed ^ n);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = absorb(h, word);
  }
  // The 1 to 7 tail bytes as one word, each byte in it (for a known length this is one-to-one):
  // two overlapping 4-byte loads from 4 bytes on, the first, middle and last byte below (the
  // way wyhash reads short inputs).
  const std::size_t tail = n - i;
  if (tail >= 4) {
    std::uint32_t low, high;
    std::memcpy(&low, p + i, 4);
    std::memcpy(&high, p + n - 4, 4);
    h = absorb(h, low | std::uint64_t{high} << 32);
  } else if (tail > 0) {
    h = absorb(h, p[i] | std::uint64_t{p[i + tail / 2]} << 8 | std::uint64_t{p[n - 1]} << 16);
  }
  return mix64(h);
}

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

Random::Random(std::uint64_t seed) : seed_(seed) {
  std::uint64_t s = seed;
  for (auto& word : state_) word = splitmix64(s);
}

Random Random::derive(std::string_view label) const { return Random(stable_hash(label, seed_)); }

std::uint64_t Random::next() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

std::uint64_t Random::below(std::uint64_t bound) {
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

std::int64_t Random::between(std::int64_t low, std::int64_t high) {
  KEEL_ASSERT(low <= high, "Random::between(", low, ", ", high, ")");
  const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  if (span == ~std::uint64_t{0}) return static_cast<std::int64_t>(next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + below(span + 1));
}

Duration Random::between(Duration low, Duration high) {
  return Duration(between(low.count(), high.count()));
}

double Random::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool Random::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return unit() < p;
}

}  // namespace keel
