// The memo's rule: a failed (K, s, a, U) covers (K, s, a', U') iff U is a subset of U' and a'
// allows no more than a (a false, or a' true); nothing with another known set or state.
#include "sim/checkers/linearization_memo.h"

#include <gtest/gtest.h>

#include <vector>

namespace keel::sim {
namespace {

// A known set given by its compact form with a one-word tail, and a one-word unknown set; the hash
// only has to be a function of (known, state).
struct Sets {
  std::vector<std::uint64_t> known;
  std::vector<std::uint64_t> unknown;
};

MemoKey key_of(const Sets& sets, ValueId state, bool after_unknown) {
  return MemoKey{CompactKnownSet{0, sets.known}, state, after_unknown,
                 sets.known[0] * 31 + std::uint64_t(state)};
}

TEST(LinearizationMemo, AFailureCoversSupersetsOfItsUnknownSet) {
  LinearizationMemo memo(1);
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
  LinearizationMemo memo(1);
  const Sets failed{{0b101}, {0}};
  memo.add_failed(key_of(failed, 3, false), failed.unknown);
  const Sets other_known{{0b111}, {0}};
  EXPECT_FALSE(memo.covers(key_of(other_known, 3, false), other_known.unknown));
  EXPECT_FALSE(memo.covers(key_of(failed, 4, false), failed.unknown));
}

TEST(LinearizationMemo, AFailureAfterAnUnknownOperationCoversOnlyThoseAfterOne) {
  const Sets sets{{0b1}, {0b1}};
  LinearizationMemo after_unknown(1);
  after_unknown.add_failed(key_of(sets, 2, true), sets.unknown);
  EXPECT_TRUE(after_unknown.covers(key_of(sets, 2, true), sets.unknown));
  EXPECT_FALSE(after_unknown.covers(key_of(sets, 2, false), sets.unknown));

  LinearizationMemo after_known(1);
  after_known.add_failed(key_of(sets, 2, false), sets.unknown);
  EXPECT_TRUE(after_known.covers(key_of(sets, 2, false), sets.unknown));
  EXPECT_TRUE(after_known.covers(key_of(sets, 2, true), sets.unknown));
}

TEST(LinearizationMemo, KeepsEveryEntryThroughGrowthEvenWhenHashesCollide) {
  LinearizationMemo memo(0);
  constexpr std::uint32_t kEntries = 3000;  // past the initial table, several doublings
  const std::vector<std::uint64_t> tail{0b1};
  for (std::uint32_t k = 0; k < kEntries; ++k) {
    memo.add_failed(MemoKey{CompactKnownSet{k, tail}, 1, false, k % 7}, {});
  }
  EXPECT_EQ(memo.failed_configurations(), kEntries);
  for (std::uint32_t k = 0; k < kEntries; ++k) {
    ASSERT_TRUE(memo.covers(MemoKey{CompactKnownSet{k, tail}, 1, false, k % 7}, {})) << k;
  }
  EXPECT_FALSE(memo.covers(MemoKey{CompactKnownSet{kEntries, tail}, 1, false, kEntries % 7}, {}));
  EXPECT_FALSE(memo.covers(MemoKey{CompactKnownSet{0, {}}, 1, false, 0}, {}));
}

}  // namespace
}  // namespace keel::sim
