// Membership changes through the API as the Nemesis makes them (`member:` faults): machines join
// as learners and are promoted, members leave (the leader too), under load and partitions, and
// the Raft checker, durability and convergence hold over the configuration that results.
#include "sim/nemesis/member_changes.h"

#include <gtest/gtest.h>

#include "core/env/str.h"
#include "sim/nemesis/nemesis.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

Fault at(Duration when, FaultAction action, std::optional<Duration> lasts = std::nullopt) {
  Fault fault;
  fault.at = when;
  fault.lasts = lasts;
  fault.action = std::move(action);
  return fault;
}

MemberFault add(std::string machine) { return {MemberFault::Kind::kAdd, std::move(machine)}; }
MemberFault remove(std::string machine) { return {MemberFault::Kind::kRemove, std::move(machine)}; }

// The safety phase under `faults`, then healing and the liveness phase; the run must be safe,
// converge, and keep every acknowledged value.
void run_and_settle(Cluster& cluster, Nemesis& nemesis, Duration duration, std::string_view what) {
  const Time start = cluster.world().now();
  nemesis.schedule(start, start + duration);
  cluster.start_clients(ClientOptions{});
  cluster.world().run_for(duration);
  cluster.stop_clients();
  nemesis.heal_all();
  ASSERT_TRUE(cluster.converge(20s))
      << what << ": " << cluster.first_violation() << cluster.describe_members();
  ASSERT_TRUE(cluster.check_final_state()) << what << ": " << cluster.first_violation();
}

// Every machine of the committed configuration runs that configuration.
void expect_configuration_everywhere(Cluster& cluster, const raft::ConfState& expected) {
  EXPECT_EQ(cluster.configuration(), expected);
  for (NodeId id : cluster.configured_machines()) {
    const node::Node* n = cluster.node(id);
    ASSERT_NE(n, nullptr) << "n" << id << " is down";
    EXPECT_EQ(n->raft().conf(), expected) << "n" << id;
  }
}

TEST(MemberChanges, AMachineJoinsAndAFounderLeaves) {
  Cluster cluster(1, ClusterOptions{});
  Nemesis nemesis(cluster, {at(1s, add("n4")), at(3s, remove("n1"))});
  run_and_settle(cluster, nemesis, 6s, "seed 1");
  EXPECT_EQ(nemesis.member_changes().done(), 2u);
  EXPECT_EQ(nemesis.member_changes().not_done(), 0u);
  expect_configuration_everywhere(cluster, raft::ConfState{{2, 3, 4}, {}});
  EXPECT_GT(cluster.node(4)->state().size(), 100u);  // n4 holds the register
}

TEST(MemberChanges, TheLeaderMayRemoveItself) {
  Cluster cluster(2, ClusterOptions{});
  cluster.world().run_for(2s);
  const NodeId leader = cluster.leader();
  ASSERT_NE(leader, kNoNode);
  Nemesis nemesis(cluster, {at(500ms, remove(str("n", leader)))});
  run_and_settle(cluster, nemesis, 4s, "seed 2");
  EXPECT_EQ(nemesis.member_changes().done(), 1u);
  EXPECT_NE(cluster.leader(), leader);  // it stepped down once its removal committed (§4.2.2)
  std::vector<NodeId> rest;
  for (NodeId id : {1, 2, 3}) {
    if (static_cast<NodeId>(id) != leader) rest.push_back(id);
  }
  expect_configuration_everywhere(cluster, raft::ConfState{rest, {}});
}

// With every member down there is no leader to ask: the change is retried on the world's clock
// a bounded number of times, then recorded as not done; the booted machine stays outside.
TEST(MemberChanges, AChangeWithNoLeaderIsRecordedAsNotDone) {
  ClusterOptions options;
  options.record_trace = true;
  Cluster cluster(3, options);
  Nemesis nemesis(cluster, {at(1s, CrashFault{Target{Target::Kind::kAll, {}}, std::nullopt}),
                            at(2s, add("n4"))});
  const Time start = cluster.world().now();
  nemesis.schedule(start, start + 20s);
  const Duration retrying = MemberChanges::kAttemptsPerStep * MemberChanges::kRetryPeriod;
  cluster.world().run_for(2s + retrying - 1ms);
  EXPECT_EQ(nemesis.member_changes().not_done(), 0u);  // it gives up right after the last retry
  cluster.world().run_for(1ms);
  EXPECT_EQ(nemesis.member_changes().not_done(), 1u);
  EXPECT_EQ(nemesis.member_changes().done(), 0u);
  std::size_t recorded = 0;
  for (const TraceRecord& record : cluster.world().trace().records()) {
    if (record.text.starts_with("sim.member-not-done machine=n4 step=add-learner")) ++recorded;
  }
  EXPECT_EQ(recorded, 1u);
  nemesis.heal_all();
  ASSERT_TRUE(cluster.converge(10s)) << cluster.describe_members();
  EXPECT_TRUE(cluster.check_final_state()) << cluster.first_violation();
  EXPECT_EQ(cluster.configuration(), (raft::ConfState{{1, 2, 3}, {}}));
}

// An add the cluster cannot honour (not the next machine it boots) is recorded, never a crash.
TEST(MemberChanges, AnAddOutOfOrderIsRefused) {
  Cluster cluster(4, ClusterOptions{});
  Nemesis nemesis(cluster, {at(1s, add("n7")), at(1s, remove("n9"))});
  run_and_settle(cluster, nemesis, 2s, "seed 4");
  EXPECT_EQ(nemesis.member_changes().not_done(), 2u);
  EXPECT_EQ(cluster.members().size(), 3u);
}

// The property: on many seeds, a member joins and another leaves while a random minority is cut
// off; the leaver is then crashed and restarted. Raft's invariants, durability and convergence
// hold over the resulting configuration, whichever changes went through.
TEST(MemberChanges, ChangesDuringAPartitionStaySafeOnManySeeds) {
  int completed = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    ClusterOptions options;
    options.members = 5;
    options.network = LinkConfig{1ms, 10ms, 0.01, 0.01};
    // The newcomer may catch up from a snapshot: it is further behind than the log kept below one.
    options.node.snapshot_every = 100;
    options.node.raft.log_kept_below_snapshot = 20;
    Cluster cluster(seed, options);
    const std::string leaver = str("n", 1 + seed % 5);
    PartitionFault minority;
    minority.kind = PartitionFault::Kind::kMajorityMinority;
    Nemesis nemesis(cluster, {at(1s, minority, 4s), at(1500ms, add("n6")), at(2s, remove(leaver)),
                              at(6s, CrashFault{Target{Target::Kind::kNames, {leaver}}, 1s})});
    run_and_settle(cluster, nemesis, 9s, str("seed ", seed));
    const MemberChanges& changes = nemesis.member_changes();
    EXPECT_EQ(changes.done() + changes.not_done(), 2u) << "seed " << seed;
    if (changes.done() == 2) {
      ++completed;
      std::vector<NodeId> voters;
      for (NodeId id = 1; id <= 6; ++id) {
        if (str("n", id) != leaver) voters.push_back(id);
      }
      expect_configuration_everywhere(cluster, raft::ConfState{voters, {}});
    }
  }
  EXPECT_GE(completed, 25) << "the partitions should delay changes, not prevent most of them";
}

}  // namespace
}  // namespace keel::sim
