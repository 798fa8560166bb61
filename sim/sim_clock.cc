#include "sim/sim_clock.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::sim {

Time SimClock::formula(Time world) const {
  KEEL_ASSERT(world >= base_world_, "clock read before its latest change");
  // A true rate (no drift fault: nearly always) needs no 128-bit multiply and divide.
  if (rate_ppm_ == kOneRate) return base_host_ + (world - base_world_);
  const auto elapsed = static_cast<__int128>((world - base_world_).count());
  return base_host_ + Duration(static_cast<std::int64_t>(elapsed * rate_ppm_ / kOneRate));
}

Time SimClock::read(Time world) {
  last_reading_ = std::max(last_reading_, formula(world));
  return last_reading_;
}

Time SimClock::world_time_of(Time deadline, Time world_now) const {
  if (deadline <= base_host_) return world_now;
  if (rate_ppm_ == kOneRate) return std::max(world_now, base_world_ + (deadline - base_host_));
  const auto ahead = static_cast<__int128>((deadline - base_host_).count());
  // Round up so that the reading at the returned time has reached the deadline.
  const auto elapsed = static_cast<std::int64_t>((ahead * kOneRate + rate_ppm_ - 1) / rate_ppm_);
  return std::max(world_now, base_world_ + Duration(elapsed));
}

void SimClock::rebase(Time now) {
  base_host_ = formula(now);
  base_world_ = now;
}

void SimClock::step(Time now, Duration offset) {
  rebase(now);
  base_host_ += offset;
}

void SimClock::set_rate(Time now, std::int64_t rate_ppm) {
  KEEL_ASSERT(rate_ppm > 0, "clock rate must be positive, got ", rate_ppm, " ppm");
  rebase(now);
  rate_ppm_ = rate_ppm;
}

}  // namespace keel::sim
