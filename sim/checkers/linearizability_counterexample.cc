#include "sim/checkers/linearizability_counterexample.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "sim/checkers/delta_debugging.h"

namespace keel::sim {
namespace {

// The value an operation's definite answer says the key held, which someone must have written.
std::optional<ValueId> observed_value(const RegisterOp& op) {
  if (!op.known) return std::nullopt;
  if (op.kind == RegisterOp::Kind::kGet && op.value != kMissing) return op.value;
  if (op.kind == RegisterOp::Kind::kCas && op.succeeded) return op.expected;
  return std::nullopt;
}

std::optional<ValueId> written_value(const RegisterOp& op) {
  if (op.kind == RegisterOp::Kind::kPut || op.kind == RegisterOp::Kind::kCas) return op.value;
  return std::nullopt;
}

// A subset keeps, for every value a kept operation observed, one of the value's writers, if the
// whole history has one (see header).
class WritersKept {
 public:
  explicit WritersKept(const RegisterHistory& history)
      : history_(history), written_anywhere_(history.values.size(), false) {
    for (const RegisterOp& op : history.ops) {
      if (const auto value = written_value(op)) written_anywhere_[*value] = true;
    }
  }

  bool in(std::span<const std::size_t> subset) const {
    std::vector<bool> written(history_.values.size(), false);
    for (const std::size_t i : subset) {
      if (const auto value = written_value(history_.ops[i])) written[*value] = true;
    }
    return std::ranges::all_of(subset, [&](std::size_t i) {
      const auto value = observed_value(history_.ops[i]);
      return !value || !written_anywhere_[*value] || written[*value];
    });
  }

 private:
  const RegisterHistory& history_;
  std::vector<bool> written_anywhere_;
};

std::string explain(const RegisterHistory& history, const LinearizationFailure& failure,
                    std::span<const KvOp* const> key_ops) {
  auto id_of = [&](std::size_t i) { return key_ops[history.ops[i].source]->id; };
  const RegisterOp& unplaceable = history.ops[failure.unplaceable];
  // The search records its deepest failure at an operation the model rejects
  // (Search::record_failure).
  const std::string reason = rejection(failure.state_after_prefix, unplaceable, history);
  KEEL_ASSERT(!reason.empty(), "the deepest point of a failed search accepts #",
              id_of(failure.unplaceable));
  if (failure.longest_prefix.empty()) {
    return str("No operation can take effect before #", id_of(failure.unplaceable),
               " completes, and it cannot take effect first: ", reason, ".");
  }
  std::string prefix;
  for (const std::size_t i : failure.longest_prefix) {
    prefix += str(prefix.empty() ? "" : ", ", "#", id_of(i));
  }
  return str("The longest linearizable prefix found is ", failure.longest_prefix.size(), " of ",
             history.ops.size(), " operations (", prefix, "); then #", id_of(failure.unplaceable),
             " must take effect before it completes, but ", reason, ".");
}

}  // namespace

Counterexample explain_violation(std::span<const KvOp* const> key_ops,
                                 const RegisterHistory& history, const SearchLimits& limits,
                                 std::uint64_t max_shrink_steps) {
  Counterexample out;
  const WritersKept writers_kept(history);
  const ShrinkResult shrunk =
      shrink_failing(history.ops.size(), [&](std::span<const std::size_t> subset) {
        if (!writers_kept.in(subset)) return Trial::kPasses;
        SearchLimits trial_limits = limits;
        trial_limits.max_steps = std::min(limits.max_steps, max_shrink_steps - out.shrink_steps);
        const SearchResult found =
            search_linearization(subset_of(history, subset), trial_limits, false);
        out.shrink_steps += found.steps;
        switch (found.outcome) {
          case SearchResult::Outcome::kNotLinearizable:
            return Trial::kFails;
          case SearchResult::Outcome::kLinearizable:
            return Trial::kPasses;
          case SearchResult::Outcome::kGaveUp:
            return Trial::kGaveUp;
        }
        KEEL_UNREACHABLE("unknown search outcome");
      });

  const RegisterHistory smallest = subset_of(history, shrunk.items);
  // The search is deterministic: the subset failed within these limits before, so it fails again.
  const SearchResult found = search_linearization(smallest, limits, /*explain_failure=*/true);
  KEEL_ASSERT(found.outcome == SearchResult::Outcome::kNotLinearizable,
              "the shrunk history no longer fails");
  for (const std::size_t i : shrunk.items) out.ops.push_back(*key_ops[history.ops[i].source]);
  out.minimal = shrunk.one_minimal;
  out.explanation = explain(smallest, found.failure, key_ops);
  return out;
}

}  // namespace keel::sim
