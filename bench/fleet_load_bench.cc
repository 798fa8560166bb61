// Fleet's load on the store in steady state (issue 6): 3 members and N - 3 workers running 10
// units per machine, all placed and running, then 30 s of simulated time with nothing changing.
// fleet's users saw etcd's load grow with machines x units; here the store writes nothing in
// steady state (agents write states only on change, the engine plans nothing when nothing moved),
// and presence costs one keep-alive per machine per renewal interval (TTL / 4), which the leader's
// lessor serves without a Raft entry (etcd's LeaseKeepAlive). Counters per simulated second:
//   store_writes  revisions the store advanced (puts, deletes, txns that wrote)
//   raft_entries  entries the leader committed (writes, lease revokes, no-ops)
//   keep_alives   presence renewals the agents sent
//   agent_writes  state and announcement writes;  engine_writes  keys the engine wrote
// and setup_wall_s, the wall time to submit and place everything.
#include <benchmark/benchmark.h>

#include <chrono>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "sim/fleet/fleet_harness.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"

namespace keel::sim {
namespace {

void BM_FleetSteadyState(benchmark::State& state) {
  const int machines = static_cast<int>(state.range(0));
  const int units = 10 * machines;
  auto scenario =
      parse_scenario(str("name: load\nduration: 1s\ncluster: {members: 3, workers: ", machines - 3,
                         "}\nworkload:\n  units:\n    - {name: app@.service, instances: ", units,
                         ", file: \"[Service]\\nExecStart=/bin/app %i\\nMemoryMax=64M\\n\"}\n"),
                     "load.yaml");
  KEEL_ASSERT(scenario.has_value(), scenario.error().message);
  for (auto _ : state) {
    const auto wall_start = std::chrono::steady_clock::now();
    KvClusterOptions options;
    options.cluster = cluster_options(*run_options(*scenario), false);
    FleetHarness fleet(*scenario, options);
    KvCluster kv(1, options);
    fleet.attach(kv);
    auto placed = fleet.wait_for_units(std::chrono::minutes(5));
    KEEL_ASSERT(!placed, *placed);
    World& world = kv.world();
    world.run_for(std::chrono::seconds(10));  // states written, engine settled
    const double setup_wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    auto leader = [&] { return kv.service(kv.leader()); };
    const auto revision0 = leader()->store().revision();
    const auto index0 = leader()->node().raft().commit();
    const FleetRunStats before = fleet.stats();
    constexpr int kSeconds = 30;
    world.run_for(std::chrono::seconds(kSeconds));
    const FleetRunStats after = fleet.stats();
    state.counters["store_writes"] =
        static_cast<double>(leader()->store().revision() - revision0) / kSeconds;
    state.counters["raft_entries"] =
        static_cast<double>(leader()->node().raft().commit() - index0) / kSeconds;
    state.counters["keep_alives"] =
        static_cast<double>(after.keep_alives - before.keep_alives) / kSeconds;
    state.counters["agent_writes"] =
        static_cast<double>(after.agent_writes - before.agent_writes) / kSeconds;
    state.counters["engine_writes"] =
        static_cast<double>(after.engine_writes - before.engine_writes) / kSeconds;
    state.counters["setup_wall_s"] = setup_wall;
    KEEL_ASSERT(fleet.checker().ok(), fleet.checker().violations().front().detail);
  }
}
BENCHMARK(BM_FleetSteadyState)
    ->Arg(10)
    ->Arg(100)
    ->Arg(300)
    ->Arg(1000)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace keel::sim
