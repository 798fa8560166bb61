#include "core/env/random.h"

#include <gtest/gtest.h>

#include <set>

namespace keel {
namespace {

TEST(Random, SameSeedSameDraws) {
  Random a(42), b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next());
}

TEST(Random, DifferentSeedsDiffer) {
  Random a(1), b(2);
  int equal = 0;
  for (int i = 0; i < 1000; ++i) equal += a.next() == b.next();
  EXPECT_EQ(equal, 0);
}

TEST(Random, DeriveDependsOnSeedAndLabelNotOnDraws) {
  Random a(7);
  Random before = a.derive("network");
  for (int i = 0; i < 100; ++i) a.next();
  Random after = a.derive("network");
  EXPECT_EQ(before.next(), after.next());
  EXPECT_NE(a.derive("network").next(), a.derive("disk").next());
}

TEST(Random, KnownValuesArePinned) {
  // Pins the algorithm: a change here changes every simulation's trace for every seed.
  Random r(0);
  EXPECT_EQ(r.next(), 0x99ec5f36cb75f2b4ULL);
}

TEST(Random, BelowIsInRangeAndCoversIt) {
  Random r(3);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    auto v = r.below(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(Random, BetweenIsInclusive) {
  Random r(4);
  bool low = false, high = false;
  for (int i = 0; i < 10000; ++i) {
    auto v = r.between(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    low |= v == -2;
    high |= v == 2;
  }
  EXPECT_TRUE(low && high);
}

TEST(Random, ChanceMatchesProbability) {
  Random r(5);
  int hits = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) hits += r.chance(0.25);
  // Binomial(100000, 0.25): sd ~ 137; 6 sd is far outside any plausible deviation.
  EXPECT_NEAR(hits, kDraws / 4, 6 * 137);
  EXPECT_FALSE(Random(6).chance(0.0));
  EXPECT_TRUE(Random(6).chance(1.0));
}

}  // namespace
}  // namespace keel
