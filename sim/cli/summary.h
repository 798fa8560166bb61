// The summary table keelsim run prints: one row per scenario with its seeds, how many passed and
// failed, the operations the checkers verified, elections, failover time (from the nemesis taking
// the leader away to the next leader) at p50 and p99, and simulated time per wall-clock time.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/cli/seed_outcome.h"

namespace keel::sim::cli {

struct Summary {
  std::string name;
  std::uint64_t seeds = 0, passed = 0, safety = 0, liveness = 0;
  std::uint64_t ops = 0;      // acknowledged (register clients) or checked (kv clients)
  std::uint64_t unknown = 0;  // kv operations whose outcome stayed unknown
  std::uint64_t elections = 0;
  std::vector<double> failovers;
  std::vector<double> recoveries;  // fleet: from a machine's crash to its units running again
  double simulated = 0, wall = 0;

  // Counts one seed; true if it passed.
  bool add(const SeedOutcome& outcome);
};

// The p-th quantile (0..1) by the nearest-rank method; -1 for no values.
double percentile(std::vector<double> values, double p);

void print_table(std::ostream& out, const std::vector<Summary>& summaries);

}  // namespace keel::sim::cli
