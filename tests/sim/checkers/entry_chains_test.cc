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

TEST(EntryChainsDeathTest, IndexOrTermZeroIsABug) {
  EntryChains chains;
  EXPECT_DEATH(chains.remember(0, 1, 1), "entry chain for index 0");
  EXPECT_DEATH(chains.remember(1, 0, 1), "term 0");
}

}  // namespace
}  // namespace keel::sim
