#include "sim/checkers/linearization_search.h"

#include <algorithm>
#include <span>
#include <tuple>

#include "core/env/assert.h"
#include "core/env/random.h"
#include "core/env/str.h"
#include "sim/checkers/dancing_list.h"
#include "sim/checkers/known_set.h"
#include "sim/checkers/linearization_memo.h"
#include "sim/checkers/unknown_op_groups.h"

namespace keel::sim {
namespace {

using Node = DancingList::Node;
constexpr Node kHead = DancingList::kHead;

class Bitset {
 public:
  explicit Bitset(std::size_t bits) : words_((bits + 63) / 64, 0) {}
  void toggle(std::size_t bit) { words_[bit / 64] ^= std::uint64_t{1} << (bit % 64); }
  std::span<const std::uint64_t> words() const { return words_; }

 private:
  std::vector<std::uint64_t> words_;
};

// Operations are numbered within their class (known or unknown) by `rank`. In the list of known
// events, known operation r's invocation is node 1 + 2r and its completion 2 + 2r.
Node invocation_node(std::uint32_t rank) { return 1 + 2 * rank; }
Node completion_node(std::uint32_t rank) { return 2 + 2 * rank; }
std::uint32_t rank_of_event(Node node) { return (node - 1) / 2; }
bool is_invocation(Node node) { return node % 2 == 1; }

// An operation whose effect does not depend on the state and that observes nothing: it erases any
// effect before it unobserved (see header).
bool overwrites(const RegisterOp& op) {
  return op.kind == RegisterOp::Kind::kPut || (op.kind == RegisterOp::Kind::kDelete && !op.known);
}

// Where a configuration's scan stands: its known operations first, then, past the first pending
// completion (the deadline), the unknown cas operations expecting the current state and the unknown
// overwrites, one group of interchangeable operations at a time (unknown_op_groups.h).
enum class Scan : std::uint8_t { kKnown, kUnknownCas, kUnknownOverwrites };

class Search {
 public:
  Search(const RegisterHistory& history, const SearchLimits& limits, bool explain_failure)
      : history_(history),
        limits_(limits),
        explain_failure_(explain_failure),
        rank_(history.ops.size()),
        known_ops_(ops_where(true)),
        unknown_ops_(ops_where(false)),
        known_events_(2 * known_ops_.size(), known_event_order()),
        unknown_groups_(history, unknown_ops_),
        known_set_(known_ops_.size()),
        unknown_set_(unknown_ops_.size()),
        memo_(unknown_set_.words().size()),
        known_left_(known_ops_.size()),
        node_(known_events_.first()) {}

  SearchResult run() {
    while (known_left_ > 0) {
      if (result_.steps >= limits_.max_steps) {
        give_up(str("search step limit of ", limits_.max_steps, " reached"));
        break;
      }
      ++result_.steps;
      if (scan_ == Scan::kKnown) {
        // A known operation is still listed, so a completion lies ahead before the list ends.
        KEEL_ASSERT(node_ != kHead, "end of the list with ", known_left_, " known ops left");
        if (!is_invocation(node_)) {
          // The first pending completion: only unknown operations invoked by then may still go
          // before it.
          deadline_op_ = known_ops_[rank_of_event(node_)];
          scan_ = Scan::kUnknownCas;
          position_ = 0;
        } else if (!try_linearize(known_ops_[rank_of_event(node_)])) {
          node_ = known_events_.next(node_);
        }
        continue;
      }
      if (scan_ == Scan::kUnknownCas) {
        const std::span<const std::uint32_t> groups = unknown_groups_.cas_groups_expecting(state_);
        if (position_ < groups.size()) {
          if (!try_group(groups[position_])) ++position_;
          continue;
        }
        // Right after an unknown operation, overwrites are not canonical (see header).
        if (!after_unknown()) {
          scan_ = Scan::kUnknownOverwrites;
          position_ = unknown_groups_.pending_overwrite_groups().first();
          continue;
        }
      } else if (position_ != kHead && invoked_by_deadline(unknown_groups_.first_invoked(
                                           static_cast<std::uint32_t>(position_ - 1)))) {
        if (!try_group(static_cast<std::uint32_t>(position_ - 1))) {
          position_ = unknown_groups_.pending_overwrite_groups().next(static_cast<Node>(position_));
        }
        continue;
      }
      // Nothing left to try before deadline_op_ completes: this configuration fails.
      if (explain_failure_) record_failure();
      memo_.add_failed(key_with(state_, after_unknown()), unknown_set_.words());
      if (memo_.bytes() > limits_.max_memo_bytes) {
        give_up(str("memo limit of ", limits_.max_memo_bytes, " bytes reached"));
        break;
      }
      if (stack_.empty()) {
        result_.outcome = SearchResult::Outcome::kNotLinearizable;
        break;
      }
      undo();
    }
    if (result_.outcome == SearchResult::Outcome::kLinearizable) {
      result_.linearization = stack_ops();
    }
    result_.memo_bytes = memo_.bytes();
    return std::move(result_);
  }

