// Runs one seed of a scenario: its cluster, faults and expectations. A scenario with a kv or watch
// workload, units or workers runs the key-value service (and fleet on it) under network clients
// (kv_scenario_run.h); one without runs the Raft exploration under register clients
// (sim/raft_run.h).
#pragma once

#include <cstdint>

#include "core/env/error.h"
#include "sim/raft_run.h"
#include "sim/scenario/kv_scenario_run.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

// The simulator settings a scenario asks for, or why it cannot run yet.
Result<RaftRunOptions> run_options(const Scenario& scenario);

struct ScenarioOutcome {
  RaftRunResult run;
  bool expectations_met = true;  // leader_within, min_ops
  std::string failed_expectation;
};

// The run's verdict as keelsim reports it: an unmet expectation of a run that is otherwise safe and
// live counts as a liveness failure, the expectation's text ("min_ops: ...") as the violation.
RaftRunResult verdict(const ScenarioOutcome& outcome);

// `details` (optional) receives the trace records and, for a kv run, the history, for reports.
ScenarioOutcome run_scenario(const Scenario& scenario, const RaftRunOptions& options,
                             std::uint64_t seed, KvRunDetails* details = nullptr);

}  // namespace keel::sim
