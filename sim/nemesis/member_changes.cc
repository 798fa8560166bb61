#include "sim/nemesis/member_changes.h"

#include "core/env/str.h"
#include "core/raft/conf_change.h"

namespace keel::sim {
namespace {

std::string_view step_name(raft::ConfChangeType type) {
  switch (type) {
    case raft::ConfChangeType::kAddLearner:
      return "add-learner";
    case raft::ConfChangeType::kPromoteLearner:
      return "promote";
    case raft::ConfChangeType::kRemoveNode:
      return "remove";
  }
  return "?";
}

}  // namespace

void MemberChanges::refuse(const std::string& machine, std::string_view step,
                           std::string_view reason) {
  ++not_done_;
  world_.record("member-not-done", {{"machine", machine}, {"step", step}, {"reason", reason}});
}

void MemberChanges::start(const MemberFault& fault) {
  auto change = std::make_unique<Change>();
  change->machine = fault.machine;
  if (fault.kind == MemberFault::Kind::kAdd) {
    // Cluster::add_machine boots the next id; the loader checks that adds name them in order.
    const std::string next = str("n", cluster_.members().size() + 1);
    if (fault.machine != next) {
      refuse(fault.machine, "boot", str("machines join in order: the next one is ", next));
      return;
    }
    change->id = cluster_.add_machine();
    world_.record("member-boot", {{"machine", fault.machine}});
    change->steps = {raft::ConfChange{raft::ConfChangeType::kAddLearner, change->id},
                     raft::ConfChange{raft::ConfChangeType::kPromoteLearner, change->id}};
  } else {
    change->id = world_.id_of(fault.machine);
    if (change->id == kNoNode) {
      refuse(fault.machine, "remove", "no such machine");
      return;
    }
    change->steps = {raft::ConfChange{raft::ConfChangeType::kRemoveNode, change->id}};
  }
  changes_.push_back(std::move(change));
  attempt(*changes_.back());
}

bool MemberChanges::step_done(const Change& change) const {
  const raft::ConfState& conf = cluster_.configuration();
  switch (change.steps[change.step].type) {
    case raft::ConfChangeType::kAddLearner:
      return raft::is_learner(conf, change.id) || raft::is_voter(conf, change.id);
    case raft::ConfChangeType::kPromoteLearner:
      return raft::is_voter(conf, change.id);
    case raft::ConfChangeType::kRemoveNode:
      return !raft::is_learner(conf, change.id) && !raft::is_voter(conf, change.id);
  }
  return false;
}

void MemberChanges::give_up(Change& change, std::string_view reason) {
  change.finished = true;
  refuse(change.machine, step_name(change.steps[change.step].type), reason);
}

void MemberChanges::attempt(Change& change) {
  if (change.finished) return;
  while (step_done(change)) {
    world_.record("member-done", {{"machine", change.machine},
                                  {"step", step_name(change.steps[change.step].type)}});
    change.attempts_left = kAttemptsPerStep;
    change.refusal.clear();
    if (++change.step == change.steps.size()) {
      change.finished = true;
      ++done_;
      return;
    }
  }
  if (change.attempts_left-- == 0) {
    give_up(change, str("not done after ", kAttemptsPerStep, " attempts; last: ", change.refusal));
    return;
  }
  const NodeId leader = cluster_.leader();
  if (leader == kNoNode) {
    change.refusal = "no leader";
  } else {
    // The leader is asked on its own loop, as a client request would reach it.
    world_.host(leader).post(Duration(0), [this, &change, leader] {
      node::Node* node = cluster_.node(leader);
      if (node == nullptr || change.finished) return;
      const raft::ConfChange& step = change.steps[change.step];
      if (Status asked = node->change_membership(step); !asked) {
        change.refusal = asked.error().message;
        return;
      }
      const std::string& name = world_.host(leader).name();
      change.refusal = str("proposed to ", name, ", not committed yet");
      world_.record(
          "member-proposed",
          {{"machine", change.machine}, {"step", step_name(step.type)}, {"leader", name}});
    });
  }
  world_.after(kRetryPeriod, [this, &change] { attempt(change); });
}

void MemberChanges::stop_all() {
  for (const auto& change : changes_) {
    if (!change->finished) give_up(*change, "the run healed every fault first");
  }
}

}  // namespace keel::sim
