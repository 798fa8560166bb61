// The engine's pass (core/fleet/reconcile.h) over a copy of /fleet/ as the Mirror holds it:
// 10,000 units and 5 Global units on 1,000 machines, unit files as text. BM_ReconcileFirstPass
// is a new engine's first pass (every unit file parsed, everything assigned);
// BM_ReconcileNothingChanged is the period's pass in a settled cluster (cached parses, no write);
// BM_ReconcileMachineLost is the pass after a machine's lease expired (its units reassigned).
#include <benchmark/benchmark.h>

#include "core/env/random.h"
#include "core/env/str.h"
#include "core/fleet/reconcile.h"
#include "core/fleet/schema.h"

namespace keel::fleet {
namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

void put(FleetEntries& fleet, const std::string& key, const std::string& value) {
  kv::KeyValue& kv = fleet[key];
  kv.key = kv::to_bytes(key);
  kv.value = kv::to_bytes(value);
  kv.mod_revision = static_cast<kv::Revision>(fleet.size());
}

FleetEntries make_fleet(int machines, int units) {
  Random random(7);
  FleetEntries fleet;
  const std::vector<std::string> regions = {"us-east", "us-west", "eu"};
  for (int i = 0; i < machines; ++i) {
    const std::string id = str("machine-", 10000 + i);
    put(fleet, machine_key(id),
        encode(MachineRecord{
            id, "10.0.0.1", {{"region", regions[random.below(3)]}}, {128 * kGiB, 3200}}));
  }
  for (int j = 0; j < units + 5; ++j) {
    std::string name = str("svc-", j, ".service");
    std::string fleet_section;
    if (j >= units) {
      name = str("global-", j - units, ".service");
      fleet_section = "Global=true\n";
    } else if (j % 20 < 4) {
      fleet_section = str("MachineMetadata=region=", regions[j % 3], "\n");
    } else if (j % 20 < 6) {
      name = str("app", j % 100, "@", j, ".service");
      fleet_section = str("Conflicts=app", j % 100, "@*.service\n");
    }
    put(fleet, unit_key(name),
        str("[Unit]\nDescription=service ", j, "\n[Service]\nExecStart=/usr/bin/app --port ",
            8000 + j % 1000, "\nMemoryMax=", 256 + 256 * random.below(4),
            "M\nCPUQuota=", 25 + 25 * random.below(4), "%\n[X-Fleet]\n", fleet_section));
    put(fleet, desired_key(name), "launched");
  }
  return fleet;
}

void apply_writes(FleetEntries& fleet, const Reconciliation& result) {
  for (const StoreWrite& w : result.writes) {
    if (w.value) {
      put(fleet, w.key, *w.value);
    } else {
      fleet.erase(w.key);
    }
  }
}

void report(benchmark::State& state, const Reconciliation& result) {
  state.counters["writes"] = static_cast<double>(result.writes.size());
}

void BM_ReconcileFirstPass(benchmark::State& state) {
  const FleetEntries fleet = make_fleet(1000, 10000);
  Reconciliation result;
  for (auto _ : state) {
    Reconciler reconciler;
    result = *reconciler.run(fleet);
  }
  report(state, result);
}
BENCHMARK(BM_ReconcileFirstPass)->Unit(benchmark::kMillisecond);

void BM_ReconcileNothingChanged(benchmark::State& state) {
  FleetEntries fleet = make_fleet(1000, 10000);
  Reconciler reconciler;
  apply_writes(fleet, *reconciler.run(fleet));
  Reconciliation result;
  for (auto _ : state) result = *reconciler.run(fleet);
  report(state, result);
}
BENCHMARK(BM_ReconcileNothingChanged)->Unit(benchmark::kMillisecond);

void BM_ReconcileMachineLost(benchmark::State& state) {
  FleetEntries fleet = make_fleet(1000, 10000);
  Reconciler reconciler;
  apply_writes(fleet, *reconciler.run(fleet));
  fleet.erase(machine_key("machine-10500"));
  Reconciliation result;
  for (auto _ : state) result = *reconciler.run(fleet);
  report(state, result);
}
BENCHMARK(BM_ReconcileMachineLost)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::fleet
