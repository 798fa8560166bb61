// entry_digest: a 64-bit digest of a Raft entry's type and bytes, for the Raft checker's
// comparisons (log matching chains, state machine safety). The checker digests every entry once
// per node that persists it and once per node that applies it, so the bytes are read eight at a
// time (keel::hash_bytes) rather than one (keel::stable_hash's FNV-1a loop).
//
// Contract: equal (seed, type, bytes) give equal digests; any difference in one of them changes the
// digest but for a chance of about 2^-64 (hash_bytes's steps are bijections of its state, and it
// folds in the length, so "ab" and "ab\0" differ). Not for traces or files: the value is only
// compared within one run.
#pragma once

#include <cstdint>

#include "core/raft/types.h"

namespace keel::sim {

std::uint64_t entry_digest(const raft::Entry& entry, std::uint64_t seed = 0);

}  // namespace keel::sim
