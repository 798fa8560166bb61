#include "sim/nemesis/figure8_rounds.h"

#include <algorithm>
#include <utility>

namespace keel::sim {

Figure8Rounds::Figure8Rounds(Cluster& cluster, Random& random, std::uint64_t& generation,
                             std::function<void()> heal)
    : cluster_(cluster),
      world_(cluster.world()),
      random_(random),
      generation_(generation),
      heal_(std::move(heal)) {}

bool Figure8Rounds::armed() const { return round_owed_ || world_.now() < armed_until_; }

Duration Figure8Rounds::election_timeout_bound() const {
  const node::NodeConfig& config = cluster_.options().node;
  return 2 * config.raft.election_ticks * config.tick;
}

void Figure8Rounds::arm(Time until) {
  armed_until_ = std::max(armed_until_, until);
  round_owed_ = true;
  if (step_ != Step::kIdle) return;
  if (const NodeId leader = cluster_.leader(); leader != kNoNode) start_round(leader);
}

void Figure8Rounds::disarm() {
  armed_until_ = Time{};
  round_owed_ = false;
  step_ = Step::kIdle;
}

void Figure8Rounds::on_leader_elected(NodeId leader) {
  if (step_ != Step::kIdle && generation_ != round_generation_) {
    step_ = Step::kIdle;  // another fault replaced the round's partition: the round is over
  }
  switch (step_) {
    case Step::kIdle:
      if (armed()) start_soon();
      return;
    case Step::kMinority:
      if (std::find(minority_.begin(), minority_.end(), leader) == minority_.end()) {
        isolate_lone_leader(leader);
      }
      return;
    case Step::kLoneLeader:
      if (leader != lone_leader_ && !setup_seen_) note_setup(leader);
      return;
  }
}

// A new leader gets the time to establish itself and be found by the clients, so that it has
// entries to append when it is cut off.
void Figure8Rounds::start_soon() {
  const Duration pause = random_.between(cluster_.options().node.tick, election_timeout_bound());
  world_.after(pause, [this] {
    if (step_ != Step::kIdle || !armed()) return;
    if (const NodeId leader = cluster_.leader(); leader != kNoNode) start_round(leader);
  });
}

// A leader that some member has moved past (one cut off by an earlier fault, say) takes no
// entries that could matter: the next election starts the round instead.
bool Figure8Rounds::established(NodeId leader) {
  const raft::Term term = cluster_.node(leader)->raft().term();
  for (NodeId id : world_.machine_ids()) {
    const node::Node* member = cluster_.node(id);
    if (member != nullptr && member->raft().term() > term) return false;
  }
  return true;
}

void Figure8Rounds::start_round(NodeId leader) {
  const std::vector<NodeId>& voters = cluster_.configuration().voters;
  if (std::find(voters.begin(), voters.end(), leader) == voters.end()) return;
  if (!established(leader)) return;
  // The leader and as many other voters that are up as keep them a minority: (n - 1) / 2 in all.
  std::vector<NodeId> others;
  for (NodeId id : voters) {
    if (id != leader && cluster_.node(id) != nullptr) others.push_back(id);
  }
  minority_ = {leader};
  while (minority_.size() < (voters.size() - 1) / 2 && !others.empty()) {
    const std::size_t i = random_.below(others.size());
    minority_.push_back(others[i]);
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::sort(minority_.begin(), minority_.end());
  std::vector<NodeId> rest;
  for (NodeId id : world_.machine_ids()) {
    if (std::find(minority_.begin(), minority_.end(), id) == minority_.end()) rest.push_back(id);
  }
  world_.record("figure-8", {{"step", "minority"}, {"leader", world_.host(leader).name()}});
  cluster_.leader_lost();
  world_.partition({minority_, rest});
  step_ = Step::kMinority;
  round_owed_ = false;
  setup_seen_ = false;
  const std::uint64_t generation = round_generation_ = ++generation_;
  ++stats_.rounds;
  // If the rest elect no one (too many of them are down, say), the round ends.
  world_.after(3 * election_timeout_bound(), [this, generation] {
    if (step_ == Step::kMinority) end_round(generation);
  });
}

// The lone leader is cut off from everyone; for a while the minority stays apart from the rest
// too, so that nobody can be elected and a leader still leading the minority (one that does not
// check its quorum) appends more entries of its term there. Then the minority and the rest meet.
void Figure8Rounds::isolate_lone_leader(NodeId leader) {
  world_.record("figure-8", {{"step", "lone-leader"}, {"leader", world_.host(leader).name()}});
  cluster_.leader_lost();
  std::vector<NodeId> rest;
  for (NodeId id : world_.machine_ids()) {
    if (id != leader && std::find(minority_.begin(), minority_.end(), id) == minority_.end()) {
      rest.push_back(id);
    }
  }
  world_.partition({{leader}, minority_, rest});
  step_ = Step::kLoneLeader;
  lone_leader_ = leader;
  const std::uint64_t apart = round_generation_ = ++generation_;
  ++stats_.lone_leaders;
  const Duration bound = election_timeout_bound();
  world_.after(random_.between(cluster_.options().node.tick, bound), [this, apart, bound] {
    if (generation_ != apart || step_ != Step::kLoneLeader) return;
    world_.isolate(lone_leader_);
    const std::uint64_t reunited = round_generation_ = ++generation_;
    world_.after(random_.between(2 * bound, 3 * bound), [this, reunited] { end_round(reunited); });
  });
}

void Figure8Rounds::note_setup(NodeId leader) {
  const node::Node* winner = cluster_.node(leader);
  const node::Node* lone = cluster_.node(lone_leader_);
  if (winner == nullptr || lone == nullptr) return;
  const raft::Log& log = winner->raft().log();
  const raft::Index committed = cluster_.checker().committed_index();
  if (log.last_index() <= committed) return;
  const std::optional<raft::Term> term = log.term(committed + 1);
  if (!term || *term >= lone->raft().log().last_term()) return;
  setup_seen_ = true;
  ++stats_.setups;
}

// A round whose partition another fault replaced leaves the network to that fault.
void Figure8Rounds::end_round(std::uint64_t generation) {
  if (generation_ != generation || step_ == Step::kIdle) return;
  step_ = Step::kIdle;
  heal_();
  if (armed()) start_soon();
}

}  // namespace keel::sim
