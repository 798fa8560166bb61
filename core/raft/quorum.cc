#include "core/raft/quorum.h"

#include <algorithm>
#include <functional>

#include "core/env/assert.h"

namespace keel::raft {

namespace {
// Up to this many values, majority_value sorts them by insertion.
constexpr std::size_t kInsertionSortLimit = 16;
}  // namespace

Index majority_value(std::span<Index> matched) {
  KEEL_ASSERT(!matched.empty(), "majority of no values");
  // Sorted descending, the quorum_size-th value is held by a majority.
  const std::size_t k = quorum_size(matched.size()) - 1;
  if (matched.size() <= kInsertionSortLimit) {
    // A usual cluster has 3 to 7 voters: an insertion sort does a few comparisons where
    // nth_element's partitioning setup cost about as much as the rest of the commit check (issue
    // 3).
    for (std::size_t i = 1; i < matched.size(); ++i) {
      const Index value = matched[i];
      std::size_t j = i;
      for (; j > 0 && matched[j - 1] < value; --j) matched[j] = matched[j - 1];
      matched[j] = value;
    }
    return matched[k];
  }
  const auto kth = matched.begin() + static_cast<std::ptrdiff_t>(k);
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
