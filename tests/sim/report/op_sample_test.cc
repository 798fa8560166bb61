#include "sim/report/op_sample.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace keel::sim {
namespace {

KvHistory history_of(std::size_t n) {
  KvHistory history(n);
  for (std::size_t i = 0; i < n; ++i) history[i].id = i + 1;
  return history;
}

TEST(OpSample, DrawsEverythingUnderTheLimit) {
  const OpSample sample = sample_ops(history_of(10), {3}, 10);
  EXPECT_EQ(sample.drawn.size(), 10u);
  EXPECT_EQ(sample.stride, 1u);
}

TEST(OpSample, KeepsHighlightedOnesAndAnEvenSampleOfTheRest) {
  const KvHistory history = history_of(100);
  const OpSample sample = sample_ops(history, {50, 51, 99}, 10);
  EXPECT_LE(sample.drawn.size(), 10u);
  EXPECT_EQ(sample.stride, 14u);  // ceil(97 others / 7 places left)
  for (const std::uint64_t id : {50u, 51u, 99u}) {
    EXPECT_NE(std::find_if(sample.drawn.begin(), sample.drawn.end(),
                           [&](std::size_t i) { return history[i].id == id; }),
              sample.drawn.end());
  }
  EXPECT_TRUE(std::is_sorted(sample.drawn.begin(), sample.drawn.end()));
  EXPECT_EQ(sample.highlighted_left_out, 0u);
}

TEST(OpSample, NeverExceedsTheLimitEvenWithTooManyHighlighted) {
  const OpSample sample = sample_ops(history_of(50), {1, 2, 3, 4, 5, 6}, 4);
  EXPECT_EQ(sample.drawn, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(sample.highlighted_left_out, 2u);
}

}  // namespace
}  // namespace keel::sim
