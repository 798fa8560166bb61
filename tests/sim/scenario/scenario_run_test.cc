#include "sim/scenario/scenario_run.h"

#include <gtest/gtest.h>

#include "core/env/str.h"
#include "sim/scenario/loader.h"

namespace keel::sim {
namespace {

Scenario parse(std::string_view yaml) {
  auto s = parse_scenario(yaml, "t.yaml");
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : Scenario{};
}

TEST(ScenarioRun, AScenarioRunsItsFaultsAndMeetsItsExpectations) {
  const Scenario s = parse(R"(
name: small
duration: 4s
settle: 10s
cluster: {members: 3, raft: {heartbeat: 50ms, election_timeout: [500ms, 1000ms]}}
network: {latency: [1ms, 5ms]}
faults:
  - {at: 1s, crash: leader, restart_after: 500ms}
  - {at: 2s, partition: isolate-leader, for: 1s}
expect: {leader_within: 3s, min_ops: 100}
)");
  auto options = run_options(s);
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->node.raft.election_ticks, 10);
  const ScenarioOutcome outcome = run_scenario(s, *options, 1);
  EXPECT_TRUE(outcome.run.safe) << outcome.run.violation;
  EXPECT_TRUE(outcome.run.live) << outcome.run.violation;
  EXPECT_TRUE(outcome.expectations_met) << outcome.failed_expectation;
  EXPECT_GE(outcome.run.elections, 2u);  // the crash of the leader forced a new election
}

TEST(ScenarioRun, AnUnmetExpectationIsReported) {
  const Scenario s = parse("name: greedy\nduration: 2s\nexpect: {min_ops: 1000000}\n");
  const ScenarioOutcome outcome = run_scenario(s, *run_options(s), 1);
  EXPECT_TRUE(outcome.run.safe);
  EXPECT_FALSE(outcome.expectations_met);
  EXPECT_NE(outcome.failed_expectation.find("min_ops"), std::string::npos);
}

TEST(ScenarioRun, BadRaftTimingIsRefused) {
  EXPECT_TRUE(run_options(parse("name: k\nworkload: {kv: {clients: 2}, watch: {clients: 1}}\n")));
  EXPECT_TRUE(run_options(parse("name: w\ncluster: {workers: 2}\n")));
  auto bad = run_options(
      parse("name: b\ncluster: {raft: {heartbeat: 100ms, election_timeout: [100ms, 200ms]}}\n"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("two heartbeats"), std::string::npos);
}

// The Raft tuning a file sets (the knobs --swarm draws) reaches the node; unset knobs keep the
// defaults, and a bad value is refused with what was expected.
TEST(ScenarioRun, RaftTuningFromTheFileReachesTheNode) {
  const Scenario s = parse(R"(
name: tuned
cluster:
  raft: {pre_vote: false, check_quorum: false, max_entries_per_message: 4,
         max_inflight_messages: 8, snapshot_every: 50, snapshot_chunk: 64,
         log_kept_below_snapshot: 7}
)");
  auto options = run_options(s);
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_FALSE(options->node.raft.pre_vote);
  EXPECT_FALSE(options->node.raft.check_quorum);
  EXPECT_EQ(options->node.raft.max_entries_per_message, 4u);
  EXPECT_EQ(options->node.raft.max_inflight_messages, 8u);
  EXPECT_EQ(options->node.snapshot_every, 50u);
  EXPECT_EQ(options->node.raft.snapshot_chunk_bytes, 64u);
  EXPECT_EQ(options->node.raft.log_kept_below_snapshot, 7u);
  auto defaults = run_options(parse("name: plain\n"));
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->node.raft.pre_vote, raft::Config{}.pre_vote);
  EXPECT_EQ(defaults->node.snapshot_every, node::NodeConfig{}.snapshot_every);
  EXPECT_EQ(defaults->node.raft.log_kept_below_snapshot, raft::Config{}.log_kept_below_snapshot);
  for (std::string_view bad : {"pre_vote: maybe", "snapshot_chunk: 0", "max_entries_per_message: 0",
                               "snapshot_every: -3", "log_kept_below_snapshot: -1"}) {
    auto refused = parse_scenario(str("name: b\ncluster: {raft: {", bad, "}}\n"), "b.yaml");
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("cluster.raft."), std::string::npos)
        << refused.error().message;
  }
}

// Clients and watchers cross the simulated network to a cluster that loses its leader twice; the
// histories they record are linearizable and the watches complete.
constexpr std::string_view kKvScenario = R"(
name: kv
duration: 8s
settle: 15s
cluster: {members: 5}
network: {latency: [1ms, 10ms], drop: 0.01, duplicate: 0.01}
workload:
  kv: {clients: 4, rate: 200/s, keys: 4, timeout: 1s}
  watch: {clients: 2}
faults:
  - {at: 2s, partition: isolate-leader, for: 2s}
  - {at: 5s, crash: leader, restart_after: 1s}
expect: {leader_within: 3s, min_ops: 500}
)";

TEST(ScenarioRun, KvClientsAndWatchersOverTheNetworkAreCheckedEndToEnd) {
  const Scenario s = parse(kKvScenario);
  auto options = run_options(s);
  ASSERT_TRUE(options) << options.error().message;
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    KvRunDetails details;
    const ScenarioOutcome outcome = run_scenario(s, *options, seed, &details);
    EXPECT_TRUE(outcome.run.safe) << "seed " << seed << ": " << outcome.run.violation;
    EXPECT_TRUE(outcome.run.live) << "seed " << seed << ": " << outcome.run.violation;
    EXPECT_TRUE(outcome.expectations_met) << outcome.failed_expectation;
    EXPECT_GT(outcome.run.operations_checked, 500u);
    EXPECT_GT(outcome.run.watch_events_checked, 500u);
    EXPECT_FALSE(outcome.run.failovers.empty());
    EXPECT_EQ(details.history.size(), outcome.run.clients.proposed + 1);  // with the probe
    EXPECT_FALSE(details.records.empty());
  }
}

TEST(ScenarioRun, StaleSerializableReadsAreCaughtByTheLinearizabilityChecker) {
  std::string yaml(kKvScenario);
  yaml.replace(yaml.find("timeout: 1s}"), 12, "timeout: 1s, reads: serializable}");
  // One member cut off from the other two for 3 s: the clients reading from it read the past
  // (on 4 of these 10 seeds; a stale read needs a write and a read to meet in the window).
  yaml.replace(yaml.find("faults:\n"), 8,
               "faults:\n  - {at: 1s, partition: {isolate: [n1, n2]}, for: 3s}\n");
  const Scenario s = parse(yaml);
  ASSERT_TRUE(s.kv && s.kv->serializable_reads);
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    KvRunDetails details;
    const ScenarioOutcome outcome = run_scenario(s, *run_options(s), seed, &details);
    if (outcome.run.safe) continue;
    ++caught;
    EXPECT_NE(outcome.run.violation.find("not linearizable"), std::string::npos)
        << outcome.run.violation;
    EXPECT_FALSE(details.failing_ops.empty());
    EXPECT_LE(details.failing_ops.size(), 6u);
  }
  EXPECT_GE(caught, 2);
}

}  // namespace
}  // namespace keel::sim
