// The linearizability checker: hand-made histories it must reject (each a classic anomaly) and
// accept (concurrency, unknown and refused outcomes), its limits, the size of the counterexample it
// shrinks a violation to, and properties over histories generated from a real atomic register.
#include "sim/checkers/linearizability.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "core/env/str.h"
#include "sim/checkers/atomic_register_history.h"
#include "sim/checkers/linearization_search.h"
#include "sim/checkers/register_model.h"

namespace keel::sim {
namespace {

using Verdict = LinearizabilityResult::Verdict;

// Builds a history on key "x" with times in milliseconds; ids are 1, 2, 3... in order of adding.
// Modifiers (on, unknown, refused) change the last operation added.
class History {
 public:
  History& get(int client, int from, int to, std::optional<std::string> read) {
    add(KvOp::Kind::kGet, client, from, to).read = std::move(read);
    return *this;
  }
  History& put(int client, int from, int to, std::string value) {
    add(KvOp::Kind::kPut, client, from, to).value = std::move(value);
    return *this;
  }
  History& cas(int client, int from, int to, std::string expected, std::string value,
               bool swapped) {
    KvOp& op = add(KvOp::Kind::kCas, client, from, to);
    op.expected = std::move(expected);
    op.value = std::move(value);
    op.cas_succeeded = swapped;
    return *this;
  }
  History& del(int client, int from, int to, bool deleted) {
    add(KvOp::Kind::kDelete, client, from, to).deleted = deleted;
    return *this;
  }
  History& on(std::string key) {
    ops_.back().key = std::move(key);
    return *this;
  }
  History& unknown() {
    ops_.back().outcome = KvOp::Outcome::kUnknown;
    return *this;
  }
  History& refused() {
    ops_.back().outcome = KvOp::Outcome::kFailed;
    return *this;
  }
  const KvHistory& ops() const { return ops_; }

