// BM_RaftSimulatedSpeed5Members's workload measured at a chosen register size: the cluster first
// runs the given number of simulated seconds untimed (1,000 values each), then 200 simulated
// seconds are timed. Before issue 3's chunked register image the speed fell as the register grew
// (each snapshot copied and checksummed all of it); it should now hold steady. Fixed iteration
// counts make runs of one binary comparable with another's (this machine has no instruction
// counters for perf).
#include <benchmark/benchmark.h>

#include "sim/cluster.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

void BM_RaftSimulatedSpeedAfter(benchmark::State& state) {
  ClusterOptions options;
  options.members = 5;
  Cluster cluster(2, options);
  cluster.start_clients(ClientOptions{10, 10ms, 1s, 0});
  cluster.world().run_for(2s + std::chrono::seconds(state.range(0)));
  for (auto _ : state) cluster.world().run_for(1s);
  state.counters["simulated_x"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (const NodeId leader = cluster.leader(); leader != kNoNode) {
    state.counters["register_values"] = static_cast<double>(cluster.node(leader)->state().size());
  }
}
BENCHMARK(BM_RaftSimulatedSpeedAfter)
    ->Arg(0)
    ->Arg(500)
    ->Arg(1500)
    ->Iterations(200)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::sim
