// The operations with unknown outcomes of one key's history, grouped as the linearizability search
// tries them: one group per set of interchangeable operations, of which only the earliest not yet
// linearized is ever tried.
//
// A value is mentioned if some get read it or some cas expected it. Two states holding values
// nobody mentions are alike to every operation: no get can read them, no cas matches them, both
// exist for a delete. So two unknown operations are interchangeable when they have the same kind
// and expected value, and write the same value or two unmentioned ones (all unknown deletes are
// alike). Unknown operations have no completion, so any linearization that uses a later-invoked
// member of a group while an earlier one is unused, or uses two members out of invocation order,
// stays valid with the members exchanged (an earlier invocation can take any later one's place).
// So members are linearized in invocation order.
//
// Groups are listed for the search's two scans: cas operations by expected value, since only a cas
// expecting the current state can change it; and overwrites (puts and deletes) with a member not
// yet linearized, in the order of their first member's invocation, so a scan can stop at the first
// group invoked too late.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/env/types.h"
#include "sim/checkers/dancing_list.h"
#include "sim/checkers/register_model.h"

namespace keel::sim {

class UnknownOpGroups {
 public:
  // `unknown_ops`: the indices into history.ops of its unknown operations; an operation's position
  // in this list is the rank the other methods take and give.
  UnknownOpGroups(const RegisterHistory& history, std::span<const std::size_t> unknown_ops);

  std::span<const std::uint32_t> cas_groups_expecting(ValueId value) const {
    return cas_groups_by_expected_[value];
  }
  // Whether some cas expecting `value` is not linearized yet.
  bool any_pending_cas_expecting(ValueId value) const;

  // The overwrite groups with a member not linearized yet; group g is node g + 1.
  const DancingList& pending_overwrite_groups() const { return pending_overwrites_; }
  Time first_invoked(std::uint32_t group) const { return first_invoked_[group]; }

  // The rank of the earliest member of `group` not linearized yet, if any.
  std::optional<std::uint32_t> next_of(std::uint32_t group) const {
    if (linearized_[group] == members_[group].size()) return std::nullopt;
    return members_[group][linearized_[group]];
  }
  // Records that the operation of `rank`, the next of its group, is linearized; and, in the reverse
  // order, that it no longer is.
  void linearize(std::uint32_t rank);
  void unlinearize(std::uint32_t rank);

 private:
  std::vector<DancingList::Node> overwrite_order() const;

  std::vector<std::uint32_t> group_;                 // per rank
  std::vector<std::vector<std::uint32_t>> members_;  // per group: ranks, by invocation
  std::vector<Time> first_invoked_;                  // per group
  std::vector<bool> is_cas_;                         // per group
  std::vector<std::uint32_t> linearized_;            // per group: members linearized
  std::vector<std::vector<std::uint32_t>> cas_groups_by_expected_;  // per value
  DancingList pending_overwrites_;
};

}  // namespace keel::sim
