// Placement engine: 10,000 units on 1,000 machines (issue 6: under 1 second of CPU).
// The cluster mixes what fleet users ran: plain services with reservations, units restricted by
// metadata, template instances spread with Conflicts, MachineOf sidecars, a few pinned units and
// Global units on every machine. BM_PlaceFresh places everything from nothing; BM_ReplanMachineLost
// starts from that placement with one machine gone (the engine's steady-state work);
// BM_ReplanNothingChanged is the timer's reconcile when nothing changed.
#include <benchmark/benchmark.h>

#include "core/env/random.h"
#include "core/env/str.h"
#include "core/fleet/placement.h"

namespace keel::fleet {
namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

Cluster make_cluster(int machines, int units) {
  Random random(42);
  Cluster c;
  const std::vector<std::string> regions = {"us-east", "us-west", "eu"};
  for (int i = 0; i < machines; ++i) {
    c.machines.push_back(
        {str("machine-", 10000 + i),
         {{"region", regions[random.below(3)]}, {"disk", random.below(2) ? "ssd" : "hdd"}},
         {(64 + 64 * (random.below(2))) * kGiB, 3200}});
  }
  for (int j = 0; j < units; ++j) {
    PlacementRules r;
    r.reserved = {(1 + random.below(4)) * kGiB / 2, 25 + 25 * (random.below(4))};
    std::string name = str("svc-", j, ".service");
    switch (j % 20) {
      case 0:
      case 1:
      case 2:
      case 3:  // restricted by metadata: a region, or an SSD in either of two regions
        r.machine_metadata["region"] = {regions[j % 3]};
        if (j % 2) r.machine_metadata["region"].push_back(regions[(j + 1) % 3]);
        if (j % 4 == 1) r.machine_metadata["disk"] = {"ssd"};
        break;
      case 4:
      case 5:  // instances of 100 templates, each spread with Conflicts
        name = str("app", j % 100, "@", j, ".service");
        r.conflicts.push_back(*Glob::parse(str("app", j % 100, "@*.service")));
        break;
      case 6:  // a sidecar of the unit before it
        r.machine_of = {c.units.back().name};
        break;
      case 7:
        if (j % 200 == 7) r.machine_id = str("machine-", 10000 + j % machines);
        break;
      default:
        break;
    }
    c.units.push_back({std::move(name), std::move(r), DesiredState::kLaunched});
  }
  for (int g = 0; g < 5; ++g) {  // 5 Global units: 5,000 more placements
    PlacementRules r;
    r.global = true;
    r.reserved = {kGiB / 4, 10};
    c.units.push_back({str("global-", g, ".service"), std::move(r), DesiredState::kLaunched});
  }
  return c;
}

void report(benchmark::State& state, const Plan& plan) {
  state.counters["changes"] = static_cast<double>(plan.changes.size());
  state.counters["unplaced"] = static_cast<double>(plan.unplaced.size());
}

void BM_PlaceFresh(benchmark::State& state) {
  const Cluster c =
      make_cluster(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  Plan plan;
  for (auto _ : state) {
    auto result = plan_placement(c);
    if (!result) return state.SkipWithError(result.error().message.c_str());
    plan = std::move(*result);
  }
  report(state, plan);
}
BENCHMARK(BM_PlaceFresh)->Args({100, 1000})->Args({1000, 10000})->Unit(benchmark::kMillisecond);

void BM_ReplanMachineLost(benchmark::State& state) {
  Cluster c = make_cluster(1000, 10000);
  c.current = plan_placement(c)->placement;
  c.machines.erase(c.machines.begin() + 500);
  Plan plan;
  for (auto _ : state) plan = *plan_placement(c);
  report(state, plan);
}
BENCHMARK(BM_ReplanMachineLost)->Unit(benchmark::kMillisecond);

void BM_ReplanNothingChanged(benchmark::State& state) {
  Cluster c = make_cluster(1000, 10000);
  c.current = plan_placement(c)->placement;
  Plan plan;
  for (auto _ : state) plan = *plan_placement(c);
  report(state, plan);
}
BENCHMARK(BM_ReplanNothingChanged)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::fleet
