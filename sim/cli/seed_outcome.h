// What one seed's child process reports back to keelsim (see isolate.h): the run's result in a
// line of text, or, if the child died, why.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/cli/isolate.h"
#include "sim/raft_run.h"
#include "sim/units.h"

namespace keel::sim::cli {

struct SeedOutcome {
  bool safe = false;
  bool live = false;
  std::string violation;
  std::uint64_t elections = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t hash = 0;
  double simulated_seconds = 0;
  double leader_after_heal_seconds = -1;  // -1: never
  std::uint64_t operations_checked = 0;
  std::uint64_t unknown = 0;  // operations whose outcome stayed unknown
  std::vector<double> failover_seconds;
  std::vector<double> recovery_seconds;  // fleet: a crashed machine's units running again
};

std::string serialize(const RaftRunResult& result);
SeedOutcome deserialize(const Isolated& child);

// Runs body(seed) for every seed of `seeds`, each in a child process, up to `jobs` at once, and
// hands the outcomes to `consume` in seed order; `consume` returns false to stop early. With
// `check_determinism` each child runs its seed twice and compares the trace hashes, which also
// catches state that leaks from one run into the next.
void for_each_seed(SeedRange seeds, int jobs, bool check_determinism,
                   const std::function<RaftRunResult(std::uint64_t seed)>& body,
                   const std::function<bool(std::uint64_t seed, const SeedOutcome&)>& consume);

}  // namespace keel::sim::cli
