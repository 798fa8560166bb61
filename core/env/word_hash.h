// The word-at-a-time steps that hash_bytes (core/env/random.h) and the simulator's entry digests
// (sim/checkers/entry_digest.h) share. Inline: the Raft checker digests every entry it sees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace keel::word_hash {

// One step: xor the word in, then a bijection of the state. The xorshift before the multiply
// carries a change in the high bits down to the low ones, where the multiply's carries spread it up
// again: xor-multiply alone moves a flip of bit 63 to bit 63 whatever the data, so flipping bit 63
// of two words would cancel out.
inline std::uint64_t absorb(std::uint64_t h, std::uint64_t word) {
  constexpr std::uint64_t kWordPrime = 0x9e3779b97f4a7c15ULL;  // odd: multiplying is a bijection
  const std::uint64_t x = h ^ word;
  return (x ^ (x >> 32)) * kWordPrime;
}

// Absorbs the n bytes at p eight at a time, then the 1 to 7 tail bytes as one word holding each of
// them: two overlapping 4-byte loads from 4 bytes on, the first, middle and last byte below (the
// way wyhash reads short inputs). One-to-one only for a known length: callers absorb n first.
inline std::uint64_t absorb_bytes(std::uint64_t h, const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = absorb(h, word);
  }
  const std::size_t tail = n - i;
  if (tail >= 4) {
    std::uint32_t low, high;
    std::memcpy(&low, p + i, 4);
    std::memcpy(&high, p + n - 4, 4);
    h = absorb(h, low | std::uint64_t{high} << 32);
  } else if (tail > 0) {
    h = absorb(h, p[i] | std::uint64_t{p[i + tail / 2]} << 8 | std::uint64_t{p[n - 1]} << 16);
  }
  return h;
}

}  // namespace keel::word_hash
