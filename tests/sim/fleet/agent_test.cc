// The agent over a MemoryStore in the simulator: it runs what is assigned, stops what is not,
// restarts with backoff, reports states, fences itself when cut off, registers again after its
// lease was revoked, and announces services whose check passes.
#include "core/fleet/agent.h"

#include <gtest/gtest.h>

#include "tests/sim/fleet/agent_harness.h"

namespace keel::sim {
namespace {

using fleet::ActiveState;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kWeb[] = "web.service";
constexpr char kWebFile[] = "[Service]\nExecStart=/bin/web --port 80\n";
constexpr char kAlwaysFile[] = "[Service]\nExecStart=/bin/web\nRestart=always\nRestartSec=1s\n";
constexpr char kAnnouncedFile[] =
    "[Service]\nExecStart=/bin/web\n[X-Service]\nName=web\nPort=8080\nInterval=1s\nTTL=3s\n";

bool state_is(MemoryStore& store, const std::string& unit, ActiveState state) {
  auto stored = stored_state(store, "m1", unit);
  return stored && stored->state == state;
}

TEST(Agent, RegistersUnderALeaseAndRunsAnAssignedUnit) {
  MemoryStore store;
  World world(1);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world,
      [&] { return running(world, m1, kWeb) == 1 && state_is(store, kWeb, ActiveState::kActive); },
      seconds(2)));
  const kv::LeaseId lease = agent_of(world, m1).agent.lease();
  ASSERT_NE(lease, 0);
  auto machine = get(store, fleet::machine_key("m1"));
  ASSERT_TRUE(machine.has_value());
  EXPECT_EQ(machine->lease, lease);
  EXPECT_EQ(get(store, fleet::state_key("m1", kWeb))->lease, lease);
  // Renewals keep it running: nothing changes over several TTLs.
  world.run_for(seconds(12));
  EXPECT_EQ(running(world, m1, kWeb), 1);
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 1u);
  EXPECT_EQ(agent_of(world, m1).agent.presence_stats().fencings, 0u);
}

// schema.h's promise: presence costs one keep-alive per renewal interval whatever the number of
// units, and a unit's state is written only when it changes.
TEST(Agent, CostsOneKeepAlivePerIntervalAndNoWritesWhenNothingChanges) {
  MemoryStore store;
  World world(14);
  NodeId m1 = add_agent(world, store, "m1");
  constexpr int kUnits = 20;
  for (int i = 0; i < kUnits; ++i) assign(store, "m1", str("u", i, ".service"), kWebFile);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        for (int i = 0; i < kUnits; ++i) {
          auto state = stored_state(store, "m1", str("u", i, ".service"));
          if (!state || state->state != ActiveState::kActive) return false;
        }
        return true;
      },
      seconds(2)));
  const fleet::Agent& agent = agent_of(world, m1).agent;
  // Each unit's state went inactive -> activating -> active: at most three puts, fewer when a
  // change came while the previous write was in flight.
  EXPECT_LE(agent.write_stats().puts, 3u * kUnits);
  const std::uint64_t writes = store.writes();
  const std::uint64_t keep_alives = store.keep_alives();
  world.run_for(seconds(60));
  EXPECT_EQ(store.writes(), writes);
  const Duration interval = agent_options("m1").presence.lease_ttl / 4;
  EXPECT_EQ(store.keep_alives() - keep_alives, static_cast<std::uint64_t>(seconds(60) / interval));
}

TEST(Agent, StopsALoadedUnitAndDeletesTheStateOfAnUnassignedOne) {
  MemoryStore store;
  World world(2);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  assign(store, "m1", kWeb, kWebFile, fleet::DesiredState::kLoaded);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        return running(world, m1, kWeb) == 0 && state_is(store, kWeb, ActiveState::kInactive);
      },
      seconds(1)));
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(1)));
  remove(store, fleet::assign_key("m1", kWeb));
  ASSERT_TRUE(run_until(
      world,
      [&] {
        return running(world, m1, kWeb) == 0 && !get(store, fleet::state_key("m1", kWeb)) &&
               !agent_of(world, m1).agent.state_of(kWeb);
      },
      seconds(1)));
}

TEST(Agent, RestartsAfterCrashesWithADoublingBackoff) {
  MemoryStore store;
  World world(3);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kAlwaysFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  for (Duration wait : {Duration(seconds(1)), Duration(seconds(2)), Duration(seconds(4))}) {
    world.host(m1).containers().crash(kWeb);
    world.run_for(milliseconds(10));
    ASSERT_EQ(running(world, m1, kWeb), 0);
    world.run_for(wait - milliseconds(20));
    EXPECT_EQ(running(world, m1, kWeb), 0) << "restarted before " << wait.count() << "ns";
    EXPECT_TRUE(run_until(
        world, [&] { return running(world, m1, kWeb) == 1; }, milliseconds(100)));
  }
  EXPECT_EQ(agent_of(world, m1).agent.stats().restarts, 3u);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        auto s = stored_state(store, "m1", kWeb);
        return s && s->restarts == 3u;
      },
      seconds(1)));
  // A run longer than stable_run (10 s) resets the backoff to RestartSec=.
  world.run_for(seconds(11));
  world.host(m1).containers().crash(kWeb);
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, milliseconds(1100)));
}

