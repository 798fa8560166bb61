#include "core/raft/conf_change.h"

#include <algorithm>
#include <functional>
#include <iterator>

#include "core/codec/limits.h"
#include "core/env/assert.h"

namespace keel::raft {
namespace {

bool contains(const std::vector<NodeId>& sorted, NodeId node) {
  return std::binary_search(sorted.begin(), sorted.end(), node);
}

void insert_sorted(std::vector<NodeId>& sorted, NodeId node) {
  sorted.insert(std::lower_bound(sorted.begin(), sorted.end(), node), node);
}

void erase_sorted(std::vector<NodeId>& sorted, NodeId node) {
  sorted.erase(std::lower_bound(sorted.begin(), sorted.end(), node));
}

}  // namespace

bool is_well_formed(const ConfState& conf) {
  auto strictly_sorted = [](const std::vector<NodeId>& ids) {
    return std::adjacent_find(ids.begin(), ids.end(), std::greater_equal<>()) == ids.end() &&
           !contains(ids, kNoNode);
  };
  if (!strictly_sorted(conf.voters) || !strictly_sorted(conf.learners)) return false;
  return std::none_of(conf.learners.begin(), conf.learners.end(),
                      [&](NodeId id) { return contains(conf.voters, id); });
}

Result<ConfState> apply_conf_change(const ConfState& conf, const ConfChange& change) {
  if (change.node == kNoNode) return fail(Errc::kInvalidArgument, "conf change: node 0");
  ConfState next = conf;
  const bool voter = is_voter(conf, change.node);
  const bool learner = is_learner(conf, change.node);
  switch (change.type) {
    case ConfChangeType::kAddLearner:
      if (voter || learner) {
        return fail(Errc::kAlreadyExists, str("add learner: node ", change.node, " is already a ",
                                              voter ? "voter" : "learner"));
      }
      if (conf.voters.size() + conf.learners.size() >= codec::kMaxConfNodes) {
        return fail(Errc::kLimitExceeded,
                    str("add learner: ", codec::kMaxConfNodes, " members (codec::kMaxConfNodes)"));
      }
      insert_sorted(next.learners, change.node);
      return next;
    case ConfChangeType::kPromoteLearner:
      if (!learner) {
        return fail(Errc::kNotFound, str("promote: node ", change.node, " is not a learner"));
      }
      erase_sorted(next.learners, change.node);
      insert_sorted(next.voters, change.node);
      return next;
    case ConfChangeType::kRemoveNode:
      if (!voter && !learner) {
        return fail(Errc::kNotFound, str("remove: node ", change.node, " is not a member"));
      }
      if (voter && conf.voters.size() == 1) {
        return fail(Errc::kInvalidArgument,
                    str("remove: node ", change.node, " is the last voter"));
      }
      erase_sorted(voter ? next.voters : next.learners, change.node);
      return next;
  }
  return fail(Errc::kInvalidArgument, "conf change: unknown type");
}

ConfHistory::ConfHistory(Index base_index, ConfState base)
    : base_index_(base_index), base_(std::move(base)) {
  KEEL_ASSERT(is_well_formed(base_), "malformed base configuration at index ", base_index);
}

const ConfState& ConfHistory::current() const {
  return changes_.empty() ? base_ : changes_.back().second;
}

const ConfState& ConfHistory::at(Index index) const {
  KEEL_ASSERT(index >= base_index_, "configuration at ", index, " before the base ", base_index_);
  const ConfState* conf = &base_;
  for (const auto& [at_index, changed] : changes_) {
    if (at_index > index) break;
    conf = &changed;
  }
  return *conf;
}

Index ConfHistory::last_change_index() const {
  return changes_.empty() ? base_index_ : changes_.back().first;
}

void ConfHistory::append(Index index, ConfState conf) {
  KEEL_ASSERT(index > last_change_index(), "conf change at ", index, " not after ",
              last_change_index());
  KEEL_ASSERT(is_well_formed(conf), "malformed configuration at index ", index);
  changes_.emplace_back(index, std::move(conf));
}

void ConfHistory::truncate_from(Index index) {
  KEEL_ASSERT(index > base_index_, "truncating configurations at ", index, " <= base ",
              base_index_);
  while (!changes_.empty() && changes_.back().first >= index) changes_.pop_back();
}

void ConfHistory::compact_to(Index index) {
  if (index <= base_index_) return;
  auto folded = std::find_if(changes_.begin(), changes_.end(),
                             [&](const auto& change) { return change.first > index; });
  if (folded != changes_.begin()) base_ = std::prev(folded)->second;
  changes_.erase(changes_.begin(), folded);
  base_index_ = index;
}

void ConfHistory::reset(Index base_index, ConfState base) {
  KEEL_ASSERT(is_well_formed(base), "malformed configuration at index ", base_index);
  base_index_ = base_index;
  base_ = std::move(base);
  changes_.clear();
}

}  // namespace keel::raft
