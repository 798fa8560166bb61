// Figure8Rounds: the nemesis behind `partition: figure-8`. Each round stages the situation of the
// Raft thesis's Figure 3.7 (§3.6.2), in which a leader that commits an entry of an earlier term by
// counting its replicas loses a committed entry:
//   1. the leader L1 and one other member S are cut off from the rest: the clients' entries that
//      L1 appends now reach S only, a minority;
//   2. the rest elect L2, which is cut off alone the moment it wins, before its first message as
//      leader leaves: L2's log now ends with an entry of its own term that no one else holds, a
//      term greater than that of the entries L1 and S hold and the others lack. For up to one
//      election timeout more the three groups stay apart (nobody can win an election, and an L1
//      that does not check its quorum keeps appending), then L1 and S meet the others;
//   3. L1 or S wins a later term (its log is the most up to date of the connected ones) and
//      replicates those older-term entries. Correct Raft commits them only together with an entry
//      of the new term; a leader counting replicas of an older-term entry commits it while L2
//      could still be elected without it, which the Raft checker reports at that commit.
// L2 stays cut off for two to three election timeouts more (each up to 2 x election_ticks x
// tick); then the partition heals and, while the fault is armed, the next round starts after a
// pause. The older-term entries must outnumber what one append carries (max_entries_per_message)
// for the unsafe commit to happen before the new term's entry reaches a majority: steps 1 and 2
// last one to three election timeouts of client load. A round starts only with an established
// leader (no member that is up has a later term), and S is a member that is up.
//
// A round gives up when another fault replaces its partition (the nemesis's partition generation
// moves), when no election ends step 1 within three election timeouts, or when it is disarmed.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/env/random.h"
#include "sim/cluster.h"

namespace keel::sim {

struct Figure8Stats {
  std::uint64_t rounds = 0;        // step 1 reached: a leader and one member cut off
  std::uint64_t lone_leaders = 0;  // step 2 reached: the other side's leader cut off at once
  // Step 3 reached with the situation in place: the new leader holds, past the cluster's commit
  // index, an entry of a term lower than the last term of the lone leader's log.
  std::uint64_t setups = 0;
};

class Figure8Rounds {
 public:
  // `generation` is the nemesis's partition generation: a round moves it with every partition it
  // makes, and a timed end that finds it moved leaves the partition alone. `heal` ends the
  // partition in force.
  Figure8Rounds(Cluster& cluster, Random& random, std::uint64_t& generation,
                std::function<void()> heal);

  // Rounds start until `until`, and one at least: at once if a leader exists, else after the
  // next election. A round under way at `until` runs to its end.
  void arm(Time until);
  // No round starts any more, and the one under way is dropped (the caller heals the network).
  void disarm();
  // The cluster's leader hook, inside the winner's event: moves a round along.
  void on_leader_elected(NodeId leader);

  const Figure8Stats& stats() const { return stats_; }

 private:
  enum class Step { kIdle, kMinority, kLoneLeader };

  bool armed() const;                       // a round may start now
  Duration election_timeout_bound() const;  // 2 x election_ticks x tick
  void start_soon();  // a round with the leader there is after a pause, if still idle and armed
  bool established(NodeId leader);  // no member that is up has a later term
  void start_round(NodeId leader);
  void isolate_lone_leader(NodeId leader);
  void note_setup(NodeId leader);
  void end_round(std::uint64_t generation);

  Cluster& cluster_;
  World& world_;
  Random& random_;
  std::uint64_t& generation_;
  std::function<void()> heal_;
  Time armed_until_{};
  bool round_owed_ = false;  // armed, and no round started since
  Step step_ = Step::kIdle;
  std::uint64_t round_generation_ = 0;  // the generation of the round's latest partition
  std::vector<NodeId> minority_;        // step 1's L1 and S
  NodeId lone_leader_ = kNoNode;        // step 2's L2
  bool setup_seen_ = false;             // step 3 counted for this round
  Figure8Stats stats_;
};

}  // namespace keel::sim
