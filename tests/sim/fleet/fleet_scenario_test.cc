// Fleet in a scenario run, end to end in the simulator: units submitted through fleetctl clients,
// placed by the engine on the leader, run by agents on members and workers, moved off a dead
// worker; and the expectations fail when a unit does not run.
#include <gtest/gtest.h>

#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"

namespace keel::sim {
namespace {

constexpr std::string_view kMachineLoss = R"(
name: machine-loss
duration: 12s
settle: 20s
cluster: {members: 3, workers: 2}
workload:
  units:
    - {name: app@.service, instances: 6, file: "[Service]\nExecStart=/bin/app\n"}
    - name: web.service
      file: |
        [Service]
        ExecStart=/bin/web
        [X-Fleet]
        MachineID=w1
        [X-Service]
        Name=web
        Port=80
faults:
  - {at: 5s, crash: w2}
expect: {units_within: 15s, catalog_within: 5s}
)";

Scenario parse(std::string_view yaml) {
  auto s = parse_scenario(yaml, "fleet.yaml");
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : Scenario{};
}

TEST(FleetScenario, UnitsMoveOffADeadWorkerWithinTheLeaseTtl) {
  const Scenario s = parse(kMachineLoss);
  const ScenarioOutcome outcome = run_scenario(s, *run_options(s), 1);
  EXPECT_TRUE(outcome.run.safe) << outcome.run.violation;
  EXPECT_TRUE(outcome.run.live) << outcome.run.violation;
  // w2 ran some of the six apps (the engine spreads them over five machines); they ran again
  // once its 5 s lease expired: between one renewal interval short of the TTL and a bit after.
  ASSERT_EQ(outcome.run.recoveries.size(), 1u);
  EXPECT_GE(outcome.run.recoveries[0], std::chrono::milliseconds(3700));
  EXPECT_LE(outcome.run.recoveries[0], std::chrono::milliseconds(6000));
}

TEST(FleetScenario, AUnitThatDiedUnderRestartNoFailsTheExpectation) {
  std::string yaml(kMachineLoss);
  // web.service (Restart= defaults to no) is killed and stays dead: it never runs again.
  yaml.replace(yaml.find("  - {at: 5s, crash: w2}"), 23,
               "  - {at: 5s, container: {unit: web.service, fault: crash}}");
  const Scenario s = parse(yaml);
  const ScenarioOutcome outcome = run_scenario(s, *run_options(s), 1);
  EXPECT_TRUE(outcome.run.safe) << outcome.run.violation;
  EXPECT_FALSE(outcome.run.live);
  EXPECT_NE(outcome.run.violation.find("web.service runs on 0 machine(s)"), std::string::npos)
      << outcome.run.violation;
}

}  // namespace
}  // namespace keel::sim