TEST(Agent, RunsANewUnitFileInPlaceOfTheOld) {
  MemoryStore store;
  World world(11);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  const ContainerId first = world.host(m1).containers().running().begin()->first;
  assign(store, "m1", kWeb, kAlwaysFile);
  ASSERT_TRUE(run_until(
      world,
      [&] {
        auto now = world.host(m1).containers().running();
        return now.size() == 1 && now.begin()->first != first;
      },
      seconds(1)));
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 2u);
  EXPECT_EQ(agent_of(world, m1).agent.stats().restarts, 0u);
}

TEST(Agent, RefusesAssignmentsPastItsUnitLimit) {
  MemoryStore store;
  World world(12);
  NodeId m1 = add_agent(world, store, "m1");
  const std::size_t units = fleet::kMaxUnitsPerMachine + 1;
  for (std::size_t i = 0; i < units; ++i) {
    assign(store, "m1", str("u", i, ".service"), kWebFile, fleet::DesiredState::kLoaded);
  }
  ASSERT_TRUE(run_until(
      world, [&] { return agent_of(world, m1).agent.stats().refused_assignments == 1; },
      seconds(2)));
  std::size_t held = 0;
  for (std::size_t i = 0; i < units; ++i) {
    if (agent_of(world, m1).agent.state_of(str("u", i, ".service"))) ++held;
  }
  EXPECT_EQ(held, fleet::kMaxUnitsPerMachine);
}

TEST(Agent, RestartNoLeavesAFailedUnitDown) {
  MemoryStore store;
  World world(4);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  world.host(m1).containers().crash(kWeb);
  ASSERT_TRUE(run_until(
      world, [&] { return state_is(store, kWeb, ActiveState::kFailed); }, seconds(1)));
  EXPECT_EQ(stored_state(store, "m1", kWeb)->exit_code, 128 + 9);
  EXPECT_EQ(stored_state(store, "m1", kWeb)->reason, "killed by signal 9");
  world.run_for(seconds(5));
  EXPECT_EQ(running(world, m1, kWeb), 0);
  EXPECT_EQ(agent_of(world, m1).agent.stats().starts, 1u);
}

TEST(Agent, AStartFailureIsRetriedUnderRestartOnFailure) {
  MemoryStore store;
  World world(5);
  NodeId m1 = add_agent(world, store, "m1");
  world.host(m1).containers().fail_next_start(kWeb);
  assign(store, "m1", kWeb,
         "[Service]\nExecStart=/bin/web\nRestart=on-failure\nRestartSec=200ms\n");
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  EXPECT_EQ(agent_of(world, m1).agent.stats().start_failures, 1u);
  EXPECT_EQ(agent_of(world, m1).agent.stats().restarts, 1u);
}

TEST(Agent, ABadUnitFileIsReportedFailedAndNeverRun) {
  MemoryStore store;
  World world(6);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, "[Service]\nRestart=sometimes\n");
  ASSERT_TRUE(run_until(
      world, [&] { return state_is(store, kWeb, ActiveState::kFailed); }, seconds(2)));
  EXPECT_NE(stored_state(store, "m1", kWeb)->reason.find("Restart"), std::string::npos);
  EXPECT_EQ(running(world, m1, kWeb), 0);
  EXPECT_EQ(agent_of(world, m1).agent.stats().bad_assignments, 1u);
}

TEST(Agent, FencesItselfWhenCutOffAndRunsAgainAfterTheLinkHeals) {
  MemoryStore store;
  World world(7);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(2)));
  world.run_for(seconds(3));
  const fleet::PresenceOptions presence = agent_options("m1").presence;
  const Duration renew = presence.lease_ttl / 4;
  const Duration deadline = presence.lease_ttl - presence.fencing_margin;
  store.cut(m1);
  // The last renewal that succeeded was sent at most one interval before the cut.
  world.run_for(deadline - renew - milliseconds(10));
  EXPECT_EQ(running(world, m1, kWeb), 1) << "fenced too early";
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 0; },
      renew + milliseconds(10) + presence.fence_kill_grace));
  EXPECT_TRUE(agent_of(world, m1).agent.fenced());
  EXPECT_EQ(agent_of(world, m1).agent.presence_stats().fencings, 1u);
  world.run_for(seconds(5));
  EXPECT_EQ(running(world, m1, kWeb), 0) << "started while fenced";
  store.heal(m1);
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, renew * 2));
  EXPECT_FALSE(agent_of(world, m1).agent.fenced());
  EXPECT_TRUE(run_until(
      world, [&] { return state_is(store, kWeb, ActiveState::kActive); }, seconds(1)));
}

