#include "sim/checkers/linearization_search.h"

#include <algorithm>
#include <limits>
#include <span>
#include <tuple>

#include "core/env/assert.h"
#include "core/env/random.h"
#include "core/env/str.h"
#include "sim/checkers/linearization_memo.h"

namespace keel::sim {
namespace {

using Node = std::uint32_t;
constexpr Node kHead = 0;

// Nodes 1..n in a given order, doubly linked and circular through the head 0. Removing a node keeps
// its own links, so restoring nodes in the reverse order of their removal rebuilds the list exactly
// (Knuth's dancing links; Porcupine's lift and unlift).
class DancingList {
 public:
  DancingList(std::size_t nodes, std::span<const Node> order) : next_(nodes + 1), prev_(nodes + 1) {
    KEEL_ASSERT(nodes < std::numeric_limits<Node>::max(), "too many list nodes: ", nodes);
    Node last = kHead;
    for (const Node node : order) {
      next_[last] = node;
      prev_[node] = last;
      last = node;
    }
    next_[last] = kHead;
    prev_[kHead] = last;
  }

  Node first() const { return next_[kHead]; }
  Node next(Node node) const { return next_[node]; }
  void remove(Node node) {
    next_[prev_[node]] = next_[node];
    prev_[next_[node]] = prev_[node];
  }
  void restore(Node node) {
    next_[prev_[node]] = node;
    prev_[next_[node]] = node;
  }

 private:
  std::vector<Node> next_;
  std::vector<Node> prev_;
};

class Bitset {
 public:
  explicit Bitset(std::size_t bits) : words_((bits + 63) / 64, 0) {}
  void toggle(std::size_t bit) { words_[bit / 64] ^= std::uint64_t{1} << (bit % 64); }
  std::span<const std::uint64_t> words() const { return words_; }

 private:
  std::vector<std::uint64_t> words_;
};

// Operations are numbered within their class (known or unknown) by `rank`. In the known list,
// known operation r's invocation is node 1 + 2r and its completion 2 + 2r; in the unknown list,
// unknown operation r's invocation is node 1 + r.
Node invocation_node(std::uint32_t rank) { return 1 + 2 * rank; }
Node completion_node(std::uint32_t rank) { return 2 + 2 * rank; }
std::uint32_t rank_of_event(Node node) { return (node - 1) / 2; }
bool is_invocation(Node node) { return node % 2 == 1; }

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
        unknown_invocations_(unknown_ops_.size(), unknown_invocation_order()),
        known_set_(known_ops_.size()),
        unknown_set_(unknown_ops_.size()),
        memo_(known_set_.words().size(), unknown_set_.words().size()),
        known_left_(known_ops_.size()),
        node_(known_events_.first()) {}

