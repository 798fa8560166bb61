#include "sim/scenario/scenario_run.h"

#include <gtest/gtest.h>

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

TEST(ScenarioRun, WorkloadsThatDoNotExistYetAreRefused) {
  auto kv = run_options(parse("name: k\nworkload: {kv: {clients: 2}}\n"));
  ASSERT_FALSE(kv);
  EXPECT_NE(kv.error().message.find("not supported yet"), std::string::npos);
  EXPECT_FALSE(run_options(parse("name: w\ncluster: {workers: 2}\n")));
  auto bad = run_options(
      parse("name: b\ncluster: {raft: {heartbeat: 100ms, election_timeout: [100ms, 200ms]}}\n"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("two heartbeats"), std::string::npos);
}

}  // namespace
}  // namespace keel::sim
