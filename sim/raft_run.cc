#include "sim/raft_run.h"

#include "sim/nemesis/nemesis.h"

namespace keel::sim {

RaftRunResult run_raft(std::uint64_t seed, const RaftRunOptions& options,
                       const std::vector<Fault>& faults) {
  ClusterOptions cluster_options;
  cluster_options.members = options.members;
  cluster_options.node = options.node;
  cluster_options.network = options.network;
  Cluster cluster(seed, cluster_options);
  Nemesis nemesis(cluster, faults);
  const Time start = cluster.world().now();
  nemesis.schedule(start, start + options.duration);
  cluster.start_clients(options.clients);
  cluster.world().run_for(options.duration);
  cluster.stop_clients();
  nemesis.heal_all();

  RaftRunResult result;
  result.live = cluster.converge(options.settle, &result.converged_in);
  if (result.live) cluster.check_final_state();
  result.safe = cluster.ok();
  if (!result.safe) {
    result.violation = cluster.first_violation();
  } else if (!result.live) {
    result.violation = "liveness: no convergence within the settle bound after healing";
  }
  result.trace_hash = cluster.world().trace().hash();
  result.events = cluster.world().events_run();
  result.elections = cluster.checker().elections();
  result.clients = cluster.client_stats();
  result.simulated = cluster.world().now() - start;
  return result;
}

}  // namespace keel::sim