  SearchResult run() {
    while (known_left_ > 0) {
      if (result_.steps == limits_.max_steps) {
        give_up(str("search step limit of ", limits_.max_steps, " reached"));
        break;
      }
      ++result_.steps;
      if (scanning_known_) {
        // A known operation is still listed, so a completion lies ahead before the list ends.
        KEEL_ASSERT(node_ != kHead, "end of the list with ", known_left_, " known ops left");
        if (!is_invocation(node_)) {
          // The first pending completion: only unknown operations invoked by then may still go
          // before it.
          deadline_op_ = known_ops_[rank_of_event(node_)];
          scanning_known_ = false;
          node_ = unknown_invocations_.first();
        } else if (!try_linearize(known_ops_[rank_of_event(node_)])) {
          node_ = known_events_.next(node_);
        }
        continue;
      }
      if (node_ != kHead &&
          history_.ops[unknown_ops_[node_ - 1]].invoked <= history_.ops[deadline_op_].completed) {
        if (!try_linearize(unknown_ops_[node_ - 1])) node_ = unknown_invocations_.next(node_);
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
    if (result_.outcome == SearchResult::Outcome::kLinearizable)
      result_.linearization = stack_ops();
    result_.memo_bytes = memo_.bytes();
    return std::move(result_);
  }

 private:
  struct Choice {
    std::size_t op;
    ValueId state_before;
    std::size_t deadline_op;  // where the scan stood, for an unknown operation
  };

  std::vector<std::size_t> ops_where(bool known) {
    std::vector<std::size_t> ops;
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {
      if (history_.ops[i].known != known) continue;
      rank_[i] = static_cast<std::uint32_t>(ops.size());
      ops.push_back(i);
    }
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

  std::vector<Node> unknown_invocation_order() const {
    std::vector<std::pair<Time, Node>> invocations;
    for (std::uint32_t r = 0; r < unknown_ops_.size(); ++r) {
      invocations.emplace_back(history_.ops[unknown_ops_[r]].invoked, r + 1);
    }
    std::sort(invocations.begin(), invocations.end());
    std::vector<Node> order;
    for (const auto& invocation : invocations) order.push_back(invocation.second);
    return order;
  }

  bool after_unknown() const { return !stack_.empty() && !history_.ops[stack_.back().op].known; }

  // The configuration reached with `state`, for the memo. Its hash of (known set, state) is the
  // known set's Zobrist hash (the XOR of a fixed random word per member, kept up to date on every
  // change) mixed with the state.
  MemoKey key_with(ValueId state, bool last_unknown) const {
    const std::uint64_t state_hash =
        mix64(~static_cast<std::uint64_t>(static_cast<std::uint32_t>(state)));
    return MemoKey{known_set_.words(), state, last_unknown, known_hash_ ^ state_hash};
  }

  void toggle(std::size_t op) {
    if (history_.ops[op].known) {
      known_set_.toggle(rank_[op]);
      known_hash_ ^= mix64(rank_[op] + 1);
    } else {
      unknown_set_.toggle(rank_[op]);
    }
  }

  void lift(std::size_t op) {
    if (history_.ops[op].known) {
      known_events_.remove(invocation_node(rank_[op]));
      known_events_.remove(completion_node(rank_[op]));
      --known_left_;
    } else {
      unknown_invocations_.remove(rank_[op] + 1);
    }
  }

  void unlift(std::size_t op) {
    if (history_.ops[op].known) {
      known_events_.restore(completion_node(rank_[op]));
      known_events_.restore(invocation_node(rank_[op]));
      ++known_left_;
    } else {
      unknown_invocations_.restore(rank_[op] + 1);
    }
  }

  // Linearizes `op` next if the model accepts it, the sequence stays canonical (see header) and
  // the memo does not rule the result out; the scan then restarts from the first known event.
  bool try_linearize(std::size_t op) {
    const RegisterOp& candidate = history_.ops[op];
    const std::optional<ValueId> after = step(state_, candidate);
    if (!after) return false;
    if (!candidate.known && *after == state_) return false;
    const bool overwrites = candidate.kind == RegisterOp::Kind::kPut ||
                            (candidate.kind == RegisterOp::Kind::kDelete && !candidate.known);
    if (overwrites && after_unknown()) return false;
    toggle(op);
    if (memo_.covers(key_with(*after, !candidate.known), unknown_set_.words())) {
      toggle(op);
      return false;
    }
    stack_.push_back(Choice{op, state_, deadline_op_});
    state_ = *after;
    lift(op);
    scanning_known_ = true;
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
    scanning_known_ = history_.ops[undone.op].known;
    if (scanning_known_) {
      node_ = known_events_.next(invocation_node(rank_[undone.op]));
    } else {
      deadline_op_ = undone.deadline_op;
      node_ = unknown_invocations_.next(rank_[undone.op] + 1);
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
  DancingList known_events_;                    // invocations and completions of known operations
  DancingList unknown_invocations_;             // invocations of unknown operations
  Bitset known_set_;                            // linearized known operations, by rank
  Bitset unknown_set_;                          // linearized unknown operations, by rank
  std::uint64_t known_hash_ = 0;
  LinearizationMemo memo_;
  std::vector<Choice> stack_;
  ValueId state_ = kMissing;
  std::size_t known_left_;
  // The scan: through known_events_, or, past the first pending completion (deadline_op_'s),
  // through unknown_invocations_.
  bool scanning_known_ = true;
  Node node_;
  std::size_t deadline_op_ = 0;
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
