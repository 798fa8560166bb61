// Cluster: a simulated Keel cluster of Raft members running core/node::Node, with the Raft safety
// checker attached to every node and register clients that propose values and remember every
// acknowledgement. Tests, property tests, benchmarks and keelsim build on it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/node/node.h"
#include "sim/checkers/raft_checker.h"
#include "sim/world.h"

namespace keel::sim {

// What runs on a member machine: a Node, alone or inside a service that owns it (the KvService).
class MemberProgram : public Program {
 public:
  virtual node::Node* node() const = 0;  // null if the node could not start from its disk
};
// Builds a member's program from its Env and the node configuration the Cluster filled in.
using MemberFactory =
    std::function<Result<std::unique_ptr<MemberProgram>>(Env& env, const node::NodeConfig& config)>;

struct ClusterOptions {
  int members = 3;
  MemberFactory program;  // null: a bare Node replicating an AppendRegister
  node::NodeConfig node;  // cluster, members and observer are filled in by the Cluster
  LinkConfig network;
  Duration fsync_low = std::chrono::milliseconds(1);
  Duration fsync_high = std::chrono::milliseconds(5);
  bool record_trace = false;  // keep the events as records (TraceLog), from the first boot on
};

struct ClientOptions {
  int clients = 3;
  Duration period = std::chrono::milliseconds(20);     // each client proposes this often
  Duration timeout = std::chrono::milliseconds(1000);  // then the outcome is unknown
  std::size_t value_bytes = 0;  // pad each value to this size (0: just its unique name)
};

struct ClientStats {
  std::uint64_t proposed = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t refused = 0;  // a definite error: not leader, limit, replaced
  std::uint64_t unknown = 0;  // timed out: may or may not have taken effect
};

class Cluster {
 public:
  Cluster(std::uint64_t seed, ClusterOptions options);
  ~Cluster();

  World& world() { return world_; }
  RaftChecker& checker() { return checker_; }
  const ClusterOptions& options() const { return options_; }
  // Every machine the cluster runs (founders first, then the ones added), voters or not, and
  // including those removed from the configuration.
  std::vector<NodeId> members() const { return members_; }
  // The configuration as of the latest committed membership change (true state, as the checker
  // saw it commit): the founders as voters until a change commits.
  const raft::ConfState& configuration() const { return checker_.configuration(); }
  // Its voters and learners, in id order: the machines the leader replicates to.
  std::vector<NodeId> configured_machines() const;
  // Boots one more machine, configured with the founders as the initial configuration: it takes
  // part once a leader adds it (as a learner, then promoted) through Node::change_membership.
  NodeId add_machine();
  // The node running on a machine, or null while it is down (or if it failed to start), and for a
  // machine that is not a member (a fleet worker).
  node::Node* node(NodeId id);
  // The leader with the highest term among the machines that are up (true state), or kNoNode.
  NodeId leader();
  // Problems found outside the Raft checker: nodes that failed to start, lost acknowledgements,
  // members that disagree after settling.
  const std::vector<Violation>& violations() const { return violations_; }
  bool ok() const { return checker_.ok() && violations_.empty(); }
  // The first violation from either source.
  std::string first_violation() const;
  // One line per member: up or down, role, term, leader, commit, applied and last index.
  std::string describe_members();

  // Register clients: each proposes a unique value every period to the machine it believes leads,
  // following "not leader" hints and moving on after a timeout.
  void start_clients(const ClientOptions& options);
  void stop_clients() { clients_running_ = false; }
  const ClientStats& client_stats() const { return client_stats_; }

  // Runs `hook` whenever a member wins an election, inside that member's event (after its state
  // is durable, before its first message as leader leaves), so a nemesis can strike at once.
  using LeaderHook = std::function<void(NodeId leader, raft::Term term)>;
  void on_leader_elected(LeaderHook hook) { leader_hooks_.push_back(std::move(hook)); }

