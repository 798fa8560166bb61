// A small, explained counterexample for one key whose history is not linearizable.
//
// The key's operations are shrunk by delta debugging (delta_debugging.h) while the search still
// finds them not linearizable. The set shown must fail because the whole history does: dropping a
// write can make an answer that was right wrong (a stale read would shrink to "read a value never
// written", true but blind to what made it stale; a cas that rightly found the key changed would
// be shown next to the write it expected, without the one that changed the key). So only subsets
// closed under one rule are tried: with each operation that observed the key, every write that
// may have been the last before it (its value's writer; for an answer of "nothing", "not that
// value" or "something", every write not certainly followed by another before it). Such a subset
// of a linearizable history is linearizable (the .cc file has the argument), so a failing one
// proves the whole history fails. Two passes: ddmin over the operations whose closure fails, then
// over that closure, dropping one operation at a time while it stays closed.
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
  bool minimal = false;  // 1-minimal: no single operation can be dropped with the set still
                         // closed (see above) and failing
  std::string explanation;
  std::uint64_t shrink_steps = 0;
};

// `history` is register_history_of(key_ops), found not linearizable within `limits`. Shrinking
// spends at most `max_shrink_steps` search steps.
Counterexample explain_violation(std::span<const KvOp* const> key_ops,
                                 const RegisterHistory& history, const SearchLimits& limits,
                                 std::uint64_t max_shrink_steps);

}  // namespace keel::sim
