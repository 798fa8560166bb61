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

#include "core/env/word_hash.h"
#include "core/raft/types.h"

namespace keel::sim {

inline std::uint64_t entry_digest(const raft::Entry& entry, std::uint64_t seed = 0) {
  const std::size_t n = entry.data.size();
  std::uint64_t h = word_hash::absorb(seed, entry.term);
  h = word_hash::absorb(h, std::uint64_t{n} << 8 | static_cast<std::uint8_t>(entry.type));
  return word_hash::absorb_bytes(h, entry.data.data(), n);
}

}  // namespace keel::sim
