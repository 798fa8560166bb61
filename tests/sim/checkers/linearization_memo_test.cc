// The memo's rule: a failed (K, s, a, U) covers (K, s, a', U') iff U is a subset of U' and a'
// allows no more than a (a false, or a' true); nothing with another known set or state.
#include "sim/checkers/linearization_memo.h"

#include <gtest/gtest.h>

#include <vector>

namespace keel::sim {
namespace {

// One-word sets; the hash only has to be a function of (known, state).
struct Sets {
  std::vector<std::uint64_t> known;
  std::vector<std::uint64_t> unknown;
};

MemoKey key_of(const Sets& sets, ValueId state, bool after_unknown) {
  return MemoKey{sets.known, state, after_unknown, sets.known[0] * 31 + std::uint64_t(state)};
}

TEST(LinearizationMemo, AFailureCoversSupersetsOfItsUnknownSet) {
  LinearizationMemo memo(1, 1);
  const Sets failed{{0b101}, {0b01}};
  memo.add_failed(key_of(failed, 3, false), failed.unknown);
  const std::vector<std::uint64_t> same{0b01};
  const std::vector<std::uint64_t> more{0b11};
  const std::vector<std::uint64_t> fewer{0b00};
  const std::vector<std::uint64_t> other{0b10};
  EXPECT_TRUE(memo.covers(key_of(failed, 3, false), same));
  EXPECT_TRUE(memo.covers(key_of(failed, 3, false), more));
  EXPECT_FALSE(memo.covers(key_of(failed, 3, false), fewer));
  EXPECT_FALSE(memo.covers(key_of(failed, 3, false), other));
}

TEST(LinearizationMemo, OtherKnownSetsAndStatesAreNotCovered) {
  LinearizationMemo memo(1, 1);
  const Sets failed{{0b101}, {0}};
  memo.add_failed(key_of(failed, 3, false), failed.unknown);
  const Sets other_known{{0b111}, {0}};
  EXPECT_FALSE(memo.covers(key_of(other_known, 3, false), other_known.unknown));
  EXPECT_FALSE(memo.covers(key_of(failed, 4, false), failed.unknown));
}

TEST(LinearizationMemo, AFailureAfterAnUnknownOperationCoversOnlyThoseAfterOne) {
  const Sets sets{{0b1}, {0b1}};
  LinearizationMemo after_unknown(1, 1);
  after_unknown.add_failed(key_of(sets, 2, true), sets.unknown);
  EXPECT_TRUE(after_unknown.covers(key_of(sets, 2, true), sets.unknown));
  EXPECT_FALSE(after_unknown.covers(key_of(sets, 2, false), sets.unknown));

  LinearizationMemo after_known(1, 1);
  after_known.add_failed(key_of(sets, 2, false), sets.unknown);
  EXPECT_TRUE(after_known.covers(key_of(sets, 2, false), sets.unknown));
  EXPECT_TRUE(after_known.covers(key_of(sets, 2, true), sets.unknown));
}

TEST(LinearizationMemo, KeepsEveryEntryThroughGrowthEvenWhenHashesCollide) {
  LinearizationMemo memo(1, 0);
  constexpr std::uint64_t kEntries = 3000;  // past the initial table, several doublings
  for (std::uint64_t k = 0; k < kEntries; ++k) {
    const std::vector<std::uint64_t> known{k};
    memo.add_failed(MemoKey{known, 1, false, k % 7}, {});
  }
  EXPECT_EQ(memo.failed_configurations(), kEntries);
  for (std::uint64_t k = 0; k < kEntries; ++k) {
    const std::vector<std::uint64_t> known{k};
    ASSERT_TRUE(memo.covers(MemoKey{known, 1, false, k % 7}, {})) << k;
  }
  const std::vector<std::uint64_t> absent{kEntries};
  EXPECT_FALSE(memo.covers(MemoKey{absent, 1, false, kEntries % 7}, {}));
}

}  // namespace
}  // namespace keel::sim
