// One seed of a Raft exploration: a cluster under register clients suffers a fault schedule for a
// safety phase, then every fault is healed and the cluster must converge within a bound (the
// liveness phase, as TigerBeetle's VOPR does). Used by property tests, keelsim and benchmarks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/cluster.h"
#include "sim/nemesis/fault.h"

namespace keel::sim {

struct RaftRunOptions {
  int members = 5;
  Duration duration = std::chrono::seconds(10);  // the safety phase, with faults
  Duration settle = std::chrono::seconds(20);    // the bound on converging once healed
  ClientOptions clients;
  LinkConfig network;
  Duration fsync_low = std::chrono::milliseconds(1);
  Duration fsync_high = std::chrono::milliseconds(5);
  node::NodeConfig node;
  // Swarm testing: each seed also draws its own Raft tuning (message and pipeline sizes, election
  // timeout, pre-vote, check-quorum, snapshot frequency and chunk size, held appends, log kept
  // below a snapshot) and link latency, so a seed range covers the configurations.
  bool swarm = false;
  // If set, the run's events (faults, elections, snapshots, ...) are written there as JSON lines.
  std::string trace_path;
};

// The options a seed runs with: `options` itself, or with swarm on, the seed's own draw.
RaftRunOptions options_for_seed(const RaftRunOptions& options, std::uint64_t seed);

// The cluster a run builds from its options; events are recorded if `record` or a trace is asked.
ClusterOptions cluster_options(const RaftRunOptions& options, bool record);

struct RaftRunResult {
  bool safe = true;  // no safety check failed (Raft invariants, durability, agreement)
  bool live = true;  // converged within the settle bound
  std::string violation;
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  std::uint64_t elections = 0;
  std::uint64_t snapshots_installed = 0;  // InstallSnapshot completed on a follower
  ClientStats clients;
  std::uint64_t operations_checked = 0;    // by the linearizability checker (kv workloads)
  std::uint64_t watch_events_checked = 0;  // by the watch checker
  Duration converged_in{0};
  Duration leader_after_heal = Duration::max();  // from healing to the first leader
  std::vector<Duration> failovers;               // Cluster::failovers()
  std::vector<Duration> recoveries;  // fleet: from a machine's crash to its units running again
  Duration simulated{0};
};

// `records` (optional) receives the run's trace records, for reports.
RaftRunResult run_raft(std::uint64_t seed, const RaftRunOptions& options,
                       const std::vector<Fault>& faults,
                       std::vector<TraceRecord>* records = nullptr);

// Writes a run's recorded events to `path` as JSON lines; notes a failure in the result.
void write_trace(const TraceLog& trace, const std::string& path, RaftRunResult& result);

}  // namespace keel::sim
