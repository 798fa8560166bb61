// The agent's write-ahead start (agent.h): a container starts only after the unit's "activating"
// state was written by a txn guarded on the assignment's mod revision. The engine moves a unit
// by deleting its assignment, then assigning it elsewhere once no machine's state says it may
// run (reconcile.h); these tests play that engine while the first machine's state writes are
// held on their way to the store: the window in which an agent that starts first and reports
// after runs the unit beside the new machine until its own watch shows the delete.
#include <gtest/gtest.h>

#include "tests/sim/fleet/agent_harness.h"

namespace keel::sim {
namespace {

using fleet::ActiveState;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kWeb[] = "web.service";
constexpr char kWebFile[] = "[Service]\nExecStart=/bin/web\n";
constexpr char kAlwaysFile[] = "[Service]\nExecStart=/bin/web\nRestart=always\nRestartSec=1s\n";

// What the engine reads before it assigns a unit elsewhere (reconcile.h's no-double-run rule).
bool may_run_on(MemoryStore& store, const std::string& machine, const std::string& unit) {
  auto state = stored_state(store, machine, unit);
  return state && fleet::may_be_running(state->state);
}

class GuardedStart : public ::testing::Test {
 protected:
  GuardedStart() : m1(add_agent(world, store, "m1")), m2(add_agent(world, store, "m2")) {
    EXPECT_TRUE(run_until(
        world,
        [&] {
          return agent_of(world, m1).agent.lease() != 0 && agent_of(world, m2).agent.lease() != 0;
        },
        seconds(1)));
  }
  // Runs `d` in 1 ms steps, noting the most copies of the unit running at once.
  void step(Duration d) {
    const Time end = world.now() + d;
    while (world.now() < end) {
      world.run_for(milliseconds(1));
      most_copies = std::max(most_copies, running(world, m1, kWeb) + running(world, m2, kWeb));
    }
  }
  // The engine's move from m1 to m2: delete, check that no state says the unit may run, assign.
  void move_to_m2() {
    remove(store, fleet::assign_key("m1", kWeb));
    ASSERT_FALSE(may_run_on(store, "m1", kWeb)) << "the engine would wait; no race to test";
    assign(store, "m2", kWeb, kWebFile);
  }

  MemoryStore store;
  World world{21};
  NodeId m1;
  NodeId m2;
  int most_copies = 0;
};

TEST_F(GuardedStart, AUnitMovedBeforeItsStateLandedNeverRunsTwice) {
  store.hold(m1, fleet::state_prefix("m1"));
  assign(store, "m1", kWeb, kWebFile);
  step(milliseconds(200));
  EXPECT_EQ(running(world, m1, kWeb), 0) << "started before its state was written";
  EXPECT_GE(store.held(m1), 1u);
  // m1's watch lags (cut for less than its fencing deadline) while the engine moves the unit,
  // and m1's write lands after the delete, answered while its watch still lags: an unguarded
  // write-ahead would start here.
  store.cut(m1);
  move_to_m2();
  step(milliseconds(300));
  store.release(m1);
  step(milliseconds(300));
  EXPECT_EQ(agent_of(world, m1).agent.stats().start_refusals, 1u);
  store.heal(m1);
  step(seconds(2));
  EXPECT_EQ(most_copies, 1);
  EXPECT_EQ(running(world, m2, kWeb), 1);
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 0u);
  EXPECT_FALSE(get(store, fleet::state_key("m1", kWeb)).has_value());
  EXPECT_FALSE(agent_of(world, m1).agent.state_of(kWeb).has_value());
}

TEST_F(GuardedStart, AUnitStartsOnceItsActivatingStateIsStored) {
  store.hold(m1, fleet::state_prefix("m1"));
  assign(store, "m1", kWeb, kWebFile);
  step(seconds(1));
  EXPECT_EQ(running(world, m1, kWeb), 0);
  store.release(m1);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        auto state = stored_state(store, "m1", kWeb);
        return running(world, m1, kWeb) == 1 && state && state->state == ActiveState::kActive;
      },
      milliseconds(100)));
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 1u);
}

TEST_F(GuardedStart, AWriteRefusedForAnAssignmentRewrittenMeanwhileIsRetriedOnTheNewRevision) {
  store.hold(m1, fleet::state_prefix("m1"));
  assign(store, "m1", kWeb, kWebFile);
  step(milliseconds(100));
  assign(store, "m1", kWeb, kWebFile);  // the same assignment at a new revision
  step(milliseconds(100));
  EXPECT_EQ(running(world, m1, kWeb), 0);
  store.release(m1);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        auto state = stored_state(store, "m1", kWeb);
        return running(world, m1, kWeb) == 1 && state && state->state == ActiveState::kActive;
      },
      milliseconds(100)));
  EXPECT_EQ(agent_of(world, m1).agent.stats().start_refusals, 1u);
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 1u);
}

TEST_F(GuardedStart, AnAgentFencedWhileItsWriteWasHeldStartsNothingWhenTheWriteLands) {
  store.hold(m1, fleet::state_prefix("m1"));
  assign(store, "m1", kWeb, kWebFile);
  step(milliseconds(100));
  store.cut(m1);
  ASSERT_TRUE(run_until(
      world, [&] { return agent_of(world, m1).agent.fenced(); }, seconds(5)));
  store.release(m1);  // the guarded write lands, and is answered, while m1 is fenced
  step(seconds(1));
  EXPECT_EQ(running(world, m1, kWeb), 0) << "started while fenced";
  store.heal(m1);
  // Once unfenced it starts, after the write sent while cut off timed out (5 s).
  ASSERT_TRUE(run_until(
      world,
      [&] {
        auto state = stored_state(store, "m1", kWeb);
        return running(world, m1, kWeb) == 1 && state && state->state == ActiveState::kActive;
      },
      seconds(7)));
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 1u);
  EXPECT_EQ(agent_of(world, m1).agent.presence_stats().registrations, 1u);
}

TEST_F(GuardedStart, ARestartWaitsForItsGuardedStateWrite) {
  assign(store, "m1", kWeb, kAlwaysFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(1)));
  world.host(m1).containers().crash(kWeb);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        auto state = stored_state(store, "m1", kWeb);
        return state && state->state == ActiveState::kActivating && !state->reason.empty();
      },
      milliseconds(100)))
      << "the auto-restart state";
  store.hold(m1, fleet::state_prefix("m1"));
  step(seconds(2));  // RestartSec=1s passed
  EXPECT_EQ(running(world, m1, kWeb), 0) << "restarted before its state was written";
  EXPECT_EQ(agent_of(world, m1).agent.stats().restarts, 0u);
  store.release(m1);
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, milliseconds(100)));
  EXPECT_EQ(agent_of(world, m1).agent.stats().restarts, 1u);
}

}  // namespace
}  // namespace keel::sim
