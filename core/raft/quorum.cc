#include "core/raft/quorum.h"

#include <algorithm>
#include <array>
#include <span>

#include "core/env/assert.h"

namespace keel::raft {

Index quorum_match(const std::vector<NodeId>& voters, const std::function<Index(NodeId)>& match) {
  KEEL_ASSERT(!voters.empty(), "quorum of an empty configuration");
  // Usual clusters fit on the stack; it is called for every acknowledgement.
  constexpr std::size_t kOnStack = 16;
  std::array<Index, kOnStack> small;
  std::vector<Index> large;
  std::span<Index> matched(small.data(), voters.size());
  if (voters.size() > kOnStack) {
    large.resize(voters.size());
    matched = large;
  }
  for (std::size_t i = 0; i < voters.size(); ++i) matched[i] = match(voters[i]);
  // Sorted descending, the quorum_size-th value is held by a majority.
  const auto kth = matched.begin() + static_cast<std::ptrdiff_t>(quorum_size(voters.size()) - 1);
  std::nth_element(matched.begin(), kth, matched.end(), std::greater<>());
  return *kth;
}

bool has_quorum(const std::vector<NodeId>& voters, const std::function<bool(NodeId)>& pred) {
  const auto yes = std::count_if(voters.begin(), voters.end(), pred);
  return static_cast<std::size_t>(yes) >= quorum_size(voters.size());
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
