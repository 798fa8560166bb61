// LatencyHistogram: request latencies in microseconds, in log-linear buckets (the layout of
// HdrHistogram: exact below 128 µs, then 64 buckets per power of two, so a reported percentile is
// at most 1/64 ≈ 1.6% below the true value). Fixed size, so recording never allocates; two
// histograms (one per client) merge by adding their buckets.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "core/env/assert.h"

namespace keel::bench {

class LatencyHistogram {
 public:
  static constexpr std::uint64_t kMaxMicros = std::uint64_t{1} << 40;  // about 12 days

  void record(std::uint64_t micros) {
    ++buckets_[index(micros < kMaxMicros ? micros : kMaxMicros - 1)];
    ++count_;
  }
  void merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
  }
  std::uint64_t count() const { return count_; }

  // The smallest recorded latency (to bucket precision) that `quantile` of all latencies are not
  // above, quantile in (0, 1]; 0 when nothing was recorded.
  std::uint64_t percentile(double quantile) const {
    KEEL_ASSERT(quantile > 0 && quantile <= 1, "a quantile is in (0, 1]");
    if (count_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(quantile * static_cast<double>(count_));
    if (static_cast<double>(rank) < quantile * static_cast<double>(count_)) ++rank;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= rank) return lower_bound(i);
    }
    KEEL_ASSERT(false, "the buckets add up to count_");
    return 0;
  }

 private:
  static constexpr int kExact = 128;  // values below are their own bucket
  static constexpr int kSubBits = 6;  // 64 buckets per power of two above
  static constexpr std::size_t kBuckets = kExact + (40 - 7) * (1 << kSubBits);

  static std::size_t index(std::uint64_t v) {
    if (v < kExact) return v;
    const int exponent = std::bit_width(v) - 1;  // >= 7
    const std::uint64_t sub = (v >> (exponent - kSubBits)) & ((1 << kSubBits) - 1);
    return kExact + static_cast<std::size_t>(exponent - 7) * (1 << kSubBits) + sub;
  }
  static std::uint64_t lower_bound(std::size_t i) {
    if (i < kExact) return i;
    const std::size_t exponent = 7 + (i - kExact) / (1 << kSubBits);
    const std::uint64_t sub = (i - kExact) % (1 << kSubBits);
    return ((std::uint64_t{1} << kSubBits) + sub) << (exponent - kSubBits);
  }

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
};

}  // namespace keel::bench
