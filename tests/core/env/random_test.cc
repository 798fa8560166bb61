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

TEST(RandomDeathTest, RefusesAnEmptyRange) {
  Random r(3);
  EXPECT_DEATH(r.below(0), "bound > 0.*Random::below\\(0\\)");
  EXPECT_DEATH(r.between(2, 1), "low <= high.*Random::between\\(2, 1\\)");
  EXPECT_DEATH(r.between(Duration(5), Duration(-5)), "Random::between\\(5, -5\\)");
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

TEST(HashBytes, PinnedSeededAndLengthAware) {
  // Pins the function: the Raft checker's digests and the simulator's trace hash are built on it.
  const Bytes abc{'a', 'b', 'c'};
  EXPECT_EQ(hash_bytes(abc), hash_bytes(abc));
  EXPECT_NE(hash_bytes(abc, 1), hash_bytes(abc, 2));
  EXPECT_NE(hash_bytes(Bytes{}), hash_bytes(Bytes{0}));  // the length counts, zeros too
  EXPECT_NE(hash_bytes(Bytes(8, 0)), hash_bytes(Bytes(9, 0)));
}

// Every single-byte change must change the hash, in the eight-byte words and in the tail.
TEST(HashBytes, EverySingleByteChangeChangesTheHash) {
  Bytes data(21);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37);
  const std::uint64_t original = hash_bytes(data);
  std::set<std::uint64_t> seen{original};
  for (std::size_t i = 0; i < data.size(); ++i) {
    for (const std::uint8_t flip : {0x01, 0x80, 0xff}) {
      Bytes changed = data;
      changed[i] ^= flip;
      seen.insert(hash_bytes(changed));
    }
  }
  EXPECT_EQ(seen.size(), 1 + 3 * data.size());
}

TEST(Mix64, IsTheSplitmixFinalizer) {
  // Reference values of splitmix64's finalizer (Steele, Lea & Flood 2014).
  EXPECT_EQ(mix64(0), 0u);
  EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
}

}  // namespace
}  // namespace keel
