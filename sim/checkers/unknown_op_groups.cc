#include "sim/checkers/unknown_op_groups.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/env/assert.h"

namespace keel::sim {
namespace {

constexpr ValueId kUnmentioned = -1;  // stands for every value nobody reads or expects

std::vector<bool> mentioned_values(const RegisterHistory& history) {
  std::vector<bool> mentioned(history.values.size(), false);
  mentioned[kMissing] = true;
  for (const RegisterOp& op : history.ops) {
    if (op.kind == RegisterOp::Kind::kGet) mentioned[op.value] = true;
    if (op.kind == RegisterOp::Kind::kCas) mentioned[op.expected] = true;
  }
  return mentioned;
}

}  // namespace

UnknownOpGroups::UnknownOpGroups(const RegisterHistory& history,
                                 std::span<const std::size_t> unknown_ops)
    : group_(unknown_ops.size()),
      cas_groups_by_expected_(history.values.size()),
      pending_overwrites_(0, {}) {
  const std::vector<bool> mentioned = mentioned_values(history);
  // The effect signature: kind, expected value (cas), and the written value up to "unmentioned".
  using Signature = std::tuple<RegisterOp::Kind, ValueId, ValueId>;
  std::map<Signature, std::uint32_t> groups;
  for (std::uint32_t rank = 0; rank < unknown_ops.size(); ++rank) {
    const RegisterOp& op = history.ops[unknown_ops[rank]];
    KEEL_ASSERT(!op.known, "operation ", unknown_ops[rank], " has a known outcome");
    const bool is_cas = op.kind == RegisterOp::Kind::kCas;
    const bool writes = op.kind == RegisterOp::Kind::kPut || is_cas;
    const ValueId written = !writes ? kMissing : mentioned[op.value] ? op.value : kUnmentioned;
    const ValueId expected = is_cas ? op.expected : kMissing;
    const auto [it, added] = groups.try_emplace(Signature{op.kind, expected, written},
                                                static_cast<std::uint32_t>(members_.size()));
    if (added) {
      members_.emplace_back();
      is_cas_.push_back(is_cas);
      if (is_cas) cas_groups_by_expected_[expected].push_back(it->second);
    }
    group_[rank] = it->second;
    members_[it->second].push_back(rank);
  }
  for (std::vector<std::uint32_t>& members : members_) {
    std::stable_sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) {
      return history.ops[unknown_ops[a]].invoked < history.ops[unknown_ops[b]].invoked;
    });
    first_invoked_.push_back(history.ops[unknown_ops[members.front()]].invoked);
  }
  linearized_.assign(members_.size(), 0);
  pending_overwrites_ = DancingList(members_.size(), overwrite_order());
}

std::vector<DancingList::Node> UnknownOpGroups::overwrite_order() const {
  std::vector<std::pair<Time, DancingList::Node>> order;
  for (std::uint32_t group = 0; group < members_.size(); ++group) {
    if (!is_cas_[group]) order.emplace_back(first_invoked_[group], group + 1);
  }
  std::sort(order.begin(), order.end());
  std::vector<DancingList::Node> nodes;
  for (const auto& [invoked, node] : order) nodes.push_back(node);
  return nodes;
}

bool UnknownOpGroups::any_pending_cas_expecting(ValueId value) const {
  return std::ranges::any_of(cas_groups_by_expected_[value],
                             [&](std::uint32_t group) { return next_of(group).has_value(); });
}

void UnknownOpGroups::linearize(std::uint32_t rank) {
  const std::uint32_t group = group_[rank];
  KEEL_ASSERT(next_of(group) == rank, "unknown op of rank ", rank, " linearized out of turn");
  ++linearized_[group];
  if (!is_cas_[group] && !next_of(group)) pending_overwrites_.remove(group + 1);
}

void UnknownOpGroups::unlinearize(std::uint32_t rank) {
  const std::uint32_t group = group_[rank];
  KEEL_ASSERT(linearized_[group] > 0 && members_[group][linearized_[group] - 1] == rank,
              "unknown op of rank ", rank, " unlinearized out of turn");
  if (!is_cas_[group] && !next_of(group)) pending_overwrites_.restore(group + 1);
  --linearized_[group];
}

}  // namespace keel::sim
