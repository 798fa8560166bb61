#include "sim/checkers/entry_digest.h"

#include "core/env/random.h"

namespace keel::sim {

std::uint64_t entry_digest(const raft::Entry& entry, std::uint64_t seed) {
  return hash_bytes(ByteView(entry.data.data(), entry.data.size()),
                    mix64(seed) ^ static_cast<std::uint64_t>(entry.type));
}

}  // namespace keel::sim
