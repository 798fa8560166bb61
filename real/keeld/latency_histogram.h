// LatencyHistogram: durations counted into fixed buckets, for a Prometheus histogram. The bounds
// are etcd's for etcd_disk_wal_fsync_duration_seconds: 1 ms doubling 14 times (up to 8.192 s),
// plus the +Inf bucket. Bounded memory whatever is observed (DESIGN.md principle 6).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/env/types.h"

namespace keel::real::keeld {

class LatencyHistogram {
 public:
  static constexpr std::size_t kBounds = 14;

  // The upper bound of bucket i (i < kBounds), in seconds: 0.001 * 2^i.
  static double bound_seconds(std::size_t i) { return 0.001 * static_cast<double>(1u << i); }

  void observe(Duration latency);

  // Observations at or below bound i (cumulative, as Prometheus' "le" buckets are).
  std::uint64_t count_at_or_below(std::size_t i) const;
  std::uint64_t count() const { return count_; }
  double sum_seconds() const { return sum_seconds_; }

 private:
  std::array<std::uint64_t, kBounds + 1> buckets_{};  // the last one: above every bound
  std::uint64_t count_ = 0;
  double sum_seconds_ = 0;
};

}  // namespace keel::real::keeld
