#include "core/fleet/engine.h"

#include <gtest/gtest.h>

#include "core/env/str.h"
#include "core/fleet/schema.h"
#include "sim/world.h"
#include "tests/sim/support/memory_store.h"

namespace keel::fleet {
namespace {

using sim::MemoryStore;
using sim::World;
using Machines = std::vector<std::string>;

constexpr std::string_view kWeb = "[Service]\nExecStart=/bin/web\n";

struct EngineProgram : sim::Program {
  EngineProgram(Env& env, MemoryStore& store)
      : client(env, store, {.client_id = env.self}), engine(env, client) {}
  sim::MemoryStoreClient client;
  Engine engine;
};

class EngineTest : public ::testing::Test {
 protected:
  MemoryStore store;  // outlives the world's programs
  World world{11};

  NodeId add_member(std::string name) {
    return world.add_host(std::move(name),
                          [this](Env& env) { return std::make_unique<EngineProgram>(env, store); });
  }
  Engine& engine(NodeId member) {
    return static_cast<EngineProgram*>(world.host(member).program())->engine;
  }

  // Runs the world until `done` holds, for at most `bound` of simulated time.
  bool run_until(const std::function<bool()>& done, Duration bound = std::chrono::seconds(5)) {
    const Time deadline = world.now() + bound;
    while (!done()) {
      if (world.now() > deadline || !world.step()) return false;
    }
    return true;
  }

  void put(const std::string& key, const std::string& value, kv::LeaseId lease = 0) {
    kv::PutRequest request;
    request.key = kv::to_bytes(key);
    request.value = kv::to_bytes(value);
    request.lease = lease;
    ASSERT_TRUE(store.apply(std::move(request)).has_value());
  }
  std::vector<kv::KeyValue> range(std::string_view prefix) {
    kv::RangeRequest request;
    request.key = kv::to_bytes(prefix);
    request.range_end = kv::prefix_end(request.key);
    return std::get<kv::RangeResponse>(store.apply(std::move(request))->result).kvs;
  }
  std::optional<std::string> get(const std::string& key) {
    for (const kv::KeyValue& kv : range(key)) {
      if (kv::to_string(kv.key) == key) return kv::to_string(kv.value);
    }
    return std::nullopt;
  }

