// The placement engine on hand-made clusters: every rule, the choice, stability, and reasons.
#include "core/fleet/placement.h"

#include <gtest/gtest.h>

#include "core/fleet/placement_test_util.h"
#include "sim/checkers/placement_checker.h"

namespace keel::fleet::test {
using sim::placement_violations;
namespace {

Plan plan_ok(const Cluster& cluster) {
  auto plan = plan_placement(cluster);
  EXPECT_TRUE(plan) << plan.error().message;
  if (!plan) return {};
  EXPECT_EQ(placement_violations(cluster, plan->placement), std::vector<std::string>{});
  return *plan;
}

std::string where(const Plan& plan, const std::string& unit) {
  const auto found = plan.placement.find(unit);
  return found == plan.placement.end() ? "" : found->second.front();
}

std::string why_unplaced(const Plan& plan, const std::string& unit) {
  for (const Unplaced& u : plan.unplaced) {
    if (u.unit == unit) return u.reason;
  }
  return "";
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(Placement, LeastLoadedByReservedResourcesThenUnitsThenId) {
  Cluster c{{machine("m2", 16), machine("m1", 16), machine("m3", 32)},
            {unit("a.service", reserving(8)), unit("b.service", reserving(8)),
             unit("c.service", reserving(8)), unit("d.service")},
            {}};
  const Plan plan = plan_ok(c);
  // a: all empty, m1 by id. b: m2 (m1 half full). c: m3 (empty). d reserves nothing: m3 is a
  // quarter full, the others half, so m3.
  EXPECT_EQ(where(plan, "a.service"), "m1");
  EXPECT_EQ(where(plan, "b.service"), "m2");
  EXPECT_EQ(where(plan, "c.service"), "m3");
  EXPECT_EQ(where(plan, "d.service"), "m3");
  EXPECT_EQ(plan.changes.size(), 4u);
  EXPECT_EQ(plan.changes[0], (Change{Change::Kind::kPlace, "a.service", "", "m1", ""}));
}

TEST(Placement, UnitsWithoutReservationsSpreadByCount) {
  Cluster c{{machine("m1"), machine("m2")}, {}, {}};
  for (char n = 'a'; n < 'e'; ++n) c.units.push_back(unit(std::string(1, n) + ".service"));
  const Plan plan = plan_ok(c);
  EXPECT_EQ(where(plan, "a.service"), "m1");
  EXPECT_EQ(where(plan, "b.service"), "m2");
  EXPECT_EQ(where(plan, "c.service"), "m1");
  EXPECT_EQ(where(plan, "d.service"), "m2");
}

TEST(Placement, CapacityIsNeverExceededAndTheReasonSaysWhich) {
  Cluster c{{machine("m1", 4, 1), machine("m2", 4, 1)},
            {unit("a.service", reserving(3)), unit("b.service", reserving(3)),
             unit("c.service", reserving(3)), unit("d.service", reserving(0, 150))},
            {}};
  const Plan plan = plan_ok(c);
  EXPECT_EQ(why_unplaced(plan, "c.service"), "no machine fits (of 2): memory fails on 2");
  EXPECT_EQ(why_unplaced(plan, "d.service"), "no machine fits (of 2): CPU fails on 2");
}

TEST(Placement, MachineIdPins) {
  PlacementRules pinned;
  pinned.machine_id = "m2";
  PlacementRules lost;
  lost.machine_id = "m9";
  Cluster c{
      {machine("m1"), machine("m2")}, {unit("a.service", pinned), unit("b.service", lost)}, {}};
  const Plan plan = plan_ok(c);
  EXPECT_EQ(where(plan, "a.service"), "m2");
  EXPECT_EQ(why_unplaced(plan, "b.service"), "MachineID m9 names no machine");
}

TEST(Placement, MetadataRepeatedKeyIsOrDifferentKeysAnd) {
  PlacementRules rules;
  rules.machine_metadata = {{"region", {"eu", "us"}}, {"disk", {"ssd"}}};
  Cluster c{{machine("m1", 16, 8, {{"region", "eu"}, {"disk", "hdd"}}),
             machine("m2", 16, 8, {{"region", "ap"}, {"disk", "ssd"}}),
             machine("m3", 16, 8, {{"region", "us"}, {"disk", "ssd"}})},
            {unit("a.service", rules), unit("b.service", rules)},
            {}};
  Plan plan = plan_ok(c);
  EXPECT_EQ(where(plan, "a.service"), "m3");
  EXPECT_EQ(where(plan, "b.service"), "m3");
  c.machines.pop_back();
  plan = plan_ok(c);
  EXPECT_EQ(why_unplaced(plan, "a.service"), "no machine fits (of 2): MachineMetadata fails on 2");
}

TEST(Placement, MachineOfChainsFollowTheirPeers) {
  PlacementRules of_db, of_app;
  of_db.machine_of = {"db.service"};
  of_app.machine_of = {"app.service"};
  Cluster c{{machine("m1"), machine("m2"), machine("m3")},
            {unit("zz-log.service", of_app), unit("app.service", of_db),
             unit("db.service", reserving(1)), unit("filler.service")},
            {{"db.service", {"m2"}}}};
  const Plan plan = plan_ok(c);
  EXPECT_EQ(where(plan, "app.service"), "m2");
  EXPECT_EQ(where(plan, "zz-log.service"), "m2");
  // A peer that cannot be placed leaves its followers unplaced, saying why.
  c.units[2].rules.machine_id = "m9";
  c.current.clear();
  const Plan broken = plan_ok(c);
  EXPECT_EQ(why_unplaced(broken, "app.service"), "MachineOf peer db.service is not placed");
  EXPECT_EQ(why_unplaced(broken, "zz-log.service"), "MachineOf peer app.service is not placed");
}

TEST(Placement, MachineOfCyclesAndUnknownPeersAreReported) {
  PlacementRules of_a, of_b, of_ghost;
  of_a.machine_of = {"a.service"};
  of_b.machine_of = {"b.service"};
  of_ghost.machine_of = {"ghost.service"};
  Cluster c{{machine("m1")},
            {unit("a.service", of_b), unit("b.service", of_a), unit("c.service", of_ghost)},
            {}};
  const Plan plan = plan_ok(c);
  EXPECT_EQ(why_unplaced(plan, "a.service"), "MachineOf peers form a cycle");
  EXPECT_EQ(why_unplaced(plan, "b.service"), "MachineOf peers form a cycle");
  EXPECT_EQ(why_unplaced(plan, "c.service"), "MachineOf peer ghost.service is not a known unit");
}

TEST(Placement, ConflictsSpreadInstancesBothWays) {
  PlacementRules spread;
  spread.conflicts = globs({"web@*.service"});
  Cluster c{
      {machine("m1"), machine("m2")},
      {unit("web@1.service", spread), unit("web@2.service", spread), unit("web@3.service", spread)},
      {}};
  Plan plan = plan_ok(c);
  EXPECT_NE(where(plan, "web@1.service"), where(plan, "web@2.service"));
  EXPECT_EQ(why_unplaced(plan, "web@3.service"), "no machine fits (of 2): Conflicts fails on 2");
  // Only one side names the conflict: still never together (fleet's hasConflict checks both).
  c.units = {unit("web@1.service", spread), unit("web@2.service")};
  c.machines.pop_back();
  plan = plan_ok(c);
  EXPECT_EQ(plan.placement.size(), 1u);
  EXPECT_EQ(plan.unplaced.size(), 1u);
}

TEST(Placement, ReplacingUnitTakesTheMachineAndTheReplacedMoves) {
  PlacementRules v2, side;
  v2.machine_id = "m1";
  v2.replaces = globs({"app-v1.service"});
  side.machine_of = {"app-v1.service"};
  Cluster c{{machine("m1", 4), machine("m2", 4)},
            {unit("app-v1.service", reserving(3)), unit("app-v2.service", v2),
             unit("side.service", side)},
            {{"app-v1.service", {"m1"}}, {"side.service", {"m1"}}}};
  c.units[1].rules.reserved.memory_bytes = 3 * kGiB;
  const Plan plan = plan_ok(c);
  EXPECT_EQ(where(plan, "app-v2.service"), "m1");
  EXPECT_EQ(where(plan, "app-v1.service"), "m2");
  EXPECT_EQ(where(plan, "side.service"), "m2");
  ASSERT_EQ(plan.changes.size(), 3u);
  EXPECT_EQ(plan.changes[0], (Change{Change::Kind::kMove, "app-v1.service", "m1", "m2",
                                     "replaced by app-v2.service on m1"}));
  EXPECT_EQ(plan.changes[1], (Change{Change::Kind::kMove, "side.service", "m1", "m2",
                                     "MachineOf peer app-v1.service left m1"}));
  EXPECT_EQ(plan.changes[2].kind, Change::Kind::kPlace);
}

TEST(Placement, ReplacedUnitNeverJoinsItsReplacer) {
  PlacementRules v2;
  v2.replaces = globs({"app-v1.service"});
  Cluster c{{machine("m1")},
            {unit("app-v1.service"), unit("app-v2.service", v2)},
            {{"app-v2.service", {"m1"}}}};
  const Plan plan = plan_ok(c);
  EXPECT_EQ(why_unplaced(plan, "app-v1.service"), "no machine fits (of 1): Replaces fails on 1");
  // Units replacing each other are kept apart like a conflict.
  PlacementRules v1;
  v1.replaces = globs({"app-v2.service"});
  c.units[0].rules = v1;
  c.current.clear();
  EXPECT_EQ(plan_ok(c).placement.size(), 1u);
}

TEST(Placement, GlobalUnitsGoOnEveryMatchingMachine) {
  PlacementRules global;
  global.global = true;
  global.machine_metadata = {{"role", {"worker"}}};
  global.reserved.memory_bytes = 2 * kGiB;
  Cluster c{{machine("m1", 16, 8, {{"role", "worker"}}), machine("m2", 16, 8, {{"role", "db"}}),
             machine("m3", 1, 8, {{"role", "worker"}}), machine("m4", 16, 8, {{"role", "worker"}})},
            {unit("agent.service", global)},
            {{"agent.service", {"m1", "m2", "m9"}}}};
  const Plan plan = plan_ok(c);
  EXPECT_EQ(plan.placement.at("agent.service"), (std::vector<std::string>{"m1", "m4"}));
  EXPECT_EQ(plan.unplaced.size(), 1u);
  EXPECT_EQ(plan.unplaced[0].machine, "m3");
  EXPECT_EQ(plan.unplaced[0].reason, "memory fails on m3");
  EXPECT_EQ(plan.changes,
            (std::vector<Change>{
                {Change::Kind::kUnplace, "agent.service", "m2", "", "a rule no longer holds on m2"},
                {Change::Kind::kUnplace, "agent.service", "m9", "", "machine m9 is gone"},
                {Change::Kind::kPlace, "agent.service", "", "m4", ""}}));
}

TEST(Placement, KeptUnitsStayEvenWhenUnbalanced) {
  Cluster c{{machine("m1"), machine("m2")},
            {unit("a.service", reserving(4)), unit("b.service", reserving(4))},
            {{"a.service", {"m1"}}, {"b.service", {"m1"}}}};
  const Plan plan = plan_ok(c);
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.placement, c.current);
}

TEST(Placement, LostMachinesUnitsMoveAndInactiveOrGoneUnitsLeave) {
  Cluster c{{machine("m1"), machine("m2")},
            {unit("a.service"), unit("b.service"), unit("c.service")},
            {{"a.service", {"m3"}}, {"b.service", {"m1"}}, {"gone.service", {"m2"}}}};
  c.units[1].desired = DesiredState::kInactive;
  c.units[2].desired = DesiredState::kLoaded;
  const Plan plan = plan_ok(c);
  EXPECT_EQ(plan.changes,
            (std::vector<Change>{
                {Change::Kind::kUnplace, "gone.service", "m2", "", "unit is gone"},
                {Change::Kind::kUnplace, "b.service", "m1", "", "desired state is inactive"},
                {Change::Kind::kMove, "a.service", "m3", "m1", "machine m3 is gone"},
                {Change::Kind::kPlace, "c.service", "", "m2", ""}}));
}

TEST(Placement, AUnitWhoseRuleBrokeMovesWithTheReason) {
  PlacementRules rules;
  rules.machine_metadata = {{"disk", {"ssd"}}};
  Cluster c{{machine("m1", 16, 8, {{"disk", "hdd"}}), machine("m2", 16, 8, {{"disk", "ssd"}})},
            {unit("a.service", rules)},
            {{"a.service", {"m1"}}}};
  EXPECT_EQ(plan_ok(c).changes, (std::vector<Change>{{Change::Kind::kMove, "a.service", "m1", "m2",
                                                      "MachineMetadata no longer holds on m1"}}));
}

TEST(Placement, RefusesBadInput) {
  const auto error = [](const Cluster& c) {
    auto plan = plan_placement(c);
    EXPECT_FALSE(plan);
    return plan ? "" : plan.error().message;
  };
  EXPECT_HAS(error({{machine("m1"), machine("m1")}, {}, {}}), "machine id m1 is given twice");
  EXPECT_HAS(error({{machine("")}, {}, {}}), "empty id");
  EXPECT_HAS(error({{}, {unit("a.service"), unit("a.service")}, {}}),
             "unit a.service is given twice");
  EXPECT_HAS(error({{}, {unit("a@.service")}, {}}), "is a template");
  EXPECT_HAS(error({{}, {unit("a.socket")}, {}}), "not supported");
  EXPECT_HAS(
      error({{machine("m1"), machine("m2")}, {unit("a.service")}, {{"a.service", {"m1", "m2"}}}}),
      "not global but is placed on 2 machines");
}

TEST(Placement, RulesComeFromTheUnitFile) {
  auto file = parse_unit_file("w@1.service", R"([Service]
ExecStart=/bin/w
MemoryMax=1G
CPUQuota=50%
[X-Fleet]
MachineMetadata=region=eu
Conflicts=w@*.service
Replaces=old-w@%i.service
)");
  ASSERT_TRUE(file) << file.error().message;
  const PlacementRules rules = placement_rules(*file);
  EXPECT_EQ(rules.reserved, (Resources{1ull << 30, 50}));
  EXPECT_EQ(rules.machine_metadata.at("region"), std::vector<std::string>{"eu"});
  EXPECT_TRUE(rules.conflicts[0].matches("w@2.service"));
  EXPECT_TRUE(rules.replaces[0].matches("old-w@1.service"));
  EXPECT_FALSE(rules.global);
}

}  // namespace
}  // namespace keel::fleet::test
