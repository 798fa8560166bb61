// The simulator demo that `make run` shows until the scenario runner lands: five machines gossip
// under a partition, a crash with lost unsynced writes, a pause and a clock step, and the run is
// summarised with its trace hash.
#pragma once

#include <cstdint>
#include <ostream>

namespace keel::sim {

struct DemoResult {
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
};

// Runs the demo for one seed. With `out`, prints the fault timeline, what each machine did, and
// the trace hash.
DemoResult run_demo(std::uint64_t seed, std::ostream* out);

}  // namespace keel::sim
