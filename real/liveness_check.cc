#include "real/liveness_check.h"

#include "core/env/assert.h"

namespace keel::real {

LivenessCheck::LivenessCheck(Duration silence_timeout) : silence_timeout_(silence_timeout) {
  KEEL_ASSERT(silence_timeout_.count() > 0, "a silence timeout of ", silence_timeout_.count(),
              " ns");
}

void LivenessCheck::reset(TimePoint now) {
  last_heard_ = now;
  wrote_since_tick_ = true;
}

LivenessCheck::Verdict LivenessCheck::tick(TimePoint now, bool writing) {
  if (now - last_heard_ >= silence_timeout_) return Verdict::kDead;
  const bool quiet = !wrote_since_tick_ && !writing;
  wrote_since_tick_ = false;
  return quiet ? Verdict::kSendKeepalive : Verdict::kAlive;
}

}  // namespace keel::real
