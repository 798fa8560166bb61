// keelctl's parsers of the fleet API's answers (fleet_answer.h) read what keeld writes
// (real/http/fleet_json.h) back to the same values, and refuse answers that are not such JSON.
#include "real/keelctl/fleet_answer.h"

#include <gtest/gtest.h>

#include "real/http/fleet_json.h"

namespace keel::real::keelctl {
namespace {

using fleet::ActiveState;
using fleet::DesiredState;

TEST(FleetAnswerTest, UnitsReadBackAsWritten) {
  const std::vector<fleet::UnitListing> units = {
      {"a.service",
       true,
       DesiredState::kLaunched,
       {{"n1", DesiredState::kLaunched, fleet::UnitState{ActiveState::kFailed, 3, 1, "why"}},
        {"n2", std::nullopt, fleet::UnitState{ActiveState::kDeactivating, 0, 0, ""}},
        {"n3", DesiredState::kLoaded, std::nullopt}},
       "",
       {"/fleet/state/n9/a.service: bad"},
       "[Service]\nExecStart=/bin/a\n"},
      {"b.service", false, DesiredState::kInactive, {}, "no machine fits", {}, ""}};
  auto parsed = parse_fleet_units(http::units_json(units));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, units);
}

TEST(FleetAnswerTest, MachinesAndServicesReadBackAsWritten) {
  const std::vector<fleet::MachineRecord> machines = {
      {"n1", "10.0.0.1", {{"disk", "ssd"}, {"zone", "a"}}, {1 << 20, 200}},
      {"n2", "::1", {}, {}, "http://[::1]:2379"}};
  auto parsed = parse_fleet_machines(http::machines_json(machines));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, machines);
  const std::vector<fleet::ServiceRecord> records = {
      {"web", "web@1.service", "n1", "10.0.0.1", 8080}, {"web", "web@2.service", "n2", "::1", 1}};
  auto service = parse_fleet_service(http::service_json("web", records));
  ASSERT_TRUE(service) << service.error().message;
  EXPECT_EQ(*service, records);
  EXPECT_EQ(parse_fleet_error(http::fleet_error_json(409, "unit a differs")), "unit a differs");
}

TEST(FleetAnswerTest, AnswersThatAreNotTheApisAreCorrupt) {
  const auto error_of = [](auto parsed) {
    if (parsed) return std::string("(accepted)");
    EXPECT_EQ(parsed.error().code, Errc::kCorrupt);
    return parsed.error().message;
  };
  EXPECT_NE(error_of(parse_fleet_units("<html>")).find("not JSON"), std::string::npos);
  EXPECT_EQ(error_of(parse_fleet_units(R"({"machines":[]})")), "the answer lacks its \"units\"");
  EXPECT_EQ(error_of(parse_fleet_units(R"({"units":[{"desiredState":"launched"}]})")),
            "a unit lacks its \"name\"");
  EXPECT_EQ(error_of(parse_fleet_units(R"({"units":[{"name":"a","desiredState":"on"}]})")),
            "unit a: unknown desiredState 'on'");
  EXPECT_EQ(
      error_of(parse_fleet_units(R"({"units":[{"name":"a","desiredState":"loaded",)"
                                 R"("machines":[{"machineID":"n1","currentState":"up"}]}]})")),
      "unit a: unknown current state 'up'");
  EXPECT_EQ(
      error_of(parse_fleet_units(R"({"units":[{"name":"a","desiredState":"loaded",)"
                                 R"("machines":[{"machineID":"n1","currentState":"active"}]}]})")),
      "unit a: the answer lacks a numeric \"exitCode\"");
  EXPECT_EQ(error_of(parse_fleet_machines(R"({"machines":[{"primaryIP":"1.2.3.4"}]})")),
            "a machine lacks its \"id\"");
  EXPECT_EQ(error_of(parse_fleet_service(R"({"service":"w","records":[{"port":"70000"}]})")),
            "a service record lacks a port from 0 to 65535");
  EXPECT_EQ(error_of(parse_fleet_error(R"({"message":"x"})")),
            "the answer lacks its \"error\".\"message\"");
}

}  // namespace
}  // namespace keel::real::keelctl
