// The load generator's latency histogram (bench/loadgen/latency_histogram.h): exact below 128 µs,
// within 1/64 below the true value above, percentiles by rank, merging adds.
#include "bench/loadgen/latency_histogram.h"

#include <gtest/gtest.h>

namespace keel::bench {
namespace {

TEST(LoadgenHistogramTest, AnEmptyHistogramReportsZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.percentile(0.5), 0u);
}

TEST(LoadgenHistogramTest, SmallValuesArePercentilesByRank) {
  LatencyHistogram histogram;
  for (std::uint64_t v = 100; v >= 1; --v) histogram.record(v);
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.percentile(0.5), 50u);
  EXPECT_EQ(histogram.percentile(0.99), 99u);
  EXPECT_EQ(histogram.percentile(1.0), 100u);
  EXPECT_EQ(histogram.percentile(0.001), 1u);
}

TEST(LoadgenHistogramTest, LargeValuesAreAtMostOneSixtyFourthLow) {
  for (const std::uint64_t v : {128u, 1'000u, 12'345u, 999'999u, 3'000'000'000u}) {
    LatencyHistogram histogram;
    histogram.record(v);
    const std::uint64_t reported = histogram.percentile(0.5);
    EXPECT_LE(reported, v);
    EXPECT_GE(reported, v - v / 64) << v;
  }
}

TEST(LoadgenHistogramTest, OneSlowRequestInAHundredIsTheP99NotTheP50) {
  LatencyHistogram fast;
  LatencyHistogram slow;
  for (int i = 0; i < 98; ++i) fast.record(1'000);
  slow.record(90'000);
  slow.record(90'000);
  fast.merge(slow);
  EXPECT_EQ(fast.count(), 100u);
  EXPECT_NEAR(static_cast<double>(fast.percentile(0.5)), 1'000, 1'000.0 / 64);
  EXPECT_NEAR(static_cast<double>(fast.percentile(0.99)), 90'000, 90'000.0 / 64);
}

TEST(LoadgenHistogramTest, AValueBeyondTheRangeLandsInTheLastBucket) {
  LatencyHistogram histogram;
  histogram.record(LatencyHistogram::kMaxMicros * 4);
  EXPECT_GE(histogram.percentile(1.0),
            LatencyHistogram::kMaxMicros - LatencyHistogram::kMaxMicros / 64);
}

}  // namespace
}  // namespace keel::bench