 private:
  struct Choice {
    std::size_t op;
    ValueId state_before;
    // Where the scan stood, for an unknown operation.
    std::size_t deadline_op;
    std::size_t position;
  };

  // The operations of one class, ranked in invocation order (known_set.h relies on it).
  std::vector<std::size_t> ops_where(bool known) {
    std::vector<std::size_t> ops;
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {
      if (history_.ops[i].known == known) ops.push_back(i);
    }
    std::stable_sort(ops.begin(), ops.end(), [&](std::size_t a, std::size_t b) {
      return history_.ops[a].invoked < history_.ops[b].invoked;
    });
    for (std::size_t r = 0; r < ops.size(); ++r) rank_[ops[r]] = static_cast<std::uint32_t>(r);
    return ops;
  }

  // Time order; at one instant invocations before completions (operations that touch are
  // concurrent, as in Porcupine), then by node for determinism.
  std::vector<Node> known_event_order() const {
    std::vector<std::tuple<Time, bool, Node>> events;
    for (std::uint32_t r = 0; r < known_ops_.size(); ++r) {
      const RegisterOp& op = history_.ops[known_ops_[r]];
      events.emplace_back(op.invoked, false, invocation_node(r));
      events.emplace_back(op.completed, true, completion_node(r));
    }
    std::sort(events.begin(), events.end());
    std::vector<Node> order;
    for (const auto& event : events) order.push_back(std::get<Node>(event));
    return order;
  }

  bool after_unknown() const { return !stack_.empty() && !history_.ops[stack_.back().op].known; }

  // Whether an invocation at `invoked` comes before deadline_op_ completes (one at that very
  // instant does: Porcupine sorts calls before returns).
  bool invoked_by_deadline(Time invoked) const {
    return invoked <= history_.ops[deadline_op_].completed;
  }

  // Tries the next operation of an unknown group, if it has one invoked by the deadline.
  bool try_group(std::uint32_t group) {
    const std::optional<std::uint32_t> next = unknown_groups_.next_of(group);
    return next && invoked_by_deadline(history_.ops[unknown_ops_[*next]].invoked) &&
           try_linearize(unknown_ops_[*next]);
  }

  // Whether an operation that may go right after an unknown one leaving `state` could observe it: a
  // known get, cas or delete whose answer holds in `state`, or a pending unknown cas expecting
  // `state` (of these, any at all: a cheap superset). Without one, no canonical sequence continues
  // (see header), so the unknown operation is not tried. Known entries looked at count as steps.
  bool observable(ValueId state) {
    if (unknown_groups_.any_pending_cas_expecting(state)) return true;
    for (Node node = known_events_.first(); is_invocation(node); node = known_events_.next(node)) {
      ++result_.steps;
      const RegisterOp& op = history_.ops[known_ops_[rank_of_event(node)]];
      if (op.kind != RegisterOp::Kind::kPut && step(state, op)) return true;
    }
    return false;
  }

  // The configuration reached with `state`, for the memo; its hash mixes the known set's with the
  // state.
  MemoKey key_with(ValueId state, bool last_unknown) const {
    const std::uint64_t state_hash =
        mix64(~static_cast<std::uint64_t>(static_cast<std::uint32_t>(state)));
    return MemoKey{known_set_.compact(), state, last_unknown, known_set_.hash() ^ state_hash};
  }

  void toggle(std::size_t op) {
    if (history_.ops[op].known) {
      known_set_.toggle(rank_[op]);
    } else {
      unknown_set_.toggle(rank_[op]);
    }
  }

  void lift(std::size_t op) {
    if (!history_.ops[op].known) {
      unknown_groups_.linearize(rank_[op]);
      return;
    }
    known_events_.remove(invocation_node(rank_[op]));
    known_events_.remove(completion_node(rank_[op]));
    --known_left_;
  }

