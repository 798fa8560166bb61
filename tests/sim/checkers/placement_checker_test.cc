// The placement checker must reject each kind of broken placement, and accept valid ones.
#include "sim/checkers/placement_checker.h"

#include <gtest/gtest.h>

#include "core/fleet/placement_test_util.h"

namespace keel::fleet::test {
using sim::placement_violations;
namespace {

bool reports(const Cluster& cluster, const Placement& placement, std::string_view rule) {
  for (const std::string& v : placement_violations(cluster, placement)) {
    if (v.starts_with(rule)) return true;
  }
  return false;
}

TEST(PlacementChecker, AcceptsAValidPlacement) {
  Cluster c{
      {machine("m1"), machine("m2")}, {unit("a.service", reserving(8)), unit("b.service")}, {}};
  EXPECT_TRUE(placement_violations(c, {{"a.service", {"m1"}}, {"b.service", {"m1"}}}).empty());
}

TEST(PlacementChecker, RejectsEachBrokenRule) {
  Cluster c{{machine("m1", 16, 2, {{"region", "eu"}}), machine("m2")}, {}, {}};
  PlacementRules pinned, meta, peer, conflict, replace, global;
  pinned.machine_id = "m2";
  meta.machine_metadata["region"] = {"us"};
  peer.machine_of = {"a.service"};
  conflict.conflicts = globs({"a*"});
  replace.replaces = globs({"a.service"});
  c.units = {unit("a.service", reserving(10, 150)),
             unit("pinned.service", pinned),
             unit("meta.service", meta),
             unit("peer.service", peer),
             unit("conflict.service", conflict),
             unit("replace.service", replace),
             unit("big.service", reserving(10, 100))};
  c.units.push_back(unit("off.service"));
  c.units.back().desired = DesiredState::kInactive;
  EXPECT_TRUE(reports(c, {{"pinned.service", {"m1"}}}, "MachineID"));
  EXPECT_TRUE(reports(c, {{"meta.service", {"m1"}}}, "MachineMetadata"));
  EXPECT_TRUE(reports(c, {{"meta.service", {"m2"}}}, "MachineMetadata"));  // no region at all
  EXPECT_TRUE(reports(c, {{"peer.service", {"m1"}}}, "MachineOf"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m2"}}, {"peer.service", {"m1"}}}, "MachineOf"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m1"}}, {"conflict.service", {"m1"}}}, "Conflicts"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m1"}}, {"replace.service", {"m1"}}}, "Replaces"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m1"}}, {"big.service", {"m1"}}}, "memory"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m1"}}, {"big.service", {"m1"}}}, "CPU"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m1", "m2"}}}, "non-global unit on 2"));
  EXPECT_TRUE(reports(c, {{"a.service", {"m9"}}}, "unknown machine"));
  EXPECT_TRUE(reports(c, {{"zzz.service", {"m1"}}}, "unknown unit"));
  EXPECT_TRUE(reports(c, {{"off.service", {"m1"}}}, "inactive unit placed"));
}

}  // namespace
}  // namespace keel::fleet::test
