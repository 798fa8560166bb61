// to_yaml writes a scenario that loads back equal (equality.h), for the scenario files in
// scenarios/ and for generated scenarios with every field and fault kind; durations are exact.
#include "sim/scenario/writer.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <filesystem>

#include "sim/scenario/equality.h"
#include "sim/scenario/loader.h"
#include "tests/sim/scenario/scenario_generator.h"

namespace keel::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ScenarioWriter, DurationsAreWholeNumbersOfTheLargestExactUnit) {
  EXPECT_EQ(duration_text(seconds(3)), "3s");
  EXPECT_EQ(duration_text(milliseconds(1500)), "1500ms");
  EXPECT_EQ(duration_text(microseconds(250)), "250us");
  EXPECT_EQ(duration_text(Duration(7)), "7ns");
  EXPECT_EQ(duration_text(milliseconds(-800)), "-800ms");
  EXPECT_EQ(duration_text(Duration(0)), "0s");
}

TEST(ScenarioWriter, EveryScenarioFileLoadsBackEqual) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(KEEL_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    auto original = load_scenario(entry.path().string());
    ASSERT_TRUE(original) << original.error().message;
    const std::string text = to_yaml(*original);
    auto reloaded = parse_scenario(text, "written.yaml");
    ASSERT_TRUE(reloaded) << reloaded.error().message << "\n" << text;
    EXPECT_TRUE(*reloaded == *original) << entry.path() << " was written as\n" << text;
  }
  EXPECT_GE(files, 5);
}

TEST(ScenarioWriter, EachFaultIsOneLineNamingWhereItCameFrom) {
  auto s = parse_scenario(R"(
name: two
faults:
  - {at: 1s, partition: {oneway: {from: [n1], to: [n2, n3]}}, for: 1500ms}
  - {every: 2s, from: 250us, until: 9s, crash: [n1, n2], restart_after: 1s}
  - {at: 3s, clock: {node: n2, offset: -800ms, drift: 1.05}}
  - {at: 4s, disk: {node: leader, fault: stall}, for: 1s}
)",
                          "t.yaml");
  ASSERT_TRUE(s) << s.error().message;
  const std::string text = to_yaml(*s);
  EXPECT_NE(text.find("- {at: 1s, partition: {oneway: {from: [n1], to: [n2, n3]}}, for: 1500ms}"
                      "  # t.yaml:4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{every: 2s, from: 250us, until: 9s, crash: [n1, n2], restart_after: 1s}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{at: 3s, clock: {node: n2, offset: -800ms, drift: 1.05}}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{at: 4s, disk: {node: leader, fault: stall}, for: 1s}"), std::string::npos)
      << text;
}

// The equality the round trip relies on must itself tell scenarios apart.
TEST(ScenarioWriter, EqualityNoticesAChangedFaultButNotItsProvenance) {
  auto s = parse_scenario("name: e\nfaults: [{at: 1s, crash: leader, restart_after: 2s}]\n", "a");
  ASSERT_TRUE(s);
  Scenario moved = *s;
  moved.file = "elsewhere.yaml";
  moved.faults[0].where = "elsewhere.yaml:9";
  EXPECT_TRUE(moved == *s);
  Scenario later = *s;
  later.faults[0].at = seconds(2);
  EXPECT_FALSE(later == *s);
  Scenario longer = *s;
  std::get<CrashFault>(longer.faults[0].action).restart_after = seconds(3);
  EXPECT_FALSE(longer == *s);
  Scenario tuned = *s;
  tuned.cluster.pre_vote = false;
  EXPECT_FALSE(tuned == *s);
}

TEST(ScenarioWriter, UnitsAndContainerFaultsLoadBackEqual) {
  Scenario s;
  s.name = "u";
  s.units.push_back(UnitSpec{"web@1.service", "[Service]\nExecStart=/bin/web\n", "launched"});
  s.units.push_back(UnitSpec{"db.service", "[Service]\nExecStart=/bin/db\n", "loaded"});
  s.faults.push_back(Fault{std::chrono::seconds(2),
                           {},
                           {},
                           {},
                           ContainerFault{"db.service", ContainerFault::Kind::kStartFail},
                           ""});
  s.expect.units_within = std::chrono::seconds(10);
  s.expect.catalog_within = std::chrono::seconds(4);
  auto reloaded = parse_scenario(to_yaml(s), "u.yaml");
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  reloaded->file = s.file;
  EXPECT_TRUE(*reloaded == s) << to_yaml(*reloaded);
}

RC_GTEST_PROP(ScenarioWriter, AnyValidScenarioLoadsBackEqual, ()) {
  const Scenario s = *testing::gen_valid_scenario();
  const std::string text = to_yaml(s);
  RC_LOG() << text;
  auto reloaded = parse_scenario(text, "written.yaml");
  RC_ASSERT(reloaded.has_value());
  RC_LOG() << to_yaml(*reloaded);
  RC_ASSERT(*reloaded == s);
}

}  // namespace
}  // namespace keel::sim
