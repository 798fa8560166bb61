#include "real/backoff.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::real {

Backoff::Backoff(Duration min, Duration max, Random random)
    : min_(min), max_(max), ceiling_(min), random_(std::move(random)) {
  KEEL_ASSERT(min.count() > 0 && min <= max, "backoff bounds must satisfy 0 < min <= max, got ",
              min.count(), "ns..", max.count(), "ns");
}

Duration Backoff::next() {
  const Duration delay = random_.between(std::max(min_, ceiling_ / 2), ceiling_);
  ceiling_ = ceiling_ >= max_ / 2 ? max_ : ceiling_ * 2;
  return delay;
}

}  // namespace keel::real
