// Backoff: the delays between attempts to reach a peer that does not answer. Exponential with
// "equal jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): attempt k waits a
// uniform time in [cap_k / 2, cap_k] where cap_k = min(max, min * 2^k), never below `min`. The
// jitter keeps the nodes of a cluster that lost a peer at the same moment from redialing in step;
// the lower half keeps the delay growing. reset() after a success starts again from `min`.
#pragma once

#include "core/env/random.h"
#include "core/env/types.h"

namespace keel::real {

class Backoff {
 public:
  // 0 < min <= max.
  Backoff(Duration min, Duration max, Random random);

  // The delay before the next attempt; each call backs off further, up to `max`.
  Duration next();
  void reset() { ceiling_ = min_; }

 private:
  Duration min_;
  Duration max_;
  Duration ceiling_;  // cap_k of the next attempt
  Random random_;
};

}  // namespace keel::real