  void unlift(std::size_t op) {
    if (!history_.ops[op].known) {
      unknown_groups_.unlinearize(rank_[op]);
      return;
    }
    known_events_.restore(completion_node(rank_[op]));
    known_events_.restore(invocation_node(rank_[op]));
    ++known_left_;
  }

  // Linearizes `op` next if the model accepts it, the sequence stays canonical (see header) and
  // the memo does not rule the result out; the scan then restarts from the first known event. An
  // unknown `op` comes as the next of its group, invoked by the deadline.
  bool try_linearize(std::size_t op) {
    const RegisterOp& candidate = history_.ops[op];
    const std::optional<ValueId> after = step(state_, candidate);
    if (!after) return false;
    if (!candidate.known && (*after == state_ || !observable(*after))) return false;
    if (overwrites(candidate) && after_unknown()) return false;
    toggle(op);
    if (memo_.covers(key_with(*after, !candidate.known), unknown_set_.words())) {
      toggle(op);
      return false;
    }
    stack_.push_back(Choice{op, state_, deadline_op_, position_});
    state_ = *after;
    lift(op);
    scan_ = Scan::kKnown;
    node_ = known_events_.first();
    return true;
  }

  // Backtracks the last choice; the scan resumes just past it.
  void undo() {
    const Choice undone = stack_.back();
    stack_.pop_back();
    toggle(undone.op);
    unlift(undone.op);
    state_ = undone.state_before;
    const RegisterOp& op = history_.ops[undone.op];
    if (op.known) {
      scan_ = Scan::kKnown;
      node_ = known_events_.next(invocation_node(rank_[undone.op]));
      return;
    }
    deadline_op_ = undone.deadline_op;
    if (overwrites(op)) {
      scan_ = Scan::kUnknownOverwrites;
      position_ =
          unknown_groups_.pending_overwrite_groups().next(static_cast<Node>(undone.position));
    } else {
      scan_ = Scan::kUnknownCas;
      position_ = undone.position + 1;
    }
  }

  // Keeps the first configuration that fails with the most known operations linearized. There the
  // model rejects deadline_op_ (linearization_counterexample.cc relies on it). Had the model
  // accepted it, the search would have gone one known operation deeper: from here, or, where the
  // canonical rule forbids it, from the configuration before the unknown operations last linearized
  // (same known set, tried first). Or it found the deeper configuration covered by one that failed
  // earlier, deeper still.
  void record_failure() {
    const std::size_t depth = known_ops_.size() - known_left_;
    if (failure_recorded_ && depth <= deepest_failure_) return;
    failure_recorded_ = true;
    deepest_failure_ = depth;
    result_.failure = LinearizationFailure{stack_ops(), state_, deadline_op_};
  }

  void give_up(std::string reason) {
    result_.outcome = SearchResult::Outcome::kGaveUp;
    result_.gave_up_reason = std::move(reason);
  }

  std::vector<std::size_t> stack_ops() const {
    std::vector<std::size_t> ops;
    ops.reserve(stack_.size());
    for (const Choice& choice : stack_) ops.push_back(choice.op);
    return ops;
  }

  const RegisterHistory& history_;
  const SearchLimits limits_;
  const bool explain_failure_;
  std::vector<std::uint32_t> rank_;             // per operation: its number within its class
  const std::vector<std::size_t> known_ops_;    // by rank
  const std::vector<std::size_t> unknown_ops_;  // by rank
  DancingList known_events_;  // invocations and completions of known operations not linearized
  UnknownOpGroups unknown_groups_;
  KnownSet known_set_;  // linearized known operations, by rank
  Bitset unknown_set_;  // linearized unknown operations, by rank
  LinearizationMemo memo_;
  std::vector<Choice> stack_;
  ValueId state_ = kMissing;
  std::size_t known_left_;
  // The scan: through known_events_ at node_, or, past the first pending completion
  // (deadline_op_'s), through the unknown groups at position_: an index into the cas groups
  // expecting the state, or a node of the pending overwrite groups.
  Scan scan_ = Scan::kKnown;
  Node node_;
  std::size_t deadline_op_ = 0;
  std::size_t position_ = 0;
  bool failure_recorded_ = false;
  std::size_t deepest_failure_ = 0;
  SearchResult result_;
};

}  // namespace

SearchResult search_linearization(const RegisterHistory& history, const SearchLimits& limits,
                                  bool explain_failure) {
  return Search(history, limits, explain_failure).run();
}

}  // namespace keel::sim
