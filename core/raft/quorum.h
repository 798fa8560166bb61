// Majority arithmetic over a configuration's voters (thesis §3.4, §3.6).
//
// quorum_match and has_quorum take any callable (a template, not a std::function): the leader
// calls them for every acknowledgement, and a std::function there cost a call through a pointer
// per voter and kept the lambda from being inlined (issue 3).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <span>
#include <vector>

#include "core/env/assert.h"
#include "core/raft/types.h"

namespace keel::raft {

inline std::size_t quorum_size(std::size_t voters) { return voters / 2 + 1; }

// The value that a majority of `matched` (one per voter, at least one) have reached: the
// quorum_size-th highest. Reorders `matched`.
Index majority_value(std::span<Index> matched);

// The highest index that a majority of `voters` have matched; match(voter) gives each one's, and
// is called once per voter in the voters' (sorted) order, so it may walk a sorted map alongside.
template <class MatchOf>
Index quorum_match(const std::vector<NodeId>& voters, const MatchOf& match) {
  KEEL_ASSERT(!voters.empty(), "quorum of an empty configuration");
  // Usual clusters fit on the stack; it is called for every acknowledgement.
  constexpr std::size_t kOnStack = 16;
  std::array<Index, kOnStack> small;
  std::vector<Index> large;
  std::span<Index> matched(small.data(), std::min(voters.size(), kOnStack));
  if (voters.size() > kOnStack) {
    large.resize(voters.size());
    matched = large;
  }
  for (std::size_t i = 0; i < voters.size(); ++i) matched[i] = match(voters[i]);
  return majority_value(matched);
}

// True when a majority of `voters` satisfy `pred`.
template <class Predicate>
bool has_quorum(const std::vector<NodeId>& voters, const Predicate& pred) {
  const auto yes = std::count_if(voters.begin(), voters.end(), pred);
  return static_cast<std::size_t>(yes) >= quorum_size(voters.size());
}

enum class VoteResult { kPending, kWon, kLost };

// The outcome of an election given the answers so far (true: granted). Answers from non-voters do
// not count.
VoteResult tally_votes(const std::vector<NodeId>& voters, const std::map<NodeId, bool>& votes);

}  // namespace keel::raft
