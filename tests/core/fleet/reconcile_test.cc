#include "core/fleet/reconcile.h"

#include <gtest/gtest.h>

#include "core/fleet/schema.h"
#include "tests/core/fleet/fleet_copy.h"

namespace keel::fleet::test {
namespace {

constexpr std::string_view kWeb = "[Service]\nExecStart=/bin/web\n";

using Machines = std::vector<std::string>;

TEST(Reconcile, PlacesLoadedAndLaunchedUnitsWithTheirTextAndLeavesInactiveOnes) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.unit("a.service", kWeb, "launched");
  fleet.unit("b.service", kWeb, "loaded");
  fleet.unit("c.service", kWeb, "inactive");
  fleet.pass();
  EXPECT_EQ(fleet.get(assign_key("m1", "a.service")),
            encode(Assignment{DesiredState::kLaunched, std::string(kWeb)}));
  EXPECT_EQ(fleet.get(assign_key("m1", "b.service")),
            encode(Assignment{DesiredState::kLoaded, std::string(kWeb)}));
  EXPECT_EQ(fleet.assigned("c.service"), Machines{});
  EXPECT_TRUE(fleet.pass().writes.empty());  // a second pass has nothing to change
}

TEST(Reconcile, RewritesAnAssignmentWhenTheDesiredStateChangesAndDeletesItOnUnloadOrDestroy) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.unit("a.service", kWeb, "launched");
  fleet.unit("b.service", kWeb, "launched");
  fleet.pass();
  fleet.put(desired_key("a.service"), "loaded");
  const auto writes = fleet.pass().writes;
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].key, assign_key("m1", "a.service"));
  EXPECT_EQ(decode_assignment(*writes[0].value)->desired, DesiredState::kLoaded);
  fleet.put(desired_key("a.service"), "inactive");
  fleet.erase(unit_key("b.service"));
  fleet.erase(desired_key("b.service"));
  fleet.pass();
  EXPECT_EQ(fleet.assigned("a.service"), Machines{});
  EXPECT_EQ(fleet.assigned("b.service"), Machines{});
}

TEST(Reconcile, AMachineWhoseRecordVanishedLosesItsUnitsToTheOthers) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.unit("a.service", kWeb, "launched");
  fleet.pass();
  ASSERT_EQ(fleet.assigned("a.service"), Machines{"m1"});
  fleet.machine("m2");
  fleet.erase(machine_key("m1"));  // its lease expired: its state records went with it
  const auto writes = fleet.pass().writes;
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_FALSE(writes[0].value.has_value());  // the delete comes first
  EXPECT_EQ(fleet.assigned("a.service"), Machines{"m2"});
}

TEST(Reconcile, AMoveWaitsUntilTheOldMachineReportsTheUnitStopped) {
  Fleet fleet;
  fleet.machine("m1", {{"disk", "ssd"}});
  fleet.machine("m2", {{"disk", "ssd"}});
  fleet.unit("a.service", "[Service]\nExecStart=/bin/a\n[X-Fleet]\nMachineMetadata=disk=ssd\n",
             "launched");
  fleet.pass();
  ASSERT_EQ(fleet.assigned("a.service"), Machines{"m1"});
  fleet.state("m1", "a.service", ActiveState::kActive);
  fleet.machine("m1", {{"disk", "hdd"}});  // the rule no longer holds on m1: it must move
  Reconciliation first = fleet.pass();
  EXPECT_EQ(first.waiting, 1u);
  EXPECT_EQ(fleet.assigned("a.service"), Machines{});  // phase 1: only the old one deleted
  EXPECT_EQ(fleet.unplaced("a.service"), "waiting for it to stop on m1");
  fleet.state("m1", "a.service", ActiveState::kDeactivating);
  EXPECT_EQ(fleet.pass().waiting, 1u);
  EXPECT_EQ(fleet.assigned("a.service"), Machines{});
  fleet.state("m1", "a.service", ActiveState::kInactive);
  EXPECT_EQ(fleet.pass().waiting, 0u);
  EXPECT_EQ(fleet.assigned("a.service"), Machines{"m2"});  // phase 2
  EXPECT_EQ(fleet.get(unplaced_key("a.service")), std::nullopt);
}

