// Runs one seed of a scenario: its cluster, faults and expectations on top of the Raft exploration
// (sim/raft_run.h). Until the key-value clients land, the load is the register clients of
// sim/cluster.h, and scenarios with kv or watch workloads, or workers, are refused as not
// supported yet.
#pragma once

#include <cstdint>

#include "core/env/error.h"
#include "sim/raft_run.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

// The simulator settings a scenario asks for, or why it cannot run yet.
Result<RaftRunOptions> run_options(const Scenario& scenario);

struct ScenarioOutcome {
  RaftRunResult run;
  bool expectations_met = true;  // leader_within, min_ops
  std::string failed_expectation;
};

ScenarioOutcome run_scenario(const Scenario& scenario, const RaftRunOptions& options,
                             std::uint64_t seed);

}  // namespace keel::sim
