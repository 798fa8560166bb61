// entry_digest: a 64-bit digest of a Raft entry's term, type and bytes, for the Raft checker's
// comparisons: log matching chains (an entry's chain is its digest seeded with the chain before
// it) and state machine safety. The checker digests every entry once per node that persists it and
// once per node that applies it, and entries are small (the benchmark's client values are under
// ten bytes), so the digest is inline and absorbs the term, the length and type, and the bytes
// eight at a time in one pass. It ends without a finalizer (such as mix64): digests are only
// compared for equality, and a final bijection would not change which inputs collide; a chain is
// mixed further as the first steps of the next entry's digest absorb it.
//
// Contract: equal (seed, term, type, bytes) give equal digests. For one entry the digest is a
// bijection of the seed, so logs whose chains differ before an entry still differ after it. Two
// inputs that differ in one of the term, the length and type, or one 8-byte word of the bytes
// always digest differently (every step is a bijection of the state, and the length makes the
// words one-to-one with the bytes: "ab" and "ab\0" differ); other differences collide with a
// chance of about 2^-64. Not for traces or files: the value is only compared within one run.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/raft/types.h"

namespace keel::sim {

namespace entry_digest_detail {

// One step: xor the word in, then a bijection of the state (hash_bytes's step: the xorshift carries
// high bits down to where the multiply's carries spread them up again).
inline std::uint64_t absorb(std::uint64_t h, std::uint64_t word) {
  constexpr std::uint64_t kWordPrime = 0x9e3779b97f4a7c15ULL;  // odd: multiplying is a bijection
  const std::uint64_t x = h ^ word;
  return (x ^ (x >> 32)) * kWordPrime;
}

}  // namespace entry_digest_detail

inline std::uint64_t entry_digest(const raft::Entry& entry, std::uint64_t seed = 0) {
  using entry_digest_detail::absorb;
  const std::uint8_t* p = entry.data.data();
  const std::size_t n = entry.data.size();
  std::uint64_t h = absorb(seed, entry.term);
  h = absorb(h, std::uint64_t{n} << 8 | static_cast<std::uint8_t>(entry.type));
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = absorb(h, word);
  }
  // The 1 to 7 tail bytes as one word, each byte in it (one-to-one for a known length): two
  // overlapping 4-byte loads from 4 bytes on, the first, middle and last byte below.
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

}  // namespace keel::sim
