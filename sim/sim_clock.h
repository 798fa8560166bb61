// SimClock: one machine's monotonic clock as a function of true (world) time, with an offset and a
// drift rate that faults can change while the machine runs.
#pragma once

#include <cstdint>

#include "core/env/types.h"

namespace keel::sim {

// host(w) = base_host + (w - base_world) * rate, piecewise: every change of offset or rate starts a
// new piece at the current world time. Readings never go backwards: after a backward step the clock
// stands still until the formula catches up (a monotonic clock cannot run backwards).
class SimClock {
 public:
  static constexpr std::int64_t kOneRate = 1'000'000;  // rates are in parts per million

  explicit SimClock(Time boot_reading = Time{}) : base_host_(boot_reading) {}

  // The reading at world time w (w never earlier than the latest change).
  Time read(Time world);
  // The earliest world time at which the reading reaches `deadline` (at least `world_now`).
  Time world_time_of(Time deadline, Time world_now) const;

  // Steps the clock by `offset` (either sign) at world time `now`.
  void step(Time now, Duration offset);
  // Changes the rate at `now`: 1'050'000 runs 5% fast, 950'000 5% slow.
  void set_rate(Time now, std::int64_t rate_ppm);
  std::int64_t rate() const { return rate_ppm_; }

 private:
  Time formula(Time world) const;
  void rebase(Time now);

  Time base_world_{};
  Time base_host_{};
  std::int64_t rate_ppm_ = kOneRate;
  Time last_reading_{};
};

}  // namespace keel::sim
