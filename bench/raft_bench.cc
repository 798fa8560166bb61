// Raft in the simulator: commit throughput, simulated time per wall-clock time, and failover time.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "sim/cluster.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

// Committed 1 KiB entries per wall-clock second, 3 members, no faults, clients offering far more
// than the cluster can take (the leader's fsync is the bottleneck, in simulated time).
void BM_RaftCommit1KiB3Members(benchmark::State& state) {
  ClusterOptions options;
  options.members = 3;
  Cluster cluster(1, options);
  cluster.start_clients(ClientOptions{16, 1ms, 1s, 1024});
  cluster.world().run_for(2s);  // elect a leader and reach a steady state
  const std::uint64_t before = cluster.client_stats().acknowledged;
  for (auto _ : state) cluster.world().run_for(1s);
  state.counters["entries_per_second"] =
      benchmark::Counter(static_cast<double>(cluster.client_stats().acknowledged - before),
                         benchmark::Counter::kIsRate);
  state.counters["entries_per_simulated_second"] =
      benchmark::Counter(static_cast<double>(cluster.client_stats().acknowledged - before) /
                         static_cast<double>(state.iterations()));
}
BENCHMARK(BM_RaftCommit1KiB3Members)->Unit(benchmark::kMillisecond);

// The speed benchmarks' workload: 5 members, 10 clients each proposing every 10 ms (1,000 per
// simulated second).
std::unique_ptr<Cluster> speed_workload() {
  ClusterOptions options;
  options.members = 5;
  auto cluster = std::make_unique<Cluster>(2, options);
  cluster->start_clients(ClientOptions{10, 10ms, 1s, 0});
  return cluster;
}

// The register grows by every commit and every snapshot covers it: its size is the state a speed
// was measured at.
void count_register_values(Cluster& cluster, benchmark::State& state) {
  if (const NodeId leader = cluster.leader(); leader != kNoNode) {
    state.counters["register_values"] = static_cast<double>(cluster.node(leader)->state().size());
  }
}

// Simulated seconds per wall-clock second, 5 members committing 1,000 proposals per second.
// The register grows by every commit and each member snapshots it every snapshot_every entries:
// register_values says how large the state was at the end.
void BM_RaftSimulatedSpeed5Members(benchmark::State& state) {
  const std::unique_ptr<Cluster> owned = speed_workload();
  Cluster& cluster = *owned;
  cluster.world().run_for(2s);
  const std::uint64_t before = cluster.client_stats().acknowledged;
  const std::uint64_t events_before = cluster.world().events_run();
  const std::uint64_t frames_before = cluster.world().network().stats().sent;
  for (auto _ : state) cluster.world().run_for(1s);
  const auto per_second = [&](std::uint64_t n) {
    return static_cast<double>(n) / static_cast<double>(state.iterations());
  };
  state.counters["events_per_simulated_second"] =
      per_second(cluster.world().events_run() - events_before);
  state.counters["frames_per_simulated_second"] =
      per_second(cluster.world().network().stats().sent - frames_before);
  state.counters["simulated_x"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["commits_per_simulated_second"] =
      benchmark::Counter(static_cast<double>(cluster.client_stats().acknowledged - before) /
                         static_cast<double>(state.iterations()));
  count_register_values(cluster, state);
}
BENCHMARK(BM_RaftSimulatedSpeed5Members)->Unit(benchmark::kMillisecond);

// The same workload measured at a chosen register size: it first runs the given number of
// simulated seconds untimed (1,000 values each), then 200 simulated seconds are timed. Since the
// register's image is kept in shared chunks, a snapshot costs what changed since the last one and
// the speed should hold steady as the register grows. Fixed iteration counts make runs of two
// binaries comparable.
void BM_RaftSimulatedSpeedAfter(benchmark::State& state) {
  const std::unique_ptr<Cluster> owned = speed_workload();
  Cluster& cluster = *owned;
  cluster.world().run_for(2s + std::chrono::seconds(state.range(0)));
  for (auto _ : state) cluster.world().run_for(1s);
  state.counters["simulated_x"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  count_register_values(cluster, state);
}
BENCHMARK(BM_RaftSimulatedSpeedAfter)
    ->Arg(0)
    ->Arg(500)
    ->Arg(1500)
    ->Iterations(200)
    ->Unit(benchmark::kMillisecond);

// Time from the leader's crash to a new leader, over 1,000 seeds, in units of the election
// timeout's upper bound (2 x election_ticks x tick = 1 s by default).
void BM_RaftFailover(benchmark::State& state) {
  std::vector<double> failovers;
  for (auto _ : state) {
    failovers.clear();
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
      ClusterOptions options;
      options.members = 5;
      Cluster cluster(seed, options);
      const Duration upper = 2 * options.node.raft.election_ticks * options.node.tick;
      cluster.world().run_for(3s);
      const NodeId old_leader = cluster.leader();
      if (old_leader == kNoNode) continue;
      cluster.world().crash(old_leader);
      const Time crashed = cluster.world().now();
      while (cluster.leader() == kNoNode && cluster.world().now() - crashed < 30s) {
        cluster.world().run_for(1ms);
      }
      failovers.push_back(std::chrono::duration<double>(cluster.world().now() - crashed) /
                          std::chrono::duration<double>(upper));
    }
  }
  std::sort(failovers.begin(), failovers.end());
  auto percentile = [&](double p) {
    return failovers[std::min(failovers.size() - 1,
                              static_cast<std::size_t>(p * static_cast<double>(failovers.size())))];
  };
  state.counters["seeds"] = static_cast<double>(failovers.size());
  state.counters["p50_x_timeout"] = percentile(0.50);
  state.counters["p99_x_timeout"] = percentile(0.99);
  state.counters["max_x_timeout"] = failovers.back();
}
BENCHMARK(BM_RaftFailover)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace keel::sim
