// Majority arithmetic over a configuration's voters (thesis §3.4, §3.6).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <vector>

#include "core/raft/types.h"

namespace keel::raft {

inline std::size_t quorum_size(std::size_t voters) { return voters / 2 + 1; }

// The highest index that a majority of `voters` have matched; match(voter) gives each one's.
Index quorum_match(const std::vector<NodeId>& voters, const std::function<Index(NodeId)>& match);

// True when a majority of `voters` satisfy `pred`.
bool has_quorum(const std::vector<NodeId>& voters, const std::function<bool(NodeId)>& pred);

enum class VoteResult { kPending, kWon, kLost };

// The outcome of an election given the answers so far (true: granted). Answers from non-voters do
// not count.
VoteResult tally_votes(const std::vector<NodeId>& voters, const std::map<NodeId, bool>& votes);

}  // namespace keel::raft
