#include "sim/scenario/swarm_pin.h"

namespace keel::sim {

Scenario pin_swarm_tuning(const Scenario& scenario, const RaftRunOptions& options,
                          std::uint64_t seed) {
  RaftRunOptions swarm = options;
  swarm.swarm = true;
  const RaftRunOptions drawn = options_for_seed(swarm, seed);
  const raft::Config& raft = drawn.node.raft;
  Scenario pinned = scenario;
  ClusterSpec& c = pinned.cluster;
  // run_options reads the election timeout's low end as a whole number of heartbeats.
  c.heartbeat = drawn.node.tick;
  c.election_timeout = {drawn.node.tick * raft.election_ticks,
                        drawn.node.tick * (2 * raft.election_ticks)};
  c.pre_vote = raft.pre_vote;
  c.check_quorum = raft.check_quorum;
  c.max_entries_per_message = static_cast<int>(raft.max_entries_per_message);
  c.max_inflight_messages = static_cast<int>(raft.max_inflight_messages);
  c.snapshot_every = static_cast<int>(drawn.node.snapshot_every);
  c.snapshot_chunk_bytes = raft.snapshot_chunk_bytes;
  c.max_held_appends = static_cast<int>(raft.max_held_appends);
  c.log_kept_below_snapshot = static_cast<int>(raft.log_kept_below_snapshot);
  pinned.latency = {drawn.network.latency_low, drawn.network.latency_high};
  return pinned;
}

}  // namespace keel::sim