TEST(Agent, StartsNothingUntilItCouldRegister) {
  MemoryStore store;
  World world(13);
  store.cut(1);  // the first machine's id, cut before it boots
  NodeId m1 = add_agent(world, store, "m1");
  ASSERT_EQ(m1, 1u);
  assign(store, "m1", kWeb, kWebFile);
  world.run_for(seconds(12));
  EXPECT_EQ(running(world, m1, kWeb), 0);
  EXPECT_TRUE(agent_of(world, m1).agent.fenced());
  EXPECT_FALSE(get(store, fleet::machine_key("m1")).has_value());
  store.heal(m1);
  // Calls sent before the heal still time out (5 s); then the grant and the mirror read retry.
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, kWeb) == 1; }, seconds(12)));
  EXPECT_EQ(agent_of(world, m1).agent.presence_stats().registrations, 1u);
}

TEST(Agent, RegistersAgainAndRewritesItsStatesAfterTheLeaseWasRevoked) {
  MemoryStore store;
  World world(8);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kWebFile);
  ASSERT_TRUE(run_until(
      world, [&] { return state_is(store, kWeb, ActiveState::kActive); }, seconds(2)));
  const kv::LeaseId first = agent_of(world, m1).agent.lease();
  store.revoke(first);
  EXPECT_FALSE(get(store, fleet::machine_key("m1")).has_value());
  ASSERT_TRUE(run_until(
      world,
      [&] {
        const kv::LeaseId now = agent_of(world, m1).agent.lease();
        auto machine = get(store, fleet::machine_key("m1"));
        auto state = get(store, fleet::state_key("m1", kWeb));
        return now != 0 && now != first && machine && machine->lease == now && state &&
               state->lease == now && state_is(store, kWeb, ActiveState::kActive) &&
               running(world, m1, kWeb) == 1;
      },
      seconds(4)));
  const fleet::Agent& agent = agent_of(world, m1).agent;
  EXPECT_EQ(agent.presence_stats().losses, 1u);
  EXPECT_EQ(agent.presence_stats().registrations, 2u);
  EXPECT_EQ(agent.stats().starts, 2u) << "the unit was stopped when the lease was lost";
}

TEST(Agent, AnnouncesAServiceWhileItsCheckPassesAndWithdrawsItOtherwise) {
  MemoryStore store;
  World world(9);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kAnnouncedFile);
  const std::string key = fleet::service_key("web", kWeb);
  ASSERT_TRUE(run_until(
      world, [&] { return get(store, key).has_value(); }, seconds(2)));
  auto record = fleet::decode_service(kv::to_string(get(store, key)->value));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(*record, (fleet::ServiceRecord{"web", kWeb, "m1", "10.0.0.1", 8080}));
  EXPECT_EQ(get(store, key)->lease, agent_of(world, m1).agent.lease());

  agent_of(world, m1).prober.set("web", ScriptedProber::Answer::kFail);
  EXPECT_TRUE(run_until(
      world, [&] { return !get(store, key); }, milliseconds(1100)));
  agent_of(world, m1).prober.set("web", ScriptedProber::Answer::kPass);
  EXPECT_TRUE(run_until(
      world, [&] { return get(store, key).has_value(); }, milliseconds(1100)));
  // A prober that stops answering keeps it announced no longer than TTL= (3 s).
  agent_of(world, m1).prober.set("web", ScriptedProber::Answer::kHang);
  world.run_for(seconds(2));
  EXPECT_TRUE(get(store, key).has_value());
  EXPECT_TRUE(run_until(
      world, [&] { return !get(store, key); }, seconds(2)));
  agent_of(world, m1).prober.set("web", ScriptedProber::Answer::kPass);
  EXPECT_TRUE(run_until(
      world, [&] { return get(store, key).has_value(); }, milliseconds(1100)))
      << "an unanswered probe is abandoned at the next tick";
  EXPECT_GE(agent_of(world, m1).agent.announce_stats().unanswered, 2u);
}

TEST(Agent, WithdrawsAServiceWhenItsUnitStops) {
  MemoryStore store;
  World world(10);
  NodeId m1 = add_agent(world, store, "m1");
  assign(store, "m1", kWeb, kAnnouncedFile);
  const std::string key = fleet::service_key("web", kWeb);
  ASSERT_TRUE(run_until(
      world, [&] { return get(store, key).has_value(); }, seconds(2)));
  world.host(m1).containers().crash(kWeb);
  EXPECT_TRUE(run_until(
      world, [&] { return !get(store, key); }, milliseconds(100)));
  EXPECT_EQ(agent_of(world, m1).agent.announce_stats().withdrawals, 1u);
}

}  // namespace
}  // namespace keel::sim
