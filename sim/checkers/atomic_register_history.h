// Histories of a KV register workload run against a real atomic register: every operation takes
// effect at one random instant inside its interval, in instant order, so the history is
// linearizable by construction. They feed the linearizability checker's own tests and benchmark
// (and, corrupted on purpose, its negative tests).
//
// Each client runs one operation at a time. Written values are unique ("v<id>"); a cas expects one
// of the last values written to its key. Outcomes may be turned refused (the operation did not take
// effect) or unknown (half of those took effect, half did not).
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/checkers/kv_history.h"

namespace keel::sim {

struct RegisterWorkload {
  std::size_t operations = 1000;
  int clients = 5;
  int keys = 8;
  // The operation mix in percent; deletes take the rest of 100.
  int get_percent = 40;
  int put_percent = 40;
  int cas_percent = 15;
  double unknown_fraction = 0.05;
  double refused_fraction = 0.0;
};

// The same seed and workload give the same history. Operations are in invocation order, ids 1..n.
KvHistory atomic_register_history(std::uint64_t seed, const RegisterWorkload& workload);

}  // namespace keel::sim
