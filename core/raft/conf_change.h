// Membership: one server at a time (thesis §4.1). A configuration takes effect as soon as its entry
// is appended to a server's log, not when it commits, so Raft must read conf changes the moment it
// appends them and must revert them when a log suffix is truncated. A kConfChange entry's data is
// the ConfChange in core/codec's encoding (codec::encode / codec::decode<raft::ConfChange>).
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "core/env/error.h"
#include "core/raft/types.h"

namespace keel::raft {

// Inline: the leader and the simulator's checkers ask for every entry (issue 3). The lists are
// sorted (ConfState's contract).
inline bool is_voter(const ConfState& conf, NodeId node) {
  return std::binary_search(conf.voters.begin(), conf.voters.end(), node);
}
inline bool is_learner(const ConfState& conf, NodeId node) {
  return std::binary_search(conf.learners.begin(), conf.learners.end(), node);
}
// Sorted, disjoint, no kNoNode: the shape every ConfState must have.
bool is_well_formed(const ConfState& conf);

// The configuration after `change`, or why it does not apply to `conf`: kAlreadyExists (adding a
// member), kNotFound (promoting a non-learner, removing a non-member), kInvalidArgument (node 0,
// removing the last voter), kLimitExceeded (more members than codec::kMaxConfNodes).
Result<ConfState> apply_conf_change(const ConfState& conf, const ConfChange& change);

// The configurations along the log: the base one (as of `base_index`, from a snapshot or the
// initial configuration) and one per conf change entry after it. The current configuration is the
// latest.
class ConfHistory {
 public:
  ConfHistory(Index base_index, ConfState base);

  const ConfState& current() const;
  const ConfState& at(Index index) const;  // index >= base_index
  // The index of the latest conf change entry, or the base index if there is none after it.
  Index last_change_index() const;

  void append(Index index, ConfState conf);  // index > last_change_index()
  void truncate_from(Index index);           // forgets the changes at index and after
  void compact_to(Index index);              // folds the changes up to index into the base
  void reset(Index base_index, ConfState base);

 private:
  Index base_index_;
  ConfState base_;
  std::vector<std::pair<Index, ConfState>> changes_;  // ascending index
};

}  // namespace keel::raft
