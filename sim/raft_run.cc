#include "sim/raft_run.h"

#include <fstream>

#include "core/env/random.h"
#include "sim/nemesis/nemesis.h"

namespace keel::sim {

RaftRunOptions options_for_seed(const RaftRunOptions& options, std::uint64_t seed) {
  if (!options.swarm) return options;
  RaftRunOptions drawn = options;
  Random random = Random(seed).derive("swarm");
  auto pick = [&random](std::initializer_list<std::int64_t> choices) {
    return *(choices.begin() + random.below(choices.size()));
  };
  raft::Config& rc = drawn.node.raft;
  // The smallest pipeline (4 entries x 8 messages per round trip of up to 100 ms) still carries
  // twice the clients' load, so a seed that does not converge points at a bug, not at the tuning.
  rc.max_entries_per_message = static_cast<std::size_t>(pick({4, 64}));
  rc.max_inflight_messages = static_cast<std::size_t>(pick({8, 256}));
  rc.election_ticks = static_cast<int>(pick({5, 10, 20}));
  rc.pre_vote = random.chance(0.5);
  rc.check_quorum = random.chance(0.5);
  drawn.network.latency_high = std::chrono::milliseconds(pick({2, 10, 50}));
  // Frequent snapshots exercise compaction, InstallSnapshot in chunks and restarts from snapshots.
  drawn.node.snapshot_every = static_cast<std::size_t>(pick({50, 500, 10000}));
  rc.snapshot_chunk_bytes = static_cast<std::size_t>(pick({64, 64 << 10}));
  // Followers that hold appends arriving ahead of a gap send far fewer messages; half the seeds
  // reject them at once instead, so both message patterns are explored.
  rc.max_held_appends = static_cast<std::size_t>(pick({0, 64}));
  // The log kept below each snapshot: none (every lagging follower is sent a snapshot; with 5,000
  // kept and frequent snapshots, the snapshot paths would rarely run), a short tail (the log
  // starts between the old and the new snapshot), or etcd's 5,000. Drawn last, so the draws above
  // stay what they were for every seed.
  rc.log_kept_below_snapshot = static_cast<std::size_t>(pick({0, 20, 5000}));
  return drawn;
}

ClusterOptions cluster_options(const RaftRunOptions& options, bool record) {
  ClusterOptions o;
  o.members = options.members;
  o.node = options.node;
  o.network = options.network;
  o.fsync_low = options.fsync_low;
  o.fsync_high = options.fsync_high;
  o.record_trace = record || !options.trace_path.empty();
  return o;
}

RaftRunResult run_raft(std::uint64_t seed, const RaftRunOptions& requested,
                       const std::vector<Fault>& faults, std::vector<TraceRecord>* records) {
  const RaftRunOptions options = options_for_seed(requested, seed);
  Cluster cluster(seed, cluster_options(options, records != nullptr));
  Nemesis nemesis(cluster, faults);
  const Time start = cluster.world().now();
  nemesis.schedule(start, start + options.duration);
  cluster.start_clients(options.clients);
  cluster.world().run_for(options.duration);
  cluster.stop_clients();
  nemesis.heal_all();

  RaftRunResult result;
  result.live = cluster.converge(options.settle, &result.converged_in, &result.leader_after_heal);
  if (result.live) cluster.check_final_state();
  result.safe = cluster.ok();
  if (!result.safe) {
    result.violation = cluster.first_violation();
  } else if (!result.live) {
    result.violation = "liveness: no convergence within the settle bound after healing; members:" +
                       cluster.describe_members();
  }
  result.trace_hash = cluster.world().trace().hash();
  result.events = cluster.world().events_run();
  result.elections = cluster.checker().elections();
  result.snapshots_installed = cluster.checker().snapshots_installed();
  result.clients = cluster.client_stats();
  result.failovers = cluster.failovers();
  result.simulated = cluster.world().now() - start;
  if (!options.trace_path.empty()) write_trace(cluster.world().trace(), options.trace_path, result);
  if (records) *records = cluster.world().trace().records();
  return result;
}

void write_trace(const TraceLog& trace, const std::string& path, RaftRunResult& result) {
  std::ofstream out(path);
  trace.write_json_lines(out);
  if (!out) result.violation += " (the trace could not be written to " + path + ")";
}

}  // namespace keel::sim
