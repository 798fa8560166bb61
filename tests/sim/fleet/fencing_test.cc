// Self-fencing under clock drift (presence.h): once cut off from the store, the agent must have
// stopped its units before the store can expire its lease, which happens no earlier than
// lease_ttl after the store last received a keep-alive. The agent counts on its own clock, so a
// slow clock delays its fencing in true time; the margin covers drift up to
// 1 - (ttl - margin) / ttl (30% for 5 s and 1.5 s, less the kill time). Past that the guarantee
// breaks, and the check below sees it: it can fail.
#include <gtest/gtest.h>

#include "tests/sim/fleet/agent_harness.h"

namespace keel::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kWeb[] = "web.service";

// True time from the last keep-alive the store received to the moment no container of the unit
// ran, when the machine is cut off with its clock at `rate_ppm`.
Duration stop_after_last_renewal(std::int64_t rate_ppm, std::uint64_t seed) {
  MemoryStore store;
  World world(seed);
  NodeId m1 = add_agent(world, store, "m1");
  world.set_clock_rate(m1, rate_ppm);
  assign(store, "m1", kWeb, "[Service]\nExecStart=/bin/web\n");
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  // Cut right after the store received a keep-alive: the last renewal is known to the test.
  const std::uint64_t keep_alives = store.keep_alives();
  EXPECT_TRUE(run_until(
      world, [&] { return store.keep_alives() > keep_alives; }, seconds(5)));
  const Time last_renewal = world.now();
  store.cut(m1);
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 0; }, seconds(10)));
  return world.now() - last_renewal;
}

TEST(Fencing, UnitsStopBeforeTheLeaseCanExpireWithClocksUpTo25PercentSlow) {
  const Duration ttl = agent_options("m1").presence.lease_ttl;
  for (std::int64_t rate : {750'000, 1'000'000, 1'250'000}) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const Duration stopped = stop_after_last_renewal(rate, seed);
      EXPECT_LT(stopped, ttl) << "rate " << rate << " seed " << seed;
    }
  }
}

TEST(Fencing, AClockSlowerThanTheMarginAllowsOutlivesTheLease) {
  const Duration ttl = agent_options("m1").presence.lease_ttl;
  EXPECT_GT(stop_after_last_renewal(600'000, 1), ttl);
}

}  // namespace
}  // namespace keel::sim
