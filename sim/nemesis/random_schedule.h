// Random fault schedules for property tests and seed sweeps: a rapidcheck generator, so a failing
// schedule shrinks (fewer faults, earlier and shorter ones) to a minimal one, and a seeded sampler
// of the same generator, so `keelsim raft --seed N` gives the same schedule as any other run of N.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <vector>

#include "sim/nemesis/fault.h"

namespace keel::sim {

struct ScheduleShape {
  int members = 5;
  Duration duration = std::chrono::seconds(10);  // faults fire in [0, duration)
  int max_faults = 12;
};

rc::Gen<std::vector<Fault>> gen_schedule(const ScheduleShape& shape);
// The schedule the generator gives for `seed` (no shrinking).
std::vector<Fault> sample_schedule(const ScheduleShape& shape, std::uint64_t seed);

}  // namespace keel::sim
