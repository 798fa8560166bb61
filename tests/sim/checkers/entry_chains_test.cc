#include "sim/checkers/entry_chains.h"

#include <gtest/gtest.h>

namespace keel::sim {
namespace {

TEST(EntryChains, UnknownPairsAreNotFound) {
  EntryChains chains;
  EXPECT_EQ(chains.find(0, 1), nullptr);
  EXPECT_EQ(chains.find(1, 1), nullptr);
  chains.remember(3, 2, 42);
  EXPECT_EQ(chains.find(2, 2), nullptr);  // below a known index, never recorded
  EXPECT_EQ(chains.find(3, 1), nullptr);  // another term at a known index
  EXPECT_EQ(chains.find(4, 2), nullptr);
}

TEST(EntryChains, TheFirstChainForAPairIsKept) {
  EntryChains chains;
  EXPECT_EQ(chains.remember(1, 1, 7), 7u);
  EXPECT_EQ(chains.remember(1, 1, 8), 7u);  // a differing log: the caller sees the first chain
  ASSERT_NE(chains.find(1, 1), nullptr);
  EXPECT_EQ(*chains.find(1, 1), 7u);
}

TEST(EntryChains, SeveralTermsAtOneIndexAreKeptApart) {
  EntryChains chains;
  EXPECT_EQ(chains.remember(5, 2, 20), 20u);
  EXPECT_EQ(chains.remember(5, 3, 30), 30u);  // a log that diverged at index 5
  EXPECT_EQ(chains.remember(5, 4, 40), 40u);
  EXPECT_EQ(chains.remember(5, 3, 31), 30u);
  EXPECT_EQ(*chains.find(5, 2), 20u);
  EXPECT_EQ(*chains.find(5, 3), 30u);
  EXPECT_EQ(*chains.find(5, 4), 40u);
  EXPECT_EQ(chains.find(5, 5), nullptr);
}

TEST(EntryChains, ConsecutiveIndexesAndOnesPastAGapAreRemembered) {
  EntryChains chains;
  for (raft::Index index = 1; index <= 100; ++index) {
    EXPECT_EQ(chains.remember(index, 1, index * 10), index * 10);
  }
  EXPECT_EQ(chains.remember(105, 2, 1050), 1050u);  // a log that starts after a snapshot
  EXPECT_EQ(chains.remember(106, 2, 1060), 1060u);
  for (raft::Index index = 1; index <= 100; ++index) {
    ASSERT_NE(chains.find(index, 1), nullptr);
    EXPECT_EQ(*chains.find(index, 1), index * 10);
    EXPECT_EQ(chains.remember(index, 1, 7), index * 10);
  }
  EXPECT_EQ(chains.find(101, 1), nullptr);  // the gap
  EXPECT_EQ(chains.find(104, 2), nullptr);
  EXPECT_EQ(*chains.find(105, 2), 1050u);
  EXPECT_EQ(*chains.find(106, 2), 1060u);
  EXPECT_EQ(chains.remember(101, 2, 1010), 1010u);  // filling the gap later
  EXPECT_EQ(*chains.find(101, 2), 1010u);
}

TEST(EntryChainsDeathTest, IndexOrTermZeroIsABug) {
  EntryChains chains;
  chains.remember(1, 1, 1);
  EXPECT_DEATH(chains.remember(0, 1, 1), "entry chain for index 0");
  EXPECT_DEATH(chains.remember(1, 0, 1), "term 0");  // a known index
  EXPECT_DEATH(chains.remember(2, 0, 1), "term 0");  // the next index
  EXPECT_DEATH(chains.remember(5, 0, 1), "term 0");  // past a gap
}

}  // namespace
}  // namespace keel::sim
