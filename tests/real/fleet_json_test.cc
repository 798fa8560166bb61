// The fleet API's JSON (real/http/fleet_json.h): the PUT body accepted and refused, the shapes
// written, and the HTTP status of each error.
#include "real/http/fleet_json.h"

#include <gtest/gtest.h>

namespace keel::real::http {
namespace {

TEST(FleetJsonTest, APutBodyGivesTheStateTheFileOrBoth) {
  auto both = parse_unit_put(R"({"desiredState":"launched","file":"[Service]\nExecStart=/x\n"})");
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->desired, fleet::DesiredState::kLaunched);
  EXPECT_EQ(both->file, "[Service]\nExecStart=/x\n");
  auto state = parse_unit_put(R"({"desiredState":"inactive"})");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->desired, fleet::DesiredState::kInactive);
  EXPECT_FALSE(state->file.has_value());
}

TEST(FleetJsonTest, ABadPutBodyIsRefusedSayingWhy) {
  const auto error_of = [](std::string_view body) {
    auto put = parse_unit_put(body);
    if (put) return std::string("(accepted)");
    EXPECT_EQ(put.error().code, Errc::kInvalidArgument);
    return put.error().message;
  };
  EXPECT_NE(error_of("not json").find("the body is not JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"desiredState":"running"})"),
            "\"desiredState\": expected inactive, loaded or launched, got 'running'");
  EXPECT_EQ(error_of(R"({"file":{"a":"b"}})"), "\"file\" must be a string");
  EXPECT_EQ(error_of(R"({"name":"x"})"), "unknown field \"name\" (expected desiredState and file)");
  EXPECT_EQ(error_of("{}"), "the body needs \"desiredState\", \"file\" or both");
}

TEST(FleetJsonTest, UnitsMachinesAndServicesInFleetsShape) {
  const fleet::UnitListing unit{
      "web.service",
      true,
      fleet::DesiredState::kLaunched,
      {{"n2", fleet::DesiredState::kLaunched,
        fleet::UnitState{fleet::ActiveState::kFailed, 1, 2, "no \"containers\""}}},
      "",
      {},
      "[Service]\nExecStart=/bin/web\n"};
  EXPECT_EQ(units_json({unit}),
            R"({"units":[{"name":"web.service","submitted":true,"desiredState":"launched",)"
            R"("machines":[{"machineID":"n2","assigned":"launched","currentState":"failed",)"
            R"("exitCode":1,"restarts":2,"reason":"no \"containers\""}],"unplaced":"",)"
            R"("problems":[],"file":"[Service]\nExecStart=/bin/web\n",)"
            R"("hash":"3ede931a6c8dd4d1d5640679ffeedef5e79549f9b33a66f2bd61d5d8c776b6db"}]})"
            "\n");
  EXPECT_EQ(machines_json({fleet::MachineRecord{"n1", "10.0.0.1", {{"disk", "ssd"}}, {2048, 150}}}),
            R"({"machines":[{"id":"n1","primaryIP":"10.0.0.1","metadata":{"disk":"ssd"},)"
            R"("memoryBytes":2048,"cpuPercent":150,"clientURL":""}]})"
            "\n");
  EXPECT_EQ(service_json("web", {fleet::ServiceRecord{"web", "web.service", "n2", "10.0.0.2", 80}}),
            R"({"service":"web","records":[{"unit":"web.service","machine":"n2",)"
            R"("ip":"10.0.0.2","port":80}]})"
            "\n");
  EXPECT_EQ(fleet_error_json(404, "unit x was never submitted"),
            R"({"error":{"code":404,"message":"unit x was never submitted"}})"
            "\n");
}

TEST(FleetJsonTest, EachErrorHasItsStatus) {
  EXPECT_EQ(fleet_http_status(Errc::kInvalidArgument), 400u);
  EXPECT_EQ(fleet_http_status(Errc::kNotFound), 404u);
  EXPECT_EQ(fleet_http_status(Errc::kAlreadyExists), 409u);
  EXPECT_EQ(fleet_http_status(Errc::kLimitExceeded), 413u);
  EXPECT_EQ(fleet_http_status(Errc::kNotLeader), 503u);
  EXPECT_EQ(fleet_http_status(Errc::kTimeout), 503u);
  EXPECT_EQ(fleet_http_status(Errc::kUnavailable), 503u);
  EXPECT_EQ(fleet_http_status(Errc::kCorrupt), 500u);
}

}  // namespace
}  // namespace keel::real::http
