// The unit checker must name each kind of unsafe process layout, and accept safe ones.
#include "sim/checkers/unit_checker.h"

#include <gtest/gtest.h>

#include "core/fleet/unit_file.h"

namespace keel::sim {
namespace {

Time at(int ms) { return Time{} + std::chrono::milliseconds(ms); }

fleet::Unit unit(const std::string& name, const std::string& fleet_section = "",
                 const std::string& service_extra = "") {
  auto file = fleet::parse_unit_file(
      name, "[Service]\nExecStart=/bin/run\n" + service_extra + "[X-Fleet]\n" + fleet_section);
  EXPECT_TRUE(file.has_value()) << file.error().message;
  return fleet::Unit{name, fleet::placement_rules(*file), fleet::DesiredState::kLaunched};
}

std::vector<fleet::Machine> machines() {
  return {{"n1", {{"region", "east"}}, {1u << 30, 100}},
          {"n2", {{"region", "west"}}, {1u << 30, 100}}};
}

TEST(UnitChecker, AcceptsOneProcessPerUnitAndGlobalUnitsEverywhere) {
  UnitChecker checker(machines(), {unit("a.service"), unit("g.service", "Global=true\n")});
  checker.on_live(at(1), "n1", "a.service", 1);
  checker.on_live(at(1), "n1", "g.service", 2);
  checker.on_live(at(1), "n2", "g.service", 1);
  checker.on_gone(at(5), "n1", 1);
  checker.on_live(at(6), "n2", "a.service", 2);  // moved after it was gone
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  EXPECT_EQ(checker.live().at("a.service"), std::set<std::string>{"n2"});
}

TEST(UnitChecker, CatchesADoubleRun) {
  UnitChecker checker(machines(), {unit("a.service")});
  checker.on_live(at(1), "n1", "a.service", 1);
  checker.on_live(at(2), "n2", "a.service", 1);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations().front().check, "no double run");
  EXPECT_NE(checker.violations().front().detail.find("n1 and on n2"), std::string::npos);
}

// A paused keeld cannot fence its machine (no lease-based fencing can while its process is
// stopped): a second process beside one of its processes is excused while it is paused and for the
// fencing margin after it resumes, and caught after that.
TEST(UnitChecker, ExcusesADoubleRunBesideAPausedMachineOnly) {
  UnitChecker checker(machines(), {unit("a.service"), unit("b.service"), unit("c.service")},
                      std::chrono::milliseconds(1500));
  checker.on_live(at(1), "n1", "a.service", 1);
  checker.on_live(at(1), "n1", "b.service", 2);
  checker.on_live(at(1), "n1", "c.service", 3);
  checker.on_paused("n1");
  checker.on_live(at(2000), "n2", "a.service", 1);  // while n1 is paused
  checker.on_resumed(at(3000), "n1");
  checker.on_live(at(4000), "n2", "b.service", 2);  // 1 s after it resumed
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  EXPECT_EQ(checker.excused_double_runs(), 2u);
  checker.on_live(at(4600), "n2", "c.service", 3);  // 1.6 s after: n1 should have fenced
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations().front().check, "no double run");
  EXPECT_NE(checker.violations().front().detail.find("c.service runs on n1 and on n2"),
            std::string::npos);
}

TEST(UnitChecker, CatchesTwoProcessesOfOneUnitOnOneMachine) {
  UnitChecker checker(machines(), {unit("a.service")});
  checker.on_live(at(1), "n1", "a.service", 1);
  checker.on_live(at(2), "n1", "a.service", 2);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations().front().check, "one process per unit");
}

TEST(UnitChecker, CatchesConflictsMetadataAndResources) {
  UnitChecker conflicts(
      machines(), {unit("web@1.service", "Conflicts=web@*.service\n"), unit("web@2.service")});
  conflicts.on_live(at(1), "n1", "web@1.service", 1);
  conflicts.on_live(at(1), "n1", "web@2.service", 2);
  ASSERT_FALSE(conflicts.ok());
  EXPECT_NE(conflicts.violations().front().detail.find("Conflicts"), std::string::npos);

  UnitChecker metadata(machines(), {unit("e.service", "MachineMetadata=region=east\n")});
  metadata.on_live(at(1), "n2", "e.service", 1);
  ASSERT_FALSE(metadata.ok());
  EXPECT_NE(metadata.violations().front().detail.find("MachineMetadata"), std::string::npos);

  UnitChecker memory(machines(), {unit("big1.service", "", "MemoryMax=768M\n"),
                                  unit("big2.service", "", "MemoryMax=768M\n")});
  memory.on_live(at(1), "n1", "big1.service", 1);
  EXPECT_TRUE(memory.ok());
  memory.on_live(at(1), "n1", "big2.service", 2);
  ASSERT_FALSE(memory.ok());
  EXPECT_NE(memory.violations().front().detail.find("memory"), std::string::npos);
}

TEST(UnitChecker, CatchesAProcessThatOutlivesItsMachinesLease) {
  UnitChecker checker(machines(), {unit("a.service"), unit("b.service")});
  checker.on_live(at(1), "n1", "a.service", 1);
  checker.on_live(at(3000), "n1", "b.service", 2);  // started under a new lease: fine
  checker.check_fenced(at(2500), "n1", at(1000));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations().front().check, "self-fencing");
  EXPECT_NE(checker.violations().front().detail.find("a.service"), std::string::npos);
  EXPECT_EQ(checker.violations().size(), 1u);
}

TEST(UnitChecker, AcceptsAFencedMachine) {
  UnitChecker checker(machines(), {unit("a.service")});
  checker.on_live(at(1), "n1", "a.service", 1);
  checker.on_gone(at(900), "n1", 1);
  checker.check_fenced(at(2500), "n1", at(1000));
  EXPECT_TRUE(checker.ok());
}

}  // namespace
}  // namespace keel::sim
