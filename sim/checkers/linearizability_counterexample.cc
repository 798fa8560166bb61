#include "sim/checkers/linearizability_counterexample.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "sim/checkers/delta_debugging.h"

namespace keel::sim {
namespace {

bool is(const RegisterOp& op, RegisterOp::Kind kind) { return op.kind == kind; }

// Whether an operation may have changed the key: a put, or a cas or delete unless its definite
// answer says it did not.
bool may_write(const RegisterOp& op) {
  if (is(op, RegisterOp::Kind::kGet)) return false;
  return is(op, RegisterOp::Kind::kPut) || !op.known || op.succeeded;
}

// The value an operation's answer says the key held, which some operation must have written: a
// known get's value, the expected value of a cas that swapped or may have (an unknown cas takes
// effect only by swapping; see register_model.h).
std::optional<ValueId> observed_value(const RegisterOp& op) {
  if (is(op, RegisterOp::Kind::kGet) && op.known && op.value != kMissing) return op.value;
  if (is(op, RegisterOp::Kind::kCas) && (!op.known || op.succeeded)) return op.expected;
  return std::nullopt;
}

// Whether an operation's definite answer says something else of the key: that it held nothing (a
// get of nothing, a delete that found nothing), that it held something (a delete that deleted),
// or that it did not hold a cas's expected value.
bool observes_otherwise(const RegisterOp& op) {
  if (!op.known) return false;
  switch (op.kind) {
    case RegisterOp::Kind::kGet:
      return op.value == kMissing;
    case RegisterOp::Kind::kCas:
      return !op.succeeded;
    case RegisterOp::Kind::kDelete:
      return true;
    case RegisterOp::Kind::kPut:
      return false;
  }
  KEEL_UNREACHABLE("unknown register op kind");
}

// The value an operation wrote or may have written (a cas known not to have swapped wrote none).
std::optional<ValueId> written_value(const RegisterOp& op) {
  if (is(op, RegisterOp::Kind::kDelete) || !may_write(op)) return std::nullopt;
  return op.value;
}

// The shrinking tries subsets closed under the rule below, so that a failing one shows that the
// whole history fails (see the header). Take a linearization of the whole history in which every
// unknown operation that changes nothing (a cas that does not swap, a delete of nothing) is moved
// to the end, where it may go, having no completion (linearization_search.h), and then dropped: an
// unknown cas left in it swapped. Keep only a subset's operations in that order. Each kept
// operation still sees the state that the last write before it in that order left, as long as that
// write is kept too; a subset that keeps, for each of its operations that observed the key, every
// write that may be that last one is therefore linearizable whenever the whole history is. The
// writes kept for an operation:
// - one that observed a value (observed_value): that value's writers (the workloads write each
//   value once); none if nothing in the history writes it;
// - one that observed something else (observes_otherwise): every write that may be linearized
//   before it and is not certainly followed by another write that is (invoked after the first
//   completed, completed before the operation was invoked).
// Without the second rule, a cas that rightly found the key changed would be shown failing next to
// the write it expected, the write that changed the key dropped.
class SoundSubsets {
 public:
  explicit SoundSubsets(const RegisterHistory& history)
      : history_(history), writers_(history.values.size()) {
    const auto& ops = history.ops;
    // Known writes by completion time, each with the latest invocation among it and those
    // completed before it; unknown writes (never completed) by invocation time.
    std::vector<std::size_t> known_writes;
    Duration longest{};  // of a known write
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (const auto value = written_value(ops[i])) writers_[*value].push_back(i);
      if (!may_write(ops[i])) continue;
      if (ops[i].known) {
        known_writes.push_back(i);
        longest = std::max(longest, ops[i].completed - ops[i].invoked);
      } else {
        unknown_writes_.push_back(i);
      }
    }
    const auto completed = [&](std::size_t i) { return ops[i].completed; };
    std::ranges::sort(known_writes, {}, completed);
    std::ranges::sort(unknown_writes_, {}, [&](std::size_t i) { return ops[i].invoked; });
    std::vector<Time> latest_invoked;
    for (const std::size_t w : known_writes) {
      latest_invoked.push_back(latest_invoked.empty()
                                   ? ops[w].invoked
                                   : std::max(latest_invoked.back(), ops[w].invoked));
    }
    known_needed_.resize(ops.size());
    unknown_needed_.resize(ops.size(), 0);
    for (std::size_t o = 0; o < ops.size(); ++o) {
      if (!observes_otherwise(ops[o])) continue;
      // The known writes completed before `o` was invoked are known_writes[0 .. done); the latest
      // of them to be invoked certainly follows every write completed before that invocation,
      // so the candidates are those completed at or after it (from `first` on) and invoked by
      // the time `o` completed (none completed past that by more than the longest known write).
      const auto done = std::ranges::lower_bound(known_writes, ops[o].invoked, {}, completed);
      const auto first =
          done == known_writes.begin()
              ? done
              : std::ranges::lower_bound(
                    known_writes, latest_invoked[done - known_writes.begin() - 1], {}, completed);
      for (auto w = first;
           w != known_writes.end() && ops[*w].completed <= ops[o].completed + longest; ++w) {
        if (*w != o && ops[*w].invoked <= ops[o].completed) known_needed_[o].push_back(*w);
      }
      // An unknown write may take effect at any time after its invocation: every one invoked by
      // then, unknown_writes_[0 .. n), may be the last before `o`.
      unknown_needed_[o] = static_cast<std::size_t>(
          std::ranges::upper_bound(unknown_writes_, ops[o].completed, {},
                                   [&](std::size_t i) { return ops[i].invoked; }) -
          unknown_writes_.begin());
    }
  }

