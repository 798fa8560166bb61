// keelctl status's text of a unit (status_verb.h's format_unit_status): desired state, each
// machine's assignment and reported state with systemd's sub state, reasons and problems.
#include <gtest/gtest.h>

#include "real/keelctl/status_verb.h"

namespace keel::real::keelctl {
namespace {

using fleet::ActiveState;
using fleet::DesiredState;

TEST(StatusFormatTest, ShowsEachMachineItsStateAndWhy) {
  const fleet::UnitListing unit{
      "web.service",
      true,
      DesiredState::kLaunched,
      {{"n1", DesiredState::kLaunched, fleet::UnitState{ActiveState::kFailed, 3, 1, "crashed"}},
       {"n2", std::nullopt, fleet::UnitState{ActiveState::kActive, 0, 0, ""}}},
      "",
      {"/fleet/state/n9/web.service: bad"},
      "[Service]\nExecStart=/x\n"};
  EXPECT_EQ(format_unit_status(unit),
            "web.service\n"
            "  desired:  launched\n"
            "  machine:  n1 (assigned: launched)\n"
            "  state:    failed (failed), exit 3, restarts 1\n"
            "  reason:   crashed\n"
            "  machine:  n2 (assigned: -)\n"
            "  state:    active (running), exit 0, restarts 0\n"
            "  problem:  /fleet/state/n9/web.service: bad\n");
}

TEST(StatusFormatTest, AnUnplacedUnitSaysWhy) {
  const fleet::UnitListing unit{
      "db.service", true, DesiredState::kLoaded, {}, "no machine fits (of 3)", {}, "x"};
  EXPECT_EQ(format_unit_status(unit),
            "db.service\n"
            "  desired:  loaded\n"
            "  machine:  -\n"
            "  unplaced: no machine fits (of 3)\n");
}

}  // namespace
}  // namespace keel::real::keelctl
