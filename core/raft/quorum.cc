#include "core/raft/quorum.h"

#include <algorithm>
#include <functional>

#include "core/env/assert.h"

namespace keel::raft {

Index majority_value(std::span<Index> matched) {
  KEEL_ASSERT(!matched.empty(), "majority of no values");
  // Sorted descending, the quorum_size-th value is held by a majority.
  const auto kth = matched.begin() + static_cast<std::ptrdiff_t>(quorum_size(matched.size()) - 1);
  std::nth_element(matched.begin(), kth, matched.end(), std::greater<>());
  return *kth;
}

VoteResult tally_votes(const std::vector<NodeId>& voters, const std::map<NodeId, bool>& votes) {
  std::size_t granted = 0;
  std::size_t rejected = 0;
  for (NodeId voter : voters) {
    auto it = votes.find(voter);
    if (it == votes.end()) continue;
    ++(it->second ? granted : rejected);
  }
  const std::size_t quorum = quorum_size(voters.size());
  if (granted >= quorum) return VoteResult::kWon;
  if (voters.size() - rejected < quorum) return VoteResult::kLost;
  return VoteResult::kPending;
}

}  // namespace keel::raft
