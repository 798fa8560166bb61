// A unit moves from a machine cut off from the store to another, as the engine moves it once the
// first machine's lease expired: at no moment may both machines run it, and the first machine,
// when it comes back, must not run what was assigned to it before its lease was lost, however
// late its watch of /fleet/assign/<machine>/ catches up.
#include <gtest/gtest.h>

#include "core/kv/limits.h"
#include "tests/sim/fleet/agent_harness.h"

namespace keel::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kWeb[] = "web.service";
constexpr char kFile[] = "[Service]\nExecStart=/bin/web\n";

// Runs the handover on one seed; the most copies of the unit seen running at once, and whether
// the first machine ran it again after it came back.
struct Outcome {
  int most_copies = 0;
  bool rerun_on_first = false;
};

// With `expire`, the lease expires while the machine is cut off (it registers again when it comes
// back); without, the engine moves the unit for another reason (a user's change) while the
// machine is fenced, and the machine's lease survives.
Outcome hand_over(std::uint64_t seed, bool expire) {
  MemoryStore store;
  World world(seed);
  NodeId m1 = add_agent(world, store, "m1");
  NodeId m2 = add_agent(world, store, "m2");
  Outcome outcome;
  auto step = [&](Duration d) {
    const Time end = world.now() + d;
    while (world.now() < end) {
      world.run_for(milliseconds(1));
      outcome.most_copies =
          std::max(outcome.most_copies, running(world, m1, kWeb) + running(world, m2, kWeb));
    }
  };
  assign(store, "m1", kWeb, kFile);
  step(seconds(2));
  EXPECT_EQ(running(world, m1, kWeb), 1);
  const kv::LeaseId lease = agent_of(world, m1).agent.lease();
  store.cut(m1);
  // Enough changes under m1's prefix that its watcher falls behind and is canceled as slow.
  const int noise = static_cast<int>(kv::WatchLimits{}.max_pending_events) + 10;
  for (int i = 0; i < noise; ++i) put(store, "/fleet/assign/m1/noise/x", std::to_string(i));
  step(milliseconds(5000 + seed * 37 % 1000));
  if (expire) store.revoke(lease);               // as the leader's lessor would
  remove(store, fleet::assign_key("m1", kWeb));  // the engine moves the unit
  assign(store, "m2", kWeb, kFile);
  step(seconds(2));
  EXPECT_EQ(running(world, m2, kWeb), 1);
  const std::uint64_t starts = agent_of(world, m1).agent.stats().starts;
  store.heal(m1);
  step(seconds(5));
  outcome.rerun_on_first = agent_of(world, m1).agent.stats().starts > starts;
  EXPECT_EQ(agent_of(world, m1).agent.presence_stats().registrations, expire ? 2u : 1u);
  EXPECT_FALSE(agent_of(world, m1).agent.fenced());
  return outcome;
}

TEST(Handover, NeverTwoCopiesAndNoStaleRunAfterTheLeaseWasLost) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome outcome = hand_over(seed, true);
    EXPECT_EQ(outcome.most_copies, 1) << "seed " << seed;
    EXPECT_FALSE(outcome.rerun_on_first) << "seed " << seed;
  }
}

TEST(Handover, NoStaleRunAfterAFencingTheLeaseSurvived) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome outcome = hand_over(seed, false);
    EXPECT_EQ(outcome.most_copies, 1) << "seed " << seed;
    EXPECT_FALSE(outcome.rerun_on_first) << "seed " << seed;
  }
}

}  // namespace
}  // namespace keel::sim