  // `subset` and every write its operations need kept, theirs in turn, and so on; ascending.
  std::vector<std::size_t> close(std::span<const std::size_t> subset) const {
    std::vector<bool> kept(history_.ops.size(), false);
    std::vector<std::size_t> pending;
    const auto keep = [&](std::size_t i) {
      if (!kept[i]) {
        kept[i] = true;
        pending.push_back(i);
      }
    };
    for (const std::size_t i : subset) keep(i);
    std::size_t unknown_kept = 0;  // unknown_writes_[0 .. unknown_kept) are kept
    while (!pending.empty()) {
      const std::size_t i = pending.back();
      pending.pop_back();
      if (const auto value = observed_value(history_.ops[i])) {
        for (const std::size_t w : writers_[*value]) keep(w);
      }
      for (const std::size_t w : known_needed_[i]) keep(w);
      for (; unknown_kept < unknown_needed_[i]; ++unknown_kept) keep(unknown_writes_[unknown_kept]);
    }
    std::vector<std::size_t> closed;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (kept[i]) closed.push_back(i);
    }
    return closed;
  }

 private:
  const RegisterHistory& history_;
  std::vector<std::vector<std::size_t>> writers_;  // by value
  std::vector<std::size_t> unknown_writes_;        // by invocation time
  // By operation: the known writes it needs kept, and how many of the first unknown writes.
  std::vector<std::vector<std::size_t>> known_needed_;
  std::vector<std::size_t> unknown_needed_;
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
  const SoundSubsets sound(history);
  // Whether the operations at `ops` (ascending) are not linearizable, within what is left of the
  // shrinking's budget.
  const auto trial = [&](std::span<const std::size_t> ops) {
    SearchLimits trial_limits = limits;
    // A search may pass its step limit a little (it counts the steps of a whole check), so what
    // is left of the budget saturates at 0, where a trial gives up at once.
    const std::uint64_t left =
        out.shrink_steps >= max_shrink_steps ? 0 : max_shrink_steps - out.shrink_steps;
    trial_limits.max_steps = std::min(limits.max_steps, left);
    const SearchResult found = search_linearization(subset_of(history, ops), trial_limits, false);
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
  };
  // First the operations whose closure fails: dropping an operation drops the writes only it
  // needed, so whole groups go at once.
  const ShrinkResult generators = shrink_failing(
      history.ops.size(),
      [&](std::span<const std::size_t> subset) { return trial(sound.close(subset)); });
  // Then that closure, one operation at a time while it stays closed: an operation kept above
  // only for the writes it pulled in goes if another's need keeps them.
  const std::vector<std::size_t> closure = sound.close(generators.items);
  std::vector<std::size_t> ops;
  const ShrinkResult shrunk =
      shrink_failing(closure.size(), [&](std::span<const std::size_t> positions) {
        ops.clear();
        for (const std::size_t p : positions) ops.push_back(closure[p]);
        return sound.close(ops) == ops ? trial(ops) : Trial::kPasses;
      });
  std::vector<std::size_t> shown;
  for (const std::size_t p : shrunk.items) shown.push_back(closure[p]);
  const RegisterHistory smallest = subset_of(history, shown);
  // The search is deterministic: the subset failed within these limits before, so it fails again.
  const SearchResult found = search_linearization(smallest, limits, /*explain_failure=*/true);
  KEEL_ASSERT(found.outcome == SearchResult::Outcome::kNotLinearizable,
              "the shrunk history no longer fails");
  for (const std::size_t i : shown) out.ops.push_back(*key_ops[history.ops[i].source]);
  out.minimal = shrunk.one_minimal;
  out.explanation = explain(smallest, found.failure, key_ops);
  return out;
}

}  // namespace keel::sim
