// FleetHarness: fleet in a scenario run (SCENARIOS.md, `workload.units`, `cluster.workers`,
// `units_within`, `catalog_within`). It gives every member the fleet programs beside its KvService
// (fleet_machines.h), boots the workers w1..wM, submits the scenario's units at t=0 through
// clients outside the cluster (the fleetctl verbs of core/fleet/commands.h over the network), and
// checks:
// - always, from the machines' container lifecycle in true time: UnitChecker (unit_checker.h),
//   including self-fencing once a machine's presence lease has expired on the leader;
// - after healing: every launched unit that the machines that are up can hold runs where the
//   rules allow (a non-global unit on one machine, a global one on every matching machine), and
//   no loaded or inactive unit runs (units_within); every machine's catalog holds exactly the
//   announcements of the units that run with [X-Service] (catalog_within).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/fleet/placement.h"
#include "core/fleet/schema.h"
#include "sim/checkers/unit_checker.h"
#include "sim/fleet/fleet_machines.h"
#include "sim/kv_cluster.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

struct FleetRunStats {
  std::uint64_t units_submitted = 0;
  std::uint64_t processes_checked = 0;
  std::uint64_t fencing_checks = 0;
  // Summed over the machines that are up now (a crash resets a machine's counters).
  std::uint64_t keep_alives = 0;    // presence renewals sent
  std::uint64_t agent_writes = 0;   // state and announcement puts and deletes
  std::uint64_t engine_txns = 0;    // fenced txns that succeeded
  std::uint64_t engine_writes = 0;  // keys they wrote
};

class FleetHarness {
 public:
  // Whether a scenario runs fleet at all.
  static bool wanted(const Scenario& scenario);

  // Sets the members' beside program in `options`, before the KvCluster is built.
  FleetHarness(const Scenario& scenario, KvClusterOptions& options);
  ~FleetHarness();
  // Boots the workers, attaches the checker and starts submitting the units.
  void attach(KvCluster& kv);

  // Liveness after healing; each runs the world up to `bound` and says why it failed, if it did.
  std::optional<std::string> wait_for_units(Duration bound);
  std::optional<std::string> wait_for_catalog(Duration bound);

  const UnitChecker& checker() const { return *checker_; }
  // For every crash of a machine that ran launched units: the time until all of them ran again
  // (elsewhere, or on the machine once it was back), in true time.
  const std::vector<Duration>& recoveries() const { return recoveries_; }
  FleetRunStats stats();

 private:
  class Submitter;
  FleetMachineOptions machine_options(const std::string& name, NodeId id) const;
  FleetMachine* program(NodeId id);
  void on_trace(Time now, const TraceEvent& event);
  // Runs the world until why_not() says nothing or `bound` passes; then says why, naming the
  // expectation.
  std::optional<std::string> wait_until(std::string_view expectation, Duration bound,
                                        const std::function<std::optional<std::string>()>& why_not);
  // Why the units are not where they should be now, or nullopt.
  std::optional<std::string> units_misplaced();
  std::optional<std::string> catalog_mismatch();

  const Scenario& scenario_;
  KvCluster* kv_ = nullptr;
  std::vector<fleet::Machine> machines_;                     // every machine, members then workers
  std::map<std::string, fleet::Unit> units_;                 // by name
  std::map<std::string, fleet::AnnounceSettings> services_;  // units with [X-Service]
  std::unique_ptr<UnitChecker> checker_;
  std::vector<NodeId> workers_;
  std::vector<NodeId> submitters_;  // client hosts fleetctl1..
  std::uint64_t fencing_checks_ = 0;
  struct Recovery {
    Time crashed;
    std::set<std::string> units;  // not yet running again
  };
  std::vector<Recovery> recovering_;
  std::vector<Duration> recoveries_;
};

// The address a simulated machine announces (10.0.x.y from its id).
std::string machine_ip(NodeId id);

}  // namespace keel::sim
