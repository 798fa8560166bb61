// The sequential specification the linearizability checker holds a KV history against: one key is
// an independent register that holds a value or nothing (Porcupine's model shape: an initial
// state and a step function that accepts or rejects an operation with its answer).
//
//   get     answers the current value (missing: nothing);
//   put     sets the value;
//   cas     succeeds iff the key holds exactly `expected` (a missing key never matches) and then
//           sets `value`; otherwise it changes nothing;
//   delete  removes the key; it answers whether the key existed.
//
// An operation with an unknown outcome has no answer to check: the step accepts it from every
// state, and the state change follows from the state (a cas writes iff the key holds `expected`).
//
// Values are interned per key (ValueId), so a state is one integer and comparing states is cheap.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/env/types.h"
#include "sim/checkers/kv_history.h"

namespace keel::sim {

using ValueId = std::int32_t;
inline constexpr ValueId kMissing = 0;  // the key holds nothing: the initial state

// One operation of one key's history, in interned form.
struct RegisterOp {
  enum class Kind : std::uint8_t { kGet, kPut, kCas, kDelete };

  Kind kind = Kind::kGet;
  bool known = true;       // a definite answer (KvOp::Outcome::kOk); false: the outcome is unknown
  bool succeeded = false;  // known cas: it swapped; known delete: the key existed
  ValueId value = kMissing;     // put, cas: the value written; known get: the value read
  ValueId expected = kMissing;  // cas: the value the key must hold
  Time invoked{};
  Time
      completed{};  // Time::max() when the outcome is unknown: it may take effect at any later time
  std::size_t source = 0;  // the operation's index in the list the history was built from
};

// One key's history in the model's terms.
struct RegisterHistory {
  std::vector<RegisterOp> ops;
  std::vector<std::string> values;  // ValueId -> its text; values[kMissing] names "nothing"
};

// Builds one key's history from its operations (all of one key, in any order). Refused operations
// never took effect and unknown gets changed nothing, so both are dropped: they constrain nothing.
RegisterHistory register_history_of(std::span<const KvOp* const> ops);

// The operations at `keep` (indices into history.ops, ascending), with the same value table.
RegisterHistory subset_of(const RegisterHistory& history, std::span<const std::size_t> keep);

// The state after `op` takes effect on `state`, or nullopt if its answer is impossible there.
std::optional<ValueId> step(ValueId state, const RegisterOp& op);

// Why step(state, op) rejects `op`, in words ("it read v1 while the key holds v2"); empty if it
// accepts it.
std::string rejection(ValueId state, const RegisterOp& op, const RegisterHistory& history);

}  // namespace keel::sim
