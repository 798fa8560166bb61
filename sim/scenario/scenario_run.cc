#include "sim/scenario/scenario_run.h"

#include "core/env/str.h"
#include "sim/fleet/fleet_harness.h"
#include "sim/scenario/kv_scenario_run.h"

namespace keel::sim {

Result<RaftRunOptions> run_options(const Scenario& s) {
  RaftRunOptions o;
  o.members = s.cluster.members;
  o.duration = s.duration;
  o.settle = s.settle;
  if (s.latency) std::tie(o.network.latency_low, o.network.latency_high) = *s.latency;
  o.network.drop = s.drop.value_or(0.0);
  o.network.duplicate = s.duplicate.value_or(0.0);
  if (s.fsync) std::tie(o.fsync_low, o.fsync_high) = *s.fsync;
  if (s.cluster.heartbeat) o.node.tick = *s.cluster.heartbeat;
  if (s.cluster.election_timeout) {
    // Raft draws its timeout from [election_ticks, 2 x election_ticks) ticks: the low end decides.
    const auto ticks = s.cluster.election_timeout->first / o.node.tick;
    if (ticks < 2) {
      return fail(Errc::kInvalidArgument,
                  str(s.file, ": cluster.raft.election_timeout must be at least two heartbeats"));
    }
    o.node.raft.election_ticks = static_cast<int>(ticks);
  }
  raft::Config& raft = o.node.raft;
  raft.pre_vote = s.cluster.pre_vote.value_or(raft.pre_vote);
  raft.check_quorum = s.cluster.check_quorum.value_or(raft.check_quorum);
  if (s.cluster.max_entries_per_message) {
    raft.max_entries_per_message = static_cast<std::size_t>(*s.cluster.max_entries_per_message);
  }
  if (s.cluster.max_inflight_messages) {
    raft.max_inflight_messages = static_cast<std::size_t>(*s.cluster.max_inflight_messages);
  }
  if (s.cluster.snapshot_every) {
    o.node.snapshot_every = static_cast<std::size_t>(*s.cluster.snapshot_every);
  }
  if (s.cluster.max_held_appends) {
    raft.max_held_appends = static_cast<std::size_t>(*s.cluster.max_held_appends);
  }
  if (s.cluster.log_kept_below_snapshot) {
    raft.log_kept_below_snapshot = static_cast<std::size_t>(*s.cluster.log_kept_below_snapshot);
  }
  if (s.cluster.snapshot_chunk_bytes) {
    raft.snapshot_chunk_bytes = static_cast<std::size_t>(*s.cluster.snapshot_chunk_bytes);
  }
  return o;
}

ScenarioOutcome run_scenario(const Scenario& scenario, const RaftRunOptions& options,
                             std::uint64_t seed, KvRunDetails* details) {
  ScenarioOutcome outcome;
  const bool store_workload = scenario.kv || scenario.watch || FleetHarness::wanted(scenario);
  outcome.run = store_workload ? run_kv_scenario(scenario, options, seed, details)
                               : run_raft(seed, options, scenario.faults,
                                          details ? &details->records : nullptr);
  const ExpectSpec& expect = scenario.expect;
  if (expect.leader_within && outcome.run.leader_after_heal > *expect.leader_within) {
    outcome.expectations_met = false;
    outcome.failed_expectation =
        str("leader_within: no leader within ",
            std::chrono::duration<double>(*expect.leader_within).count(), "s of healing");
  } else if (expect.min_ops && outcome.run.clients.acknowledged < *expect.min_ops) {
    outcome.expectations_met = false;
    outcome.failed_expectation = str("min_ops: ", outcome.run.clients.acknowledged,
                                     " operations acknowledged, fewer than ", *expect.min_ops);
  }
  return outcome;
}

RaftRunResult verdict(const ScenarioOutcome& outcome) {
  RaftRunResult result = outcome.run;
  if (result.safe && result.live && !outcome.expectations_met) {
    result.live = false;
    result.violation = outcome.failed_expectation;
  }
  return result;
}

}  // namespace keel::sim
