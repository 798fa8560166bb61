// Decides whether one key's history is linearizable (Herlihy & Wing 1990): whether its operations
// can be put in one order, each taking effect at an instant between its invocation and its
// completion, that the register model (register_model.h) accepts.
//
// The search is Wing & Gong's ("Testing and verifying concurrent objects", 1993) with Lowe's memo
// (linearization_memo.h), in the shape Porcupine's checker.go gives it: the invocations and
// completions in time order in a doubly-linked list; an invocation whose operation the model
// accepts is linearized and lifted out of the list with its completion; reaching a completion whose
// operation is not linearized yet means the last choice was wrong, so the search backtracks. An
// invocation and a completion at the same instant count as concurrent (Porcupine: calls sort before
// returns).
//
// Unknown outcomes have no completion (an unbounded completion time): they may take effect at any
// instant after their invocation, or never, which is the same as at the very end (the model accepts
// them from any state). They wait in groups of interchangeable operations (unknown_op_groups.h), of
// which only the earliest not yet linearized is tried. A configuration tries its known operations
// first, and then the unknown ones invoked by the first pending completion, so configurations with
// fewer unknown operations fail first and then cover those with more (the memo's subset rule).
//
// The search stops once every known operation is linearized, and it only builds canonical
// linearizations, in which an unknown operation
//   - never changes nothing (a cas that does not match, a delete of a missing key), and
//   - is never followed at once by an overwrite (a put, or a delete with an unknown outcome), which
//     would erase its effect before anything observed it.
// The verdict stays exact: any linearization becomes canonical by dropping (deferring to the end)
// such unknown operations one at a time; the overwrite accepts any state and leaves the same one,
// and unknown operations constrain no real-time order. So an unknown operation is only tried when
// an operation allowed right after it would accept the state it leaves.
//
// The search is bounded in steps and in memo memory; past either bound it gives up (kGaveUp), which
// is no verdict at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/checkers/register_model.h"

namespace keel::sim {

struct SearchLimits {
  std::uint64_t max_steps = 10'000'000;    // list entries visited
  std::size_t max_memo_bytes = 256 << 20;  // memo memory
};

// Why a history is not linearizable, from the deepest point the search reached (the most known
// operations linearized): the sequence it had linearized, and the operation whose completion then
// came with no way to place it.
struct LinearizationFailure {
  std::vector<std::size_t> longest_prefix;  // indices into history.ops, in linearization order
  ValueId state_after_prefix = kMissing;
  std::size_t unplaceable = 0;  // index into history.ops
};

struct SearchResult {
  enum class Outcome : std::uint8_t { kLinearizable, kNotLinearizable, kGaveUp };
  Outcome outcome = Outcome::kLinearizable;
  std::uint64_t steps = 0;
  std::size_t memo_bytes = 0;
  std::string gave_up_reason;  // kGaveUp: which limit was reached
  // kLinearizable: the order found, indices into history.ops: every known operation, and the
  // unknown ones that took effect before the last known one.
  std::vector<std::size_t> linearization;
  LinearizationFailure failure;  // kNotLinearizable with explain_failure
};

// `explain_failure` records the deepest point reached (costly on long histories: meant for the
// small history a violation has been shrunk to).
SearchResult search_linearization(const RegisterHistory& history, const SearchLimits& limits,
                                  bool explain_failure);

}  // namespace keel::sim
