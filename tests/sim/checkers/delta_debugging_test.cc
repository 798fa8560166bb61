// ddmin shrinks to a 1-minimal failing subset, and stops (reporting it) when a trial gives up.
#include "sim/checkers/delta_debugging.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace keel::sim {
namespace {

bool holds(std::span<const std::size_t> subset, std::size_t item) {
  return std::find(subset.begin(), subset.end(), item) != subset.end();
}

TEST(DeltaDebugging, FindsTheTwoItemsThatFailTogether) {
  const ShrinkResult result = shrink_failing(100, [](std::span<const std::size_t> subset) {
    return holds(subset, 3) && holds(subset, 71) ? Trial::kFails : Trial::kPasses;
  });
  EXPECT_EQ(result.items, (std::vector<std::size_t>{3, 71}));
  EXPECT_TRUE(result.one_minimal);
  EXPECT_LT(result.trials, 100u);
}

TEST(DeltaDebugging, ResultIsOneMinimalNotNecessarilySmallest) {
  // Fails with {0, 1, 2} or with {5}: ddmin keeps whichever it reaches, but no single item can go.
  const ShrinkResult result = shrink_failing(8, [](std::span<const std::size_t> subset) {
    const bool small = holds(subset, 5);
    const bool triple = holds(subset, 0) && holds(subset, 1) && holds(subset, 2);
    return small || triple ? Trial::kFails : Trial::kPasses;
  });
  EXPECT_TRUE(result.one_minimal);
  EXPECT_TRUE(result.items == std::vector<std::size_t>{5} ||
              result.items == (std::vector<std::size_t>{0, 1, 2}));
}

TEST(DeltaDebugging, GivingUpKeepsTheSmallestFailingSetSoFar) {
  int trials_left = 3;
  const ShrinkResult result = shrink_failing(64, [&](std::span<const std::size_t> subset) {
    if (trials_left-- == 0) return Trial::kGaveUp;
    return holds(subset, 40) ? Trial::kFails : Trial::kPasses;
  });
  EXPECT_FALSE(result.one_minimal);
  EXPECT_TRUE(holds(result.items, 40));
  EXPECT_LT(result.items.size(), 64u);
}

}  // namespace
}  // namespace keel::sim
