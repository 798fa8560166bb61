// With --swarm, a seed runs with its own Raft tuning and link latency, drawn from the seed
// (raft_run.h, options_for_seed), on top of what its scenario file says. pin_swarm_tuning writes
// that draw into the scenario (cluster.raft and network.latency), so the scenario then runs the
// same way without --swarm: the same trace, byte for byte. The seed's drawn faults are not this
// function's business: keelsim adds them to the scenario's faults before (run_command.cc).
#pragma once

#include <cstdint>

#include "sim/raft_run.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

// `options` are the scenario's run options (scenario_run.h, run_options); their swarm switch is
// ignored: the draw is the one --swarm would make for `seed`.
Scenario pin_swarm_tuning(const Scenario& scenario, const RaftRunOptions& options,
                          std::uint64_t seed);

}  // namespace keel::sim