  // Failover time: the nemesis calls leader_lost() when it takes the leader away (a crash, an
  // isolation); the next election of a later term ends the failover. A loss while one is open
  // keeps the earlier start. leader_back(): the fault ended; if the lost leader still leads in its
  // term (it was cut off for less than an election timeout), there was no failover after all.
  void leader_lost();
  void leader_back();
  const std::vector<Duration>& failovers() const { return failovers_; }

  // Liveness: runs until a leader exists and a fresh proposal is applied on every configured
  // machine that is up (a removed member hears no more); false if that takes longer than `bound`.
  // Returns the time it took through `took`. `leader_took` (if given) is how long until a leader
  // first existed.
  bool converge(Duration bound, Duration* took = nullptr, Duration* leader_took = nullptr);
  // Durability and agreement, after converge(): every acknowledged value is in every member's
  // register, and all registers are equal. Adds violations and returns ok().
  bool check_final_state();

 private:
  struct Client {
    Cluster* cluster = nullptr;
    int id = 0;
    NodeId target = kNoNode;
    // The proposals not yet answered nor timed out, oldest first: proposal number first_open + i
    // is open[i]. Its value is client_value(id, number).
    struct Open {
      Time deadline;
      NodeId target;  // the machine it was sent to
      bool settled = false;
    };
    std::deque<Open> open;
    std::uint64_t first_open = 0;
    bool timer_armed = false;
  };
  void boot_machine(NodeId id);
  Result<std::unique_ptr<MemberProgram>> start_member(Env& env);
  void client_step(Client& client);
  void client_propose(Client& client, std::uint64_t number);
  void client_answer(Client& client, std::uint64_t number, const Result<raft::Index>& result);
  void arm_client_timer(Client& client);
  // A proposal's value: "c<client>-<number>", padded with '.' to value_bytes; written into `out`
  // (replacing its bytes) so a reused buffer allocates nothing per proposal.
  void write_client_value(int client, std::uint64_t number, Bytes& out) const;
  std::string client_value(int client, std::uint64_t number) const;
  void violation(std::string check, std::string detail);
  void end_failover(raft::Term term);

  // Forwards every node's reports to the checker and the leader hooks.
  class Observer final : public node::NodeObserver {
   public:
    explicit Observer(Cluster& cluster) : cluster_(cluster) {}
    void on_recovered(NodeId node, const raft::HardState& hard_state,
                      const raft::SnapshotMeta& snapshot,
                      std::span<const raft::Entry> entries) override {
      cluster_.checker_.on_recovered(node, hard_state, snapshot, entries);
    }
    void on_persisted(NodeId node, raft::Term leader_term,
                      std::span<const raft::Entry> entries) override {
      cluster_.checker_.on_persisted(node, leader_term, entries);
    }
    void on_hard_state_persisted(NodeId node, const raft::HardState& hard_state) override {
      cluster_.checker_.on_hard_state_persisted(node, hard_state);
    }
    void on_snapshot_installed(NodeId node, const raft::SnapshotMeta& meta) override {
      cluster_.checker_.on_snapshot_installed(node, meta);
    }
    void on_became_leader(NodeId node, raft::Term term) override {
      cluster_.checker_.on_became_leader(node, term);
      cluster_.end_failover(term);
      for (const LeaderHook& hook : cluster_.leader_hooks_) hook(node, term);
    }
    void on_applied(NodeId node, const raft::Entry& entry) override {
      cluster_.checker_.on_applied(node, entry);
    }

   private:
    Cluster& cluster_;
  };

  ClusterOptions options_;
  World world_;
  RaftChecker checker_;
  Observer observer_{*this};
  std::vector<LeaderHook> leader_hooks_;
  std::vector<NodeId> members_;
  std::vector<Violation> violations_;
  std::vector<std::unique_ptr<Client>> clients_;
  ClientOptions client_options_;
  bool clients_running_ = false;
  ClientStats client_stats_;
  Bytes value_scratch_;  // client_propose's buffer for write_client_value
  std::vector<std::pair<int, std::uint64_t>> acknowledged_;  // (client, proposal number)
  std::optional<std::pair<Time, raft::Term>> lost_leader_;   // since when, and its term
  std::vector<Duration> failovers_;
};

}  // namespace keel::sim
