#include "core/fleet/restart_backoff.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::fleet {
namespace {
constexpr int kSigHup = 1;
constexpr int kSigInt = 2;
constexpr int kSigPipe = 13;
constexpr int kSigTerm = 15;
}  // namespace

bool clean_exit(const ContainerEvent& event) {
  if (event.kind != ContainerEvent::Kind::kExited) return false;
  if (event.oom_killed) return false;
  if (event.signal != 0) {
    return event.signal == kSigHup || event.signal == kSigInt || event.signal == kSigTerm ||
           event.signal == kSigPipe;
  }
  return event.exit_code == 0;
}

RestartBackoff::RestartBackoff(RestartPolicy policy, Duration restart_sec, Duration cap,
                               Duration stable_run)
    : policy_(policy),
      restart_sec_(restart_sec),
      cap_(std::max(cap, restart_sec)),
      stable_run_(stable_run),
      next_(restart_sec) {
  KEEL_ASSERT(restart_sec >= Duration::zero(), "RestartSec is negative");
}

std::optional<Duration> RestartBackoff::ended(const ContainerEvent& event, Time now) {
  if (started_at_ && now - *started_at_ >= stable_run_) next_ = restart_sec_;
  started_at_.reset();
  const bool restart = policy_ == RestartPolicy::kAlways ||
                       (policy_ == RestartPolicy::kOnFailure && !clean_exit(event));
  if (!restart) return std::nullopt;
  const Duration wait = next_;
  next_ = std::min(cap_, std::max(next_ * 2, Duration(1)));
  return wait;
}

}  // namespace keel::fleet
