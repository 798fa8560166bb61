// One seed of a scenario with a key-value or watch workload: members run the key-value service
// (sim/kv_cluster.h), clients outside the cluster call it and watch it over the simulated network
// (sim/workload/), the nemesis applies the faults for the safety phase, then everything is healed
// for the liveness phase. Afterwards, beside the Raft checker that ran throughout:
// - the cluster converges (a fresh write applied on every member) within `settle`;
// - every member's store equals the reference history and no write applied twice (KvCluster);
// - the clients' history is linearizable (linearizability.h); undecided counts as a failure;
// - every watcher's events are in order, gapless, unduplicated across reconnects and agree with
//   the store and the clients' writes (watch_checker.h);
// - with units or workers, fleet's checks (sim/fleet/fleet_harness.h): safety throughout, and the
//   units and catalogs converge within units_within and catalog_within of healing.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/checkers/kv_history.h"
#include "sim/raft_run.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

// What a kv run leaves behind for reports, beyond its RaftRunResult.
struct KvRunDetails {
  KvHistory history;
  std::vector<std::uint64_t> failing_ops;  // a linearizability violation's operations
  std::vector<TraceRecord> records;        // when the options ask for them (record_trace)
};

RaftRunResult run_kv_scenario(const Scenario& scenario, const RaftRunOptions& options,
                              std::uint64_t seed, KvRunDetails* details = nullptr);

}  // namespace keel::sim