  // A machine's record under a new lease of its own, as its agent would write it.
  kv::LeaseId add_machine(const std::string& id, std::map<std::string, std::string> metadata = {}) {
    kv::LeaseGrantRequest grant;
    grant.ttl = 10;
    auto granted = store.apply(grant);
    const kv::LeaseId lease = std::get<kv::LeaseGrantResponse>(granted->result).id;
    put(machine_key(id), encode(MachineRecord{id, "10.0.0.1", std::move(metadata), {}}), lease);
    return lease;
  }
  void add_unit(const std::string& name, std::string_view text,
                std::string_view desired = "launched") {
    put(unit_key(name), std::string(text));
    put(desired_key(name), std::string(desired));
  }
  Machines assigned(std::string_view unit) {
    Machines machines;
    for (const kv::KeyValue& kv : range(kAssignPrefix)) {
      auto pair = key_pair(kv::to_string(kv.key), kAssignPrefix);
      if (pair && pair->second == unit) machines.push_back(pair->first);
    }
    return machines;
  }
  std::function<bool()> assigned_to(std::string unit, Machines machines) {
    return [this, unit, machines] { return assigned(unit) == machines; };
  }
};

TEST_F(EngineTest, ClaimsAndPlacesSubmittedUnitsWhenItLeads) {
  const NodeId n1 = add_member("n1");
  add_machine("m1");
  add_machine("m2");
  add_unit("a.service", kWeb);
  add_unit("b.service", kWeb, "loaded");
  engine(n1).lead(3);
  ASSERT_TRUE(run_until([&] { return engine(n1).stats().writes == 2; }));
  EXPECT_EQ(assigned("a.service").size() + assigned("b.service").size(), 2u);
  EXPECT_EQ(engine(n1).state(), Engine::State::kActive);
  EXPECT_EQ(decode_engine_claim(*get(std::string(kEngineKey))), (EngineClaim{3, "n1"}));
  EXPECT_NE(assigned("a.service"), assigned("b.service"));  // spread by load
  EXPECT_EQ(engine(n1).stats().claims, 1u);
  EXPECT_EQ(engine(n1).stats().txns, 1u);
  // Settled, the periods pass without planning again.
  world.run_for(std::chrono::seconds(1));
  const std::uint64_t passes = engine(n1).stats().passes;
  EXPECT_GE(passes, 2u);  // the one that wrote, the one that found nothing to do
  world.run_for(std::chrono::seconds(3));
  EXPECT_EQ(engine(n1).stats().passes, passes);
  // Agents reporting states change nothing while no unit waits for one.
  for (auto state : {ActiveState::kActivating, ActiveState::kActive}) {
    put(state_key(assigned("a.service").front(), "a.service"), encode(UnitState{state, 0, 0, ""}));
    world.run_for(std::chrono::seconds(1));
  }
  EXPECT_EQ(engine(n1).stats().passes, passes);
}

TEST_F(EngineTest, UnitsLeaveAMachineWhoseLeaseExpired) {
  const NodeId n1 = add_member("n1");
  const kv::LeaseId m1 = add_machine("m1");
  add_unit("a.service", kWeb);
  engine(n1).lead(1);
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m1"})));
  put(state_key("m1", "a.service"), encode(UnitState{ActiveState::kActive, 0, 0, ""}), m1);
  add_machine("m2");
  store.revoke(m1);  // the record and the state vanish together
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m2"})));
}

TEST_F(EngineTest, GlobalUnitsFollowMachinesThatComeAndGo) {
  const NodeId n1 = add_member("n1");
  const kv::LeaseId m1 = add_machine("m1");
  add_unit("g.service", "[Service]\nExecStart=/bin/g\n[X-Fleet]\nGlobal=true\n");
  engine(n1).lead(1);
  ASSERT_TRUE(run_until(assigned_to("g.service", {"m1"})));
  add_machine("m2");
  ASSERT_TRUE(run_until(assigned_to("g.service", {"m1", "m2"})));
  store.revoke(m1);
  ASSERT_TRUE(run_until(assigned_to("g.service", {"m2"})));
}

TEST_F(EngineTest, UnplaceableUnitsGetReasonsUntilTheyArePlaced) {
  const NodeId n1 = add_member("n1");
  add_machine("m1");
  add_unit("p.service", "[Service]\nExecStart=/bin/p\n[X-Fleet]\nMachineID=m7\n");
  engine(n1).lead(1);
  const std::string key = unplaced_key("p.service");
  ASSERT_TRUE(run_until([&] { return get(key).has_value(); }));
  EXPECT_EQ(decode_unplaced(*get(key)), "MachineID m7 names no machine");
  add_machine("m7");
  ASSERT_TRUE(run_until(assigned_to("p.service", {"m7"})));
  EXPECT_EQ(get(key), std::nullopt);
}

TEST_F(EngineTest, AMoveWaitsForTheOldMachinesStateToStop) {
  const NodeId n1 = add_member("n1");
  const kv::LeaseId m1 = add_machine("m1", {{"disk", "ssd"}});
  add_machine("m2", {{"disk", "ssd"}});
  add_unit("a.service", "[Service]\nExecStart=/bin/a\n[X-Fleet]\nMachineMetadata=disk=ssd\n");
  engine(n1).lead(1);
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m1"})));
  const std::string state = state_key("m1", "a.service");
  put(state, encode(UnitState{ActiveState::kActive, 0, 0, ""}), m1);
  put(machine_key("m1"), encode(MachineRecord{"m1", "10.0.0.1", {{"disk", "hdd"}}, {}}), m1);
  ASSERT_TRUE(run_until(assigned_to("a.service", {})));
  // Several periods pass: the unit stays unassigned while m1 says it may be running.
  EXPECT_FALSE(run_until([&] { return !assigned("a.service").empty(); }, std::chrono::seconds(3)));
  EXPECT_NE(get(unplaced_key("a.service")), std::nullopt);
  put(state, encode(UnitState{ActiveState::kInactive, 0, 0, ""}), m1);
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m2"})));
}

TEST_F(EngineTest, AnOldEnginesFencedTxnFailsAfterANewerClaim) {
  const NodeId n1 = add_member("n1");
  add_machine("m1");
  for (int i = 0; i < 200; ++i) add_unit(str("u", i, ".service"), kWeb);
  engine(n1).lead(1);
  // The 200 assignments take two txns; a newer engine claims between them (after the first is
  // applied, before its answer is back).
  ASSERT_TRUE(run_until([&] { return range(kAssignPrefix).size() == kv::kMaxTxnOps; }));
  put(std::string(kEngineKey), encode(EngineClaim{2, "n2"}));
  ASSERT_TRUE(run_until([&] { return engine(n1).state() == Engine::State::kStopped; }));
  EXPECT_EQ(engine(n1).stats().fenced_out, 1u);
  EXPECT_EQ(range(kAssignPrefix).size(), kv::kMaxTxnOps);  // only the first txn landed
  // Deposed, it writes nothing more.
  add_unit("late.service", kWeb);
  EXPECT_FALSE(
      run_until([&] { return !assigned("late.service").empty(); }, std::chrono::seconds(3)));
}

TEST_F(EngineTest, AnEngineThatSeesANewerClaimStopsAndTheNewOneTakesOver) {
  const NodeId n1 = add_member("n1");
  const NodeId n2 = add_member("n2");
  add_machine("m1");
  engine(n1).lead(1);
  ASSERT_TRUE(run_until([&] { return engine(n1).state() == Engine::State::kActive; }));
  engine(n2).lead(2);
  ASSERT_TRUE(run_until([&] { return engine(n1).state() == Engine::State::kStopped; }));
  EXPECT_EQ(engine(n2).state(), Engine::State::kActive);
  add_unit("a.service", kWeb);
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m1"})));
  EXPECT_EQ(engine(n1).stats().txns, 0u);
}

TEST_F(EngineTest, ALowerTermCannotClaim) {
  const NodeId n1 = add_member("n1");
  put(std::string(kEngineKey), encode(EngineClaim{5, "n9"}));
  add_machine("m1");
  add_unit("a.service", kWeb);
  engine(n1).lead(4);
  ASSERT_TRUE(run_until([&] { return engine(n1).state() == Engine::State::kStopped; }));
  EXPECT_EQ(decode_engine_claim(*get(std::string(kEngineKey))), (EngineClaim{5, "n9"}));
  EXPECT_EQ(engine(n1).stats().claims, 0u);
  EXPECT_TRUE(assigned("a.service").empty());
  engine(n1).lead(6);  // a later term wins over the stored one
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m1"})));
}

TEST_F(EngineTest, AClaimWhoseAnswerWasLostIsFoundAndTaken) {
  const NodeId n1 = add_member("n1");
  add_machine("m1");
  add_unit("a.service", kWeb);
  put(std::string(kEngineKey), encode(EngineClaim{3, "n1"}));  // as if written, answer lost
  engine(n1).lead(3);
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m1"})));
  EXPECT_EQ(engine(n1).stats().claims, 1u);
}

TEST_F(EngineTest, AnUnreadableClaimIsReplaced) {
  const NodeId n1 = add_member("n1");
  put(std::string(kEngineKey), "zzz");  // sorts above every claim
  engine(n1).lead(1);
  ASSERT_TRUE(run_until([&] { return engine(n1).state() == Engine::State::kActive; }));
  EXPECT_EQ(decode_engine_claim(*get(std::string(kEngineKey))), (EngineClaim{1, "n1"}));
}

TEST_F(EngineTest, AFollowerWritesNothing) {
  const NodeId n1 = add_member("n1");
  add_machine("m1");
  engine(n1).lead(1);
  ASSERT_TRUE(run_until([&] { return engine(n1).state() == Engine::State::kActive; }));
  engine(n1).follow();
  add_unit("a.service", kWeb);
  EXPECT_FALSE(run_until([&] { return !assigned("a.service").empty(); }, std::chrono::seconds(3)));
  EXPECT_EQ(engine(n1).state(), Engine::State::kFollowing);
}

TEST_F(EngineTest, AClaimThatTimesOutIsRetried) {
  const NodeId n1 = add_member("n1");
  add_machine("m1");
  add_unit("a.service", kWeb);
  store.cut(n1);
  engine(n1).lead(1);
  EXPECT_FALSE(run_until([&] { return engine(n1).state() != Engine::State::kClaiming; },
                         std::chrono::seconds(7)));
  store.heal(n1);
  ASSERT_TRUE(run_until(assigned_to("a.service", {"m1"}), std::chrono::seconds(10)));
}

}  // namespace
}  // namespace keel::fleet