 private:
  KvOp& add(KvOp::Kind kind, int client, int from, int to) {
    KvOp& op = ops_.emplace_back();
    op.id = ops_.size();
    op.client = client;
    op.kind = kind;
    op.key = kDefaultKey;
    op.invoked = Time{} + std::chrono::milliseconds(from);
    op.completed = Time{} + std::chrono::milliseconds(to);
    op.outcome = KvOp::Outcome::kOk;
    return op;
  }
  const std::string kDefaultKey = "x";  // copied, not assigned from a literal: g++ 12 -Wrestrict
  KvHistory ops_;
};

LinearizabilityResult check(const KvHistory& history, const LinearizabilityOptions& options = {}) {
  Result<LinearizabilityResult> result = check_linearizable(history, options);
  EXPECT_TRUE(result.has_value()) << result.error().message;
  return result.value_or(LinearizabilityResult{});
}

std::vector<std::uint64_t> ids_of(const KvHistory& ops) {
  std::vector<std::uint64_t> ids;
  for (const KvOp& op : ops) ids.push_back(op.id);
  return ids;
}

// A violation on key "x" whose minimal failing set is exactly `ids`.
void expect_violation(const History& history, std::vector<std::uint64_t> ids) {
  const LinearizabilityResult result = check(history.ops());
  ASSERT_EQ(result.verdict, Verdict::kViolation) << describe(result);
  EXPECT_EQ(result.key, "x");
  EXPECT_EQ(ids_of(result.failing_ops), ids) << describe(result);
  EXPECT_TRUE(result.failing_ops_minimal);
  EXPECT_FALSE(result.explanation.empty());
}

void expect_ok(const History& history) {
  const LinearizabilityResult result = check(history.ops());
  EXPECT_EQ(result.verdict, Verdict::kOk) << describe(result);
}

// --- Histories that must be rejected.

TEST(LinearizabilityRejects, StaleReadAfterCompletedWrite) {
  History h;
  h.put(1, 0, 1, "a").put(1, 2, 3, "b").get(2, 4, 5, "a");
  expect_violation(h, {1, 2, 3});
  const LinearizabilityResult result = check(h.ops());
  EXPECT_NE(result.explanation.find("#3 must take effect"), std::string::npos)
      << result.explanation;
  EXPECT_NE(result.explanation.find("it read \"a\" while the key holds \"b\""), std::string::npos)
      << result.explanation;
}

TEST(LinearizabilityRejects, ReadOfAValueNeverWritten) {
  History h;
  h.put(1, 0, 1, "a").get(2, 2, 3, "ghost");
  expect_violation(h, {2});
}

TEST(LinearizabilityRejects, LostAcknowledgedWrite) {
  History h;
  h.put(1, 0, 1, "a").get(2, 2, 3, std::nullopt);
  expect_violation(h, {1, 2});
}

TEST(LinearizabilityRejects, CasSwappedAfterACompletedPutChangedTheValue) {
  History h;
  h.put(1, 0, 1, "a").put(2, 2, 3, "b").cas(3, 4, 5, "a", "c", true);
  expect_violation(h, {1, 2, 3});
}

TEST(LinearizabilityRejects, RealTimeOrderBetweenTwoClients) {
  // Client 1's read completed before client 2's write was invoked, yet it saw the write.
  History h;
  h.get(1, 0, 1, "a").put(2, 2, 3, "a");
  expect_violation(h, {1, 2});
}

TEST(LinearizabilityRejects, DeleteFoundMissingAfterACompletedPut) {
  History h;
  h.put(1, 0, 1, "a").del(2, 2, 3, false);
  expect_violation(h, {1, 2});
}

TEST(LinearizabilityRejects, DeleteOfAKeyNeverWritten) {
  History h;
  h.del(1, 0, 1, true);
  expect_violation(h, {1});
}

TEST(LinearizabilityRejects, CasNotSwappedWhileTheKeyHeldItsExpectedValue) {
  History h;
  h.put(1, 0, 1, "a").cas(2, 2, 3, "a", "b", false);
  expect_violation(h, {1, 2});
}

// The failing set shown must fail because the whole history does: dropping a write can make an
// answer that was right in the whole history wrong in a subset. Here #3's CAS rightly found "b"
// rather than "a", but without #2 it would look wrong; the stale read #4 is the violation.
TEST(LinearizabilityRejects, AnUnswappedCasIsShownOnlyWithTheWritesThatCouldHaveMadeItFail) {
  History h;
  h.put(1, 0, 1, "a").put(2, 2, 3, "b").cas(1, 4, 5, "a", "c", false).get(3, 6, 7, "a");
  expect_violation(h, {1, 2, 4});
}

// Likewise for an answer that found the key missing: #3 rightly found nothing after #2's delete.
TEST(LinearizabilityRejects, AMissingReadIsShownOnlyWithTheWritesThatCouldHaveEmptiedTheKey) {
  History h;
  h.put(1, 0, 1, "a").del(2, 2, 3, true).get(1, 4, 5, std::nullopt).get(3, 6, 7, "a");
  expect_violation(h, {1, 2, 4});
}

TEST(LinearizabilityRejects, UnknownWriteSeenAndThenUndone) {
  // An unknown write takes effect once or never: it cannot be seen and then be gone again.
  History h;
  h.put(1, 0, 1, "a").put(1, 2, 3, "b").unknown().get(2, 4, 5, "b").get(2, 6, 7, "a");
  expect_violation(h, {1, 2, 3, 4});
}

TEST(LinearizabilityRejects, ViolationOnOneKeyAmongGoodKeys) {
  History h;
  h.put(1, 0, 1, "a").on("k1").get(2, 2, 3, "a").on("k1");
  h.put(1, 4, 5, "b").on("k2").get(2, 6, 7, std::nullopt).on("k2");
  h.put(1, 8, 9, "c").on("k3");
  const LinearizabilityResult result = check(h.ops());
  ASSERT_EQ(result.verdict, Verdict::kViolation);
  EXPECT_EQ(result.key, "k2");
  EXPECT_EQ(result.violating_keys, std::vector<std::string>{"k2"});
  EXPECT_EQ(ids_of(result.failing_ops), (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(result.keys, 3u);
  EXPECT_EQ(result.operations_checked, 5u);
}

// --- Histories that must be accepted.

TEST(LinearizabilityAccepts, ConcurrentOperationsInEveryOrder) {
  // Five operations overlap; whichever order a real register applies them in, the answers it gives
  // are linearizable, and so is a later read of the final value.
  std::vector<int> order(5);
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    std::optional<std::string> value;
    std::optional<std::string> read;
    bool swapped = false;
    bool deleted = false;
    for (const int which : order) {
      switch (which) {
        case 0:
          value = "a";
          break;
        case 1:
          value = "b";
          break;
        case 2:
          swapped = value == "a";
          if (swapped) value = "c";
          break;
        case 3:
          deleted = value.has_value();
          value.reset();
          break;
        case 4:
          read = value;
          break;
      }
    }
    History h;
    h.put(1, 0, 10, "a").put(2, 0, 10, "b").cas(3, 1, 9, "a", "c", swapped).del(4, 2, 8, deleted);
    h.get(5, 3, 7, read).get(1, 11, 12, value);
    expect_ok(h);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
}

TEST(LinearizabilityAccepts, OperationsTouchingAtOneInstantAreConcurrent) {
  // Porcupine's rule: at equal times invocations sort before completions.
  History h;
  h.put(1, 0, 5, "a").get(2, 5, 6, std::nullopt);
  expect_ok(h);
}

TEST(LinearizabilityAccepts, UnknownWriteInvokedAsAReadCompletesIsConcurrentWithIt) {
  History h;
  h.get(1, 0, 5, "a").put(2, 5, 6, "a").unknown();
  expect_ok(h);
}

TEST(LinearizabilityAccepts, UnknownWriteThatTookEffect) {
  History h;
  h.put(1, 0, 1, "a").unknown().get(2, 5, 6, "a");
  expect_ok(h);
}

TEST(LinearizabilityAccepts, UnknownWriteThatNeverTookEffect) {
  History h;
  h.put(1, 0, 1, "a").unknown().get(2, 5, 6, std::nullopt).get(2, 7, 8, std::nullopt);
  expect_ok(h);
}

TEST(LinearizabilityAccepts, UnknownWriteTakingEffectLongAfterItsInvocation) {
  History h;
  h.put(1, 0, 1, "a").put(1, 2, 3, "b").unknown().get(2, 4, 5, "a").get(2, 6, 7, "b");
  h.get(3, 8, 9, "b");
  expect_ok(h);
}

TEST(LinearizabilityAccepts, UnknownCasEitherWay) {
  History swapped;
  swapped.put(1, 0, 1, "a").cas(2, 2, 3, "a", "c", false).unknown().get(3, 4, 5, "c");
  expect_ok(swapped);
  History not_swapped;
  not_swapped.put(1, 0, 1, "a").cas(2, 2, 3, "a", "c", false).unknown().get(3, 4, 5, "a");
  expect_ok(not_swapped);
}

TEST(LinearizabilityAccepts, UnknownDeleteEitherWay) {
  History deleted;
  deleted.put(1, 0, 1, "a").del(2, 2, 3, false).unknown().get(3, 4, 5, std::nullopt);
  expect_ok(deleted);
  History kept;
  kept.put(1, 0, 1, "a").del(2, 2, 3, false).unknown().get(3, 4, 5, "a");
  expect_ok(kept);
}

TEST(LinearizabilityAccepts, RefusedOperationsAndUnknownGetsAreIgnored) {
  History h;
  h.put(1, 0, 1, "a").refused().get(2, 2, 3, "ghost").unknown().get(3, 4, 5, std::nullopt);
  h.del(1, 6, 7, true).refused();
  const LinearizabilityResult result = check(h.ops());
  EXPECT_EQ(result.verdict, Verdict::kOk) << describe(result);
  EXPECT_EQ(result.operations_checked, 1u);
}

TEST(LinearizabilityAccepts, EmptyHistory) {
  const LinearizabilityResult result = check({});
  EXPECT_EQ(result.verdict, Verdict::kOk);
  EXPECT_EQ(result.keys, 0u);
}

// --- Limits and bad input.

History sequential_puts(int count) {
  History h;
  for (int i = 0; i < count; ++i) h.put(1, 2 * i, 2 * i + 1, str("v", i));
  return h;
}

TEST(LinearizabilityLimits, StepLimitGivesUnknownNotOk) {
  LinearizabilityOptions options;
  options.max_steps_per_key = 2;
  const LinearizabilityResult result = check(sequential_puts(3).ops(), options);
  EXPECT_EQ(result.verdict, Verdict::kUnknown) << describe(result);
  EXPECT_EQ(result.undecided_keys, std::vector<std::string>{"x"});
  EXPECT_EQ(result.steps, 2u);
  EXPECT_NE(result.explanation.find("step limit of 2"), std::string::npos) << result.explanation;
}

TEST(LinearizabilityLimits, MemoLimitGivesUnknown) {
  // The search tries "a" then "b", fails at the read and records that in its memo.
  History h;
  h.put(1, 0, 10, "a").put(2, 0, 10, "b").get(3, 11, 12, "a");
  LinearizabilityOptions options;
  options.max_memo_bytes_per_key = 1;
  const LinearizabilityResult result = check(h.ops(), options);
  EXPECT_EQ(result.verdict, Verdict::kUnknown) << describe(result);
  EXPECT_NE(result.explanation.find("memo limit"), std::string::npos) << result.explanation;
}

TEST(LinearizabilityLimits, AViolationOutranksAnUndecidedKey) {
  History h = sequential_puts(20);  // needs 20 steps
  h.get(2, 0, 1, "ghost").on("y");  // rejected in a few
  LinearizabilityOptions options;
  options.max_steps_per_key = 10;
  const LinearizabilityResult result = check(h.ops(), options);
  EXPECT_EQ(result.verdict, Verdict::kViolation) << describe(result);
  EXPECT_EQ(result.key, "y");
  EXPECT_EQ(result.undecided_keys, std::vector<std::string>{"x"});
}

TEST(LinearizabilityLimits, ShrinkBudgetLeavesTheCounterexampleUnshrunk) {
  History h;
  h.put(1, 0, 1, "a").put(1, 2, 3, "b").get(2, 4, 5, "a");
  LinearizabilityOptions options;
  options.max_shrink_steps = 0;
  const LinearizabilityResult result = check(h.ops(), options);
  EXPECT_EQ(result.verdict, Verdict::kViolation);
  EXPECT_FALSE(result.failing_ops_minimal);
  EXPECT_EQ(result.failing_ops.size(), 3u);
}

TEST(LinearizabilityInput, DuplicateIdsAreRefused) {
  History h;
  h.put(1, 0, 1, "a").get(2, 2, 3, "a");
  KvHistory ops = h.ops();
  ops[1].id = ops[0].id;
  const Result<LinearizabilityResult> result = check_linearizable(ops, {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
  EXPECT_NE(result.error().message.find("id 1 appears twice"), std::string::npos);
}

TEST(LinearizabilityInput, CompletionBeforeInvocationIsRefused) {
  History h;
  h.put(1, 5, 4, "a");
  const Result<LinearizabilityResult> result = check_linearizable(h.ops(), {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
  EXPECT_NE(result.error().message.find("#1"), std::string::npos) << result.error().message;
}

TEST(LinearizabilityInput, OverlongHistoryIsRefused) {
  LinearizabilityOptions options;
  options.max_operations = 2;
  const Result<LinearizabilityResult> result =
      check_linearizable(sequential_puts(3).ops(), options);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::kLimitExceeded);
}

// --- Shrinking.

TEST(LinearizabilityShrinks, ViolationBuriedInFiveHundredGoodOperations) {
  RegisterWorkload workload;
  workload.operations = 500;
  workload.keys = 1;
  KvHistory history = atomic_register_history(7, workload);
  ASSERT_EQ(check(history).verdict, Verdict::kOk);

  // A read in the second half is made stale: it returns the value of a put `older` that a later
  // put `newer` overwrote, `newer` completing before the read was invoked.
  auto definite_put = [](const KvOp& op) {
    return op.kind == KvOp::Kind::kPut && op.outcome == KvOp::Outcome::kOk;
  };
  const auto read = std::find_if(history.begin() + 250, history.end(), [](const KvOp& op) {
    return op.kind == KvOp::Kind::kGet && op.outcome == KvOp::Outcome::kOk;
  });
  ASSERT_NE(read, history.end());
  const auto newer = std::find_if(
      std::make_reverse_iterator(read), history.rend(),
      [&](const KvOp& op) { return definite_put(op) && op.completed < read->invoked; });
  ASSERT_NE(newer, history.rend());
  const auto older = std::find_if(newer, history.rend(), [&](const KvOp& op) {
    return definite_put(op) && op.completed < newer->invoked;
  });
  ASSERT_NE(older, history.rend());
  read->read = older->value;

  const LinearizabilityResult result = check(history);
  ASSERT_EQ(result.verdict, Verdict::kViolation) << describe(result);
  EXPECT_LE(result.failing_ops.size(), 4u) << describe(result);
  EXPECT_TRUE(result.failing_ops_minimal);
  const std::vector<std::uint64_t> ids = ids_of(result.failing_ops);
  EXPECT_NE(std::find(ids.begin(), ids.end(), read->id), ids.end()) << describe(result);
}

TEST(LinearizabilityReport, DescribeNamesKeyOperationsAndExplanation) {
  History h;
  h.put(1, 0, 1, "a").put(1, 2, 3, "b").get(2, 4, 5, "a");
  const std::string text = describe(check(h.ops()));
  EXPECT_NE(text.find("linearizability: violation (1 keys, 3 operations"), std::string::npos)
      << text;
  EXPECT_NE(text.find("key \"x\" is not linearizable; a minimal failing set of 3 operations"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  #3 c2 get x -> read a [0.004s, 0.005s]"), std::string::npos) << text;
  EXPECT_NE(text.find("The longest linearizable prefix found is 2 of 3 operations (#1, #2)"),
            std::string::npos)
      << text;
}

// --- Properties over histories of a real atomic register.

RegisterWorkload small_workload() {
  RegisterWorkload workload;
  workload.operations = *rc::gen::inRange<std::size_t>(1, 80);
  workload.clients = *rc::gen::inRange(1, 6);
  workload.keys = *rc::gen::inRange(1, 4);
  workload.unknown_fraction = 0.1;
  workload.refused_fraction = 0.05;
  return workload;
}

// The search's witness for one key is a real linearization: every known operation once, the model
// accepts each in turn, and none is placed before an operation that completed before it began.
void check_witness(const std::vector<const KvOp*>& key_ops) {
  const RegisterHistory history = register_history_of(key_ops);
  const SearchResult found = search_linearization(history, SearchLimits{}, false);
  RC_ASSERT(found.outcome == SearchResult::Outcome::kLinearizable);
  std::vector<bool> placed(history.ops.size(), false);
  ValueId state = kMissing;
  for (std::size_t position = 0; position < found.linearization.size(); ++position) {
    const std::size_t i = found.linearization[position];
    RC_ASSERT(!placed[i]);
    placed[i] = true;
    const std::optional<ValueId> after = step(state, history.ops[i]);
    RC_ASSERT(after.has_value());
    state = *after;
    for (std::size_t later = position + 1; later < found.linearization.size(); ++later) {
      RC_ASSERT(!(history.ops[found.linearization[later]].completed < history.ops[i].invoked));
    }
  }
  for (std::size_t i = 0; i < history.ops.size(); ++i)
    RC_ASSERT(placed[i] || !history.ops[i].known);
}

RC_GTEST_PROP(LinearizabilityProperty, AtomicRegisterHistoriesAreLinearizable, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const KvHistory history = atomic_register_history(seed, small_workload());
  const Result<LinearizabilityResult> result = check_linearizable(history, {});
  RC_ASSERT(result.has_value());
  RC_ASSERT(result->verdict == Verdict::kOk);
  std::map<std::string, std::vector<const KvOp*>> by_key;
  for (const KvOp& op : history) by_key[op.key].push_back(&op);
  for (const auto& [key, ops] : by_key) check_witness(ops);
}

// The positions of the gets with a definite answer.
std::vector<std::size_t> definite_reads(const KvHistory& history) {
  std::vector<std::size_t> reads;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].kind == KvOp::Kind::kGet && history[i].outcome == KvOp::Outcome::kOk) {
      reads.push_back(i);
    }
  }
  return reads;
}

RC_GTEST_PROP(LinearizabilityProperty, ACorruptedReadIsAlwaysAViolation, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  KvHistory history = atomic_register_history(seed, small_workload());
  const std::vector<std::size_t> reads = definite_reads(history);
  RC_PRE(!reads.empty());
  KvOp& corrupted = history[*rc::gen::elementOf(reads)];
  corrupted.read = "never-written";
  const Result<LinearizabilityResult> result = check_linearizable(history, {});
  RC_ASSERT(result.has_value());
  RC_ASSERT(result->verdict == Verdict::kViolation);
  RC_ASSERT(result->violating_keys == std::vector<std::string>{corrupted.key});
  RC_ASSERT(!result->failing_ops.empty());
  RC_ASSERT(result->failing_ops_minimal);
}

// A read of a linearizable history is given another answer: a value some operation wrote on its
// key, or nothing. Whenever that makes a violation, the failing set shown must include that read:
// the history without it is linearizable, and so is every subset the shrinking may try that leaves
// it out (the subsets whose failure shows the whole history's, linearizability_counterexample.h).
RC_GTEST_PROP(LinearizabilityProperty, TheFailingSetShownHoldsTheOneWrongAnswer, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  KvHistory history = atomic_register_history(seed, small_workload());
  const std::vector<std::size_t> reads = definite_reads(history);
  RC_PRE(!reads.empty());
  KvOp& corrupted = history[*rc::gen::elementOf(reads)];
  std::vector<std::optional<std::string>> answers{std::nullopt};
  for (const KvOp& op : history) {
    if (op.key == corrupted.key && op.kind != KvOp::Kind::kGet && !op.value.empty()) {
      answers.push_back(op.value);
    }
  }
  const std::optional<std::string> answer = *rc::gen::elementOf(answers);
  RC_PRE(answer != corrupted.read);
  corrupted.read = answer;
  const Result<LinearizabilityResult> result = check_linearizable(history, {});
  RC_ASSERT(result.has_value());
  RC_PRE(result->verdict == Verdict::kViolation);
  RC_ASSERT(result->failing_ops_minimal);
  RC_ASSERT(std::ranges::count(ids_of(result->failing_ops), corrupted.id) == 1);
}

// The oracle: every order of the operations, tried one by one. An operation may go next if no
// operation left completed before it was invoked; the order succeeds once every known operation is
// placed (the unknown ones left never took effect).
bool linearizable_by_enumeration(const RegisterHistory& history) {
  std::vector<bool> placed(history.ops.size(), false);
  auto extend = [&](auto& self, ValueId state) -> bool {
    bool known_left = false;
    for (std::size_t i = 0; i < history.ops.size(); ++i) {
      known_left = known_left || (!placed[i] && history.ops[i].known);
    }
    if (!known_left) return true;
    for (std::size_t i = 0; i < history.ops.size(); ++i) {
      if (placed[i]) continue;
      bool may_go = true;
      for (std::size_t j = 0; j < history.ops.size(); ++j) {
        may_go = may_go && (placed[j] || !(history.ops[j].completed < history.ops[i].invoked));
      }
      const std::optional<ValueId> after = step(state, history.ops[i]);
      if (!may_go || !after) continue;
      placed[i] = true;
      if (self(self, *after)) return true;
      placed[i] = false;
    }
    return false;
  };
  return extend(extend, kMissing);
}

// Small one-key histories, half of them with one answer changed at random (mostly no longer
// linearizable), and written values repeated on purpose: the search, with its memo and prunings,
// must agree with the oracle exactly.
RC_GTEST_PROP(LinearizabilityProperty, SearchAgreesWithEnumeration, ()) {
  RegisterWorkload workload;
  workload.operations = *rc::gen::inRange<std::size_t>(1, 8);
  workload.clients = *rc::gen::inRange(1, 4);
  workload.keys = 1;
  workload.unknown_fraction = 0.3;
  workload.refused_fraction = 0.1;
  KvHistory history = atomic_register_history(*rc::gen::arbitrary<std::uint64_t>(), workload);
  for (KvOp& op : history) {
    if (*rc::gen::inRange(0, 4) == 0) op.value = "v1";  // a value another write may also write
  }
  if (*rc::gen::arbitrary<bool>()) {
    KvOp& op = history[*rc::gen::inRange<std::size_t>(0, history.size())];
    op.read = *rc::gen::element<std::optional<std::string>>(std::nullopt, "v1", "v2", "v3");
    op.cas_succeeded = !op.cas_succeeded;
    op.deleted = !op.deleted;
  }
  std::vector<const KvOp*> ops;
  for (const KvOp& op : history) ops.push_back(&op);
  const RegisterHistory register_history = register_history_of(ops);
  const bool expected = linearizable_by_enumeration(register_history);
  const SearchResult found = search_linearization(register_history, SearchLimits{}, true);
  RC_CLASSIFY(expected, "linearizable");
  RC_ASSERT(found.outcome == (expected ? SearchResult::Outcome::kLinearizable
                                       : SearchResult::Outcome::kNotLinearizable));
}

}  // namespace
}  // namespace keel::sim
