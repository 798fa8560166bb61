// keelsim run FILE --seed N --shrink [--shrink-out PATH]: shrinks one failing seed's scenario
// (sim/scenario/shrink.h) to a small scenario file that fails the same check on its own, with the
// same seed and no --swarm. Every run, the first one included, is a forked child (isolate.h), so an
// invariant assertion is a failure like any other. Trials are bounded; progress goes to stderr.
//
// Prints the first run's failure, the reductions kept, the counts before and after (faults, kv and
// watch clients, duration), the file written and its repro line `keelsim run PATH --seed N`;
// returns the first run's exit code (SCENARIOS.md), or 0 if the seed passes (nothing to shrink),
// or kExitInternal if the written file does not fail the same way when loaded back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "sim/raft_run.h"
#include "sim/scenario/scenario.h"

namespace keel::sim::cli {

struct ShrinkRequest {
  // The scenario as the seed ran: with --swarm, its drawn faults already appended (those have no
  // `where`); `options` are its run options, with the swarm switch.
  Scenario drawn;
  RaftRunOptions options;
  std::uint64_t seed = 1;
  std::string out_path;  // empty: <name>-seed<N>-min.yaml in the current directory
  std::size_t max_trials = 300;
};

int shrink_seed(const ShrinkRequest& request, std::ostream& out, std::ostream& progress);

}  // namespace keel::sim::cli
