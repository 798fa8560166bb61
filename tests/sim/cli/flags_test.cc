#include "sim/cli/flags.h"

#include <gtest/gtest.h>

#include "sim/cli/summary.h"

namespace keel::sim::cli {
namespace {

TEST(Flags, AOneLetterFlagMayCarryItsValue) {
  auto flags = Flags::parse({"-j4", "file.yaml", "--seed", "3"}, {"j", "seed"}, {});
  ASSERT_TRUE(flags) << flags.error().message;
  EXPECT_EQ(flags->value("j"), "4");
  EXPECT_EQ(flags->value("seed"), "3");
  EXPECT_EQ(flags->positional().size(), 1u);
  EXPECT_FALSE(Flags::parse({"-x4"}, {"j"}, {}));
}

TEST(Shard, SlicesCoverTheRangeOnceAndEvenly) {
  const SeedRange all{1, 10};
  std::uint64_t next = 1;
  for (int i = 1; i <= 3; ++i) {
    auto slice = take_shard(all, std::to_string(i) + "/3");
    ASSERT_TRUE(slice) << slice.error().message;
    EXPECT_EQ(slice->first, next);
    EXPECT_GE(slice->count(), 3u);
    EXPECT_LE(slice->count(), 4u);
    next = slice->last + 1;
  }
  EXPECT_EQ(next, 11u);
  EXPECT_EQ(take_shard(all, std::nullopt)->count(), 10u);
}

TEST(Shard, BadSlicesAreRefusedNamingTheFlag) {
  for (const char* bad : {"0/3", "4/3", "1/0", "a/b", "2", "1/2/3"}) {
    auto slice = take_shard(SeedRange{1, 10}, bad);
    ASSERT_FALSE(slice) << bad;
    EXPECT_NE(slice.error().message.find("--shard"), std::string::npos);
  }
  // More slices than seeds: the empty ones are refused.
  EXPECT_TRUE(take_shard(SeedRange{1, 2}, "2/3"));
  EXPECT_FALSE(take_shard(SeedRange{1, 2}, "3/3"));
}

TEST(Summary, PercentilesUseTheNearestRank) {
  EXPECT_EQ(percentile({}, 0.5), -1);
  EXPECT_EQ(percentile({3, 1, 2}, 0.5), 2);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(percentile(hundred, 0.99), 99);
  EXPECT_EQ(percentile(hundred, 1.0), 100);
}

TEST(Summary, FailedSeedsAreCountedBySafetyOrLiveness) {
  Summary summary;
  SeedOutcome passed;
  passed.safe = passed.live = true;
  passed.operations_checked = 10;
  passed.failover_seconds = {0.5};
  SeedOutcome unsafe;
  unsafe.live = true;
  SeedOutcome stuck;
  stuck.safe = true;
  EXPECT_TRUE(summary.add(passed));
  EXPECT_FALSE(summary.add(unsafe));
  EXPECT_FALSE(summary.add(stuck));
  EXPECT_EQ(summary.seeds, 3u);
  EXPECT_EQ(summary.passed, 1u);
  EXPECT_EQ(summary.safety, 1u);
  EXPECT_EQ(summary.liveness, 1u);
  EXPECT_EQ(summary.ops, 10u);
  EXPECT_EQ(summary.failovers.size(), 1u);
}

}  // namespace
}  // namespace keel::sim::cli
