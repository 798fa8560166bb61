// A small, explained counterexample for one key whose history is not linearizable.
//
// The key's operations are shrunk by delta debugging (delta_debugging.h) while the search still
// finds them not linearizable. A subset is only tried if every value a kept operation observed (a
// get's read, a swapped cas's expected value) keeps an operation that wrote it, when the key's
// history has one: otherwise a stale read would shrink to "read a value never written", true but
// blind to what made it stale.
//
// The explanation comes from the deepest point the search reached on the shrunk history: the
// longest sequence it could linearize, and the operation it could then not place, with the model's
// reason.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/checkers/kv_history.h"
#include "sim/checkers/linearization_search.h"
#include "sim/checkers/register_model.h"

namespace keel::sim {

struct Counterexample {
  KvHistory ops;         // the failing subset, in the key's input order
  bool minimal = false;  // 1-minimal: no single operation can be dropped with the failure kept
  std::string explanation;
  std::uint64_t shrink_steps = 0;
};

// `history` is register_history_of(key_ops), found not linearizable within `limits`. Shrinking
// spends at most `max_shrink_steps` search steps.
Counterexample explain_violation(std::span<const KvOp* const> key_ops,
                                 const RegisterHistory& history, const SearchLimits& limits,
                                 std::uint64_t max_shrink_steps);

}  // namespace keel::sim
