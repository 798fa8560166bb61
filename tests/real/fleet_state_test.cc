// GET /fleet/v1/state's pieces (real/http/fleet_state.h): entries in fleet's UnitState shape,
// sorted by name then machine, filtered by machineID and unitName; unknown or repeated
// parameters are refused; systemd's sub state per active state; the hash of the submitted text.
#include "real/http/fleet_state.h"

#include <gtest/gtest.h>

#include "real/http/unit_hash.h"

namespace keel::real::http {
namespace {

using fleet::ActiveState;
using fleet::DesiredState;
using fleet::UnitState;

constexpr std::string_view kFile = "[Service]\nExecStart=/bin/web\n";

// web on n2 (active) and n1 (failed), db assigned to n1 but not yet reported, old destroyed
// but still reported on n3.
std::vector<fleet::UnitListing> listing() {
  return {{"db.service",
           true,
           DesiredState::kLaunched,
           {{"n1", DesiredState::kLaunched, std::nullopt}},
           "",
           {},
           "[Service]\nExecStart=/db\n"},
          {"old.service",
           false,
           DesiredState::kInactive,
           {{"n3", std::nullopt, UnitState{ActiveState::kDeactivating, 0, 0, ""}}},
           "",
           {},
           ""},
          {"web.service",
           true,
           DesiredState::kLaunched,
           {{"n2", DesiredState::kLaunched, UnitState{ActiveState::kActive, 0, 0, ""}},
            {"n1", std::nullopt, UnitState{ActiveState::kFailed, 1, 0, "crashed"}}},
           "",
           {},
           std::string(kFile)}};
}

Result<StateFilter> filter_of(std::string_view query) {
  Request request{boost::beast::http::verb::get,
                  std::string("/fleet/v1/state?") + std::string(query), 11};
  auto form = Form::parse(request);
  if (!form) return std::unexpected(form.error());
  return parse_state_filter(*form);
}

TEST(FleetStateTest, ReportedUnitsInFleetsShapeSortedByNameThenMachine) {
  const std::vector<UnitStateEntry> states = unit_states(listing(), {});
  const std::string hash = unit_file_hash(kFile);
  const std::vector<UnitStateEntry> expected = {
      {"old.service", "", "n3", "loaded", "deactivating", "stop-sigterm"},
      {"web.service", hash, "n1", "loaded", "failed", "failed"},
      {"web.service", hash, "n2", "loaded", "active", "running"}};
  EXPECT_EQ(states, expected);
  EXPECT_EQ(states_json({expected[2]}),
            R"({"states":[{"name":"web.service","hash":")" + hash +
                R"(","machineID":"n2","systemdLoadState":"loaded","systemdActiveState":"active",)"
                R"("systemdSubState":"running"}]})"
                "\n");
  EXPECT_EQ(states_json({}), "{\"states\":[]}\n");
}

TEST(FleetStateTest, FiltersKeepExactMatchesOnly) {
  auto machine = filter_of("machineID=n1");
  ASSERT_TRUE(machine) << machine.error().message;
  const auto on_n1 = unit_states(listing(), *machine);
  ASSERT_EQ(on_n1.size(), 1u);
  EXPECT_EQ(on_n1[0].name, "web.service");

  auto both = filter_of("unitName=web.service&machineID=n2");
  ASSERT_TRUE(both);
  const auto web_on_n2 = unit_states(listing(), *both);
  ASSERT_EQ(web_on_n2.size(), 1u);
  EXPECT_EQ(web_on_n2[0].machine, "n2");

  auto prefix = filter_of("unitName=web");
  ASSERT_TRUE(prefix);
  EXPECT_TRUE(unit_states(listing(), *prefix).empty());
  auto unreported = filter_of("unitName=db.service");  // assigned, nothing reported yet
  ASSERT_TRUE(unreported);
  EXPECT_TRUE(unit_states(listing(), *unreported).empty());
}

TEST(FleetStateTest, UnknownAndRepeatedParametersAreRefused) {
  auto unknown = filter_of("machine=n1");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(unknown.error().message,
            "unknown parameter 'machine' (expected machineID and unitName)");
  auto twice = filter_of("unitName=a.service&unitName=b.service");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "unitName is given twice");
}

TEST(FleetStateTest, SubStatesAreSystemdsAndTheHashIsSha256OfTheText) {
  EXPECT_EQ(systemd_sub_state(ActiveState::kInactive), "dead");
  EXPECT_EQ(systemd_sub_state(ActiveState::kActivating), "start");
  EXPECT_EQ(systemd_sub_state(ActiveState::kActive), "running");
  EXPECT_EQ(systemd_sub_state(ActiveState::kDeactivating), "stop-sigterm");
  EXPECT_EQ(systemd_sub_state(ActiveState::kFailed), "failed");
  // FIPS 180-4's test vector "abc".
  EXPECT_EQ(unit_file_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(unit_file_hash("[Service]\nExecStart=/x\n"),
            unit_file_hash("[Service]\nExecStart=/x \n"));
}

}  // namespace
}  // namespace keel::real::http
