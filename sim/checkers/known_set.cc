#include "sim/checkers/known_set.h"

#include "core/env/assert.h"
#include "core/env/random.h"

namespace keel::sim {

KnownSet::KnownSet(std::size_t members) : words_((members + 63) / 64, 0) {
  KEEL_ASSERT(members < (std::size_t{1} << 32), "too many known operations: ", members);
}

void KnownSet::toggle(std::uint32_t rank) {
  words_[rank / 64] ^= std::uint64_t{1} << (rank % 64);
  hash_ ^= mix64(rank + 1);
  if (contains(rank)) {
    while (prefix_ < 64 * words_.size() && contains(prefix_)) ++prefix_;
    if (rank >= end_) end_ = rank + 1;
    return;
  }
  if (rank < prefix_) prefix_ = rank;
  while (end_ > 0 && !contains(end_ - 1)) --end_;
}

CompactKnownSet KnownSet::compact() const {
  const std::size_t first = prefix_ / 64;
  const std::size_t last = end_ == 0 ? 0 : (end_ - 1) / 64 + 1;
  if (last <= first) return CompactKnownSet{prefix_, {}};
  return CompactKnownSet{prefix_, std::span(words_).subspan(first, last - first)};
}

}  // namespace keel::sim
