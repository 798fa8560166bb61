// KnownSet's compact form names the set: equal sets, reached in any order, give equal forms; sets
// that differ give different ones; the hash follows the set.
#include "sim/checkers/known_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace keel::sim {
namespace {

std::vector<std::uint64_t> tail_of(const KnownSet& set) {
  const CompactKnownSet compact = set.compact();
  return {compact.tail.begin(), compact.tail.end()};
}

KnownSet with(std::size_t members, const std::vector<std::uint32_t>& ranks) {
  KnownSet set(members);
  for (const std::uint32_t rank : ranks) set.toggle(rank);
  return set;
}

TEST(KnownSet, PrefixAndTailFollowTheMembers) {
  const KnownSet set = with(200, {0, 1, 2, 3, 70, 130});
  EXPECT_EQ(set.compact().prefix, 4u);
  EXPECT_EQ(tail_of(set), (std::vector<std::uint64_t>{0b1111, 1 << 6, 1 << 2}));
  const KnownSet empty(200);
  EXPECT_EQ(empty.compact().prefix, 0u);
  EXPECT_TRUE(empty.compact().tail.empty());
}

TEST(KnownSet, EqualSetsReachedInAnyOrderLookAlike) {
  const KnownSet forward = with(300, {0, 1, 2, 65, 128, 129});
  // The same members, reached through others that came and went.
  const KnownSet roundabout = with(300, {129, 250, 2, 1, 0, 3, 65, 128, 3, 250, 299, 299});
  EXPECT_EQ(forward.compact().prefix, roundabout.compact().prefix);
  EXPECT_EQ(tail_of(forward), tail_of(roundabout));
  EXPECT_EQ(forward.hash(), roundabout.hash());
}

TEST(KnownSet, DifferentSetsLookDifferent) {
  const std::vector<KnownSet> sets = {with(128, {}),     with(128, {0}),      with(128, {1}),
                                      with(128, {0, 1}), with(128, {0, 64}),  with(128, {64}),
                                      with(128, {127}),  with(128, {0, 127}), with(128, {63, 64})};
  for (std::size_t a = 0; a < sets.size(); ++a) {
    for (std::size_t b = a + 1; b < sets.size(); ++b) {
      const bool same = sets[a].compact().prefix == sets[b].compact().prefix &&
                        tail_of(sets[a]) == tail_of(sets[b]);
      EXPECT_FALSE(same) << a << " vs " << b;
      EXPECT_NE(sets[a].hash(), sets[b].hash()) << a << " vs " << b;
    }
  }
}

}  // namespace
}  // namespace keel::sim
