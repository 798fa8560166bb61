// What one seed's child process reports back to keelsim (see isolate.h): the run's result in a
// line of text, or, if the child died, why.
#pragma once

#include <cstdint>
#include <string>

#include "sim/cli/isolate.h"
#include "sim/raft_run.h"

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
};

std::string serialize(const RaftRunResult& result);
SeedOutcome deserialize(const Isolated& child);

// Runs `body` in a child process, and again if `check_determinism` to compare trace hashes.
SeedOutcome run_seed(const std::function<RaftRunResult()>& body, bool check_determinism);

}  // namespace keel::sim::cli
