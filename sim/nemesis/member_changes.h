// MemberChanges: carries out `member:` faults (../shared/SCENARIOS.md) the way an operator does
// through the API (etcdctl member add / remove), asking the current leader (the simulator's true
// state) for each step with Node::change_membership:
//   add nK     boots nK, which must be the next machine the cluster boots, has the leader add it as
//              a learner and, once it has caught up, promote it to voter (thesis §4.2.1; etcd's
//              learners);
//   remove nK  has the leader remove nK; the leader may remove itself, and steps down once the
//              change commits (§4.2.2).
// Raft takes one change at a time (§4.1), and only from a leader that committed an entry of its
// own term, so a step that is refused (no leader, another change in flight, a learner still
// behind) is asked again every kRetryPeriod of true time, at most kAttemptsPerStep times; then
// the change is recorded as not done, with the last refusal. A step is done when the committed
// configuration (Cluster::configuration) shows it. Every step goes to the trace: member-boot,
// member-proposed, member-done, member-not-done.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/raft/types.h"
#include "sim/cluster.h"
#include "sim/nemesis/fault.h"

namespace keel::sim {

class MemberChanges {
 public:
  static constexpr Duration kRetryPeriod = std::chrono::milliseconds(250);
  static constexpr int kAttemptsPerStep = 40;  // ten seconds of retries per step

  explicit MemberChanges(Cluster& cluster) : cluster_(cluster), world_(cluster.world()) {}

  // Starts the change now; its steps run on the world's clock.
  void start(const MemberFault& fault);
  // Gives up every change still under way, recorded as not done: the liveness phase has no faults.
  void stop_all();

  std::uint64_t done() const { return done_; }
  std::uint64_t not_done() const { return not_done_; }

 private:
  struct Change {
    std::string machine;
    NodeId id = kNoNode;
    std::vector<raft::ConfChange> steps;
    std::size_t step = 0;  // the one under way
    int attempts_left = kAttemptsPerStep;
    std::string refusal;  // why the latest attempt did not go through
    bool finished = false;
  };

  void attempt(Change& change);
  bool step_done(const Change& change) const;
  void give_up(Change& change, std::string_view reason);
  void refuse(const std::string& machine, std::string_view step, std::string_view reason);

  Cluster& cluster_;
  World& world_;
  std::vector<std::unique_ptr<Change>> changes_;  // every change started; attempts point into it
  std::uint64_t done_ = 0;
  std::uint64_t not_done_ = 0;
};

}  // namespace keel::sim
