#include "real/keeld/latency_histogram.h"

#include <chrono>

#include "core/env/assert.h"

namespace keel::real::keeld {

void LatencyHistogram::observe(Duration latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  std::size_t bucket = 0;
  while (bucket < kBounds && seconds > bound_seconds(bucket)) ++bucket;
  ++buckets_[bucket];
  ++count_;
  sum_seconds_ += seconds < 0 ? 0 : seconds;
}

std::uint64_t LatencyHistogram::count_at_or_below(std::size_t i) const {
  KEEL_ASSERT(i < kBounds, "LatencyHistogram bucket out of range");
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i; ++b) total += buckets_[b];
  return total;
}

}  // namespace keel::real::keeld