TEST(Reconcile, AnUnreadableStateCountsAsRunningAndItsPeersWaitToo) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.unit("a.service", kWeb, "launched");
  fleet.unit("b.service", "[Service]\nExecStart=/bin/b\n[X-Fleet]\nMachineOf=a.service\n",
             "launched");
  fleet.put(state_key("old", "a.service"), "not a record");
  Reconciliation result = fleet.pass();
  EXPECT_EQ(result.waiting, 2u);
  EXPECT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(fleet.unplaced("a.service"), "waiting for it to stop on old");
  EXPECT_EQ(fleet.unplaced("b.service"), "waiting for its MachineOf peer a.service");
  fleet.erase(state_key("old", "a.service"));
  fleet.pass();
  EXPECT_EQ(fleet.assigned("a.service"), Machines{"m1"});
  EXPECT_EQ(fleet.assigned("b.service"), Machines{"m1"});
}

TEST(Reconcile, GlobalUnitsFollowMachinesThatComeAndGo) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.unit("g.service", "[Service]\nExecStart=/bin/g\n[X-Fleet]\nGlobal=true\n", "launched");
  fleet.state("m1", "g.service", ActiveState::kActive);  // running elsewhere does not hold a global
  fleet.pass();
  fleet.machine("m2");
  fleet.pass();
  EXPECT_EQ(fleet.assigned("g.service"), (Machines{"m1", "m2"}));
  fleet.erase(machine_key("m1"));
  fleet.pass();
  EXPECT_EQ(fleet.assigned("g.service"), Machines{"m2"});
}

TEST(Reconcile, UnplaceableUnitsGetReasonsThatGoOnceTheyArePlaced) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.unit("pinned.service", "[Service]\nExecStart=/bin/p\n[X-Fleet]\nMachineID=m9\n",
             "launched");
  fleet.unit("broken.service", "[Service]\nExecStart=/bin/b\n[X-Fleet]\nBogus=1\n", "launched");
  fleet.unit("quiet.service", "[Service]\nExecStart=/bin/b\n[X-Fleet]\nBogus=1\n", "inactive");
  fleet.unit("t@.service", kWeb, "launched");
  fleet.pass();
  EXPECT_EQ(fleet.unplaced("pinned.service"), "MachineID m9 names no machine");
  EXPECT_NE(fleet.unplaced("broken.service").find("unit file: line 4"), std::string::npos);
  EXPECT_EQ(fleet.get(unplaced_key("quiet.service")), std::nullopt);
  EXPECT_NE(fleet.unplaced("t@.service").find("template"), std::string::npos);
  fleet.machine("m9");
  fleet.pass();
  EXPECT_EQ(fleet.assigned("pinned.service"), Machines{"m9"});
  EXPECT_EQ(fleet.get(unplaced_key("pinned.service")), std::nullopt);
}

TEST(Reconcile, AGlobalUnitNamesTheMachinesItCouldNotGoOn) {
  Fleet fleet;
  fleet.machine("m1");  // no memory
  fleet.put(machine_key("m2"), encode(MachineRecord{"m2", "10.0.0.2", {}, {4ull << 30, 400}}));
  fleet.unit("g.service", "[Service]\nExecStart=/bin/g\nMemoryMax=1G\n[X-Fleet]\nGlobal=true\n",
             "launched");
  fleet.pass();
  EXPECT_EQ(fleet.assigned("g.service"), Machines{"m2"});
  EXPECT_EQ(fleet.unplaced("g.service"), "not on m1: memory fails on m1");
}

TEST(Reconcile, ANonGlobalUnitLeftOnSeveralMachinesKeepsTheFirst) {
  Fleet fleet;
  fleet.machine("m1");
  fleet.machine("m2");
  fleet.unit("a.service", kWeb, "launched");
  const std::string value = encode(Assignment{DesiredState::kLaunched, std::string(kWeb)});
  fleet.put(assign_key("m1", "a.service"), value);
  fleet.put(assign_key("m2", "a.service"), value);
  const auto writes = fleet.pass().writes;
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0], (StoreWrite{assign_key("m2", "a.service"), std::nullopt}));
}

TEST(Reconcile, AMachineRecordUnderAnotherNameIsAProblemNotAMachine) {
  Fleet fleet;
  fleet.put(machine_key("m1"), encode(MachineRecord{"m2", "10.0.0.1", {}, {}}));
  fleet.unit("a.service", kWeb, "launched");
  Reconciliation result = fleet.pass();
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].find("names machine m2"), std::string::npos);
  EXPECT_EQ(fleet.assigned("a.service"), Machines{});
  EXPECT_EQ(fleet.unplaced("a.service"), "no machine fits (of 0)");
}

}  // namespace
}  // namespace keel::fleet::test
