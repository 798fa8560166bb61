// keelsim run --shrink, below the flag parsing: a failing seed is shrunk in child processes to a
// file that loads and fails the same check on its own (with --swarm, without needing it); a
// passing seed writes nothing; a folder that does not exist is refused before anything runs.
#include "sim/cli/shrink_seed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "sim/cli/commands.h"
#include "sim/nemesis/random_schedule.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"
#include "tests/sim/scenario/stale_reads_scenario.h"

namespace keel::sim::cli {
namespace {

namespace fs = std::filesystem;

class ShrinkSeed : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / str("keel-shrink-test-", ::getpid());
    fs::create_directories(folder_);
    auto s = parse_scenario(testing::kStaleReadsScenario, "stale-reads.yaml");
    ASSERT_TRUE(s) << s.error().message;
    scenario_ = *s;
  }
  void TearDown() override { fs::remove_all(folder_); }

  // The first seed of 1..8 whose run reads stale data (most do).
  std::uint64_t failing_seed() const {
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
      if (!run_scenario(scenario_, *run_options(scenario_), seed).run.safe) return seed;
    }
    ADD_FAILURE() << "no seed of 1..8 read stale data";
    return 1;
  }

  ShrinkRequest request(std::uint64_t seed, const std::string& file) const {
    return ShrinkRequest{scenario_, *run_options(scenario_), seed, (folder_ / file).string(), 30};
  }

  fs::path folder_;
  Scenario scenario_;
};

TEST_F(ShrinkSeed, AFailingSeedIsShrunkToAFileThatFailsTheSameCheckOnItsOwn) {
  const std::uint64_t seed = failing_seed();
  const ShrinkRequest r = request(seed, "min.yaml");
  std::ostringstream out, progress;
  EXPECT_EQ(shrink_seed(r, out, progress), kExitSafety) << out.str();
  EXPECT_NE(out.str().find("FAILED (safety): linearizability"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(str("repro: keelsim run ", r.out_path, " --seed ", seed, "\n")),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("before: 3 faults, 4 kv clients, 2 watch clients, 4s\nafter:  "),
            std::string::npos)
      << out.str();
  EXPECT_NE(progress.str().find("shrink trial 1/30: 3 faults, 4 kv clients"), std::string::npos)
      << progress.str();
  auto written = load_scenario(r.out_path);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->name, str("stale-reads-seed", seed, "-min"));
  EXPECT_EQ(written->seeds.first, seed);
  EXPECT_EQ(written->seeds.last, seed);
  EXPECT_LT(written->faults.size(), scenario_.faults.size());
  const RaftRunResult again = verdict(run_scenario(*written, *run_options(*written), seed));
  EXPECT_FALSE(again.safe);
  EXPECT_EQ(again.violation.substr(0, again.violation.find(':')), "linearizability");
}

TEST_F(ShrinkSeed, WithSwarmTheDrawBecomesPartOfTheFile) {
  ShrinkRequest r = request(2, "swarm-min.yaml");
  r.options.swarm = true;
  ScheduleShape shape;  // the faults keelsim run --swarm adds for this seed
  shape.members = scenario_.cluster.members;
  shape.duration = scenario_.duration;
  for (Fault& f : sample_schedule(shape, r.seed)) r.drawn.faults.push_back(std::move(f));
  std::ostringstream out, progress;
  const int code = shrink_seed(r, out, progress);
  ASSERT_NE(code, kExitPassed) << out.str();
  ASSERT_NE(code, kExitInternal) << out.str();  // the written file reproduced without --swarm
  auto written = load_scenario(r.out_path);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(written->cluster.pre_vote.has_value());  // the seed's drawn tuning, written down
  EXPECT_TRUE(written->latency.has_value());
  EXPECT_NE(out.str().find(str("from stale-reads.yaml seed 2 --swarm")), std::string::npos)
      << out.str();
}

TEST_F(ShrinkSeed, APassingSeedHasNothingToShrink) {
  Scenario calm = scenario_;
  calm.kv->serializable_reads = false;
  calm.faults.clear();
  ShrinkRequest r = request(1, "calm-min.yaml");
  r.drawn = calm;
  std::ostringstream out, progress;
  EXPECT_EQ(shrink_seed(r, out, progress), kExitPassed);
  EXPECT_NE(out.str().find("passed: nothing to shrink"), std::string::npos) << out.str();
  EXPECT_FALSE(fs::exists(r.out_path));
}

TEST_F(ShrinkSeed, AnOutputFolderThatDoesNotExistIsRefusedFirst) {
  ShrinkRequest r = request(1, "no/such/folder/min.yaml");
  std::ostringstream out, progress;
  EXPECT_EQ(shrink_seed(r, out, progress), kExitInvalid);
  EXPECT_NE(out.str().find("cannot write"), std::string::npos) << out.str();
  EXPECT_TRUE(progress.str().empty());
}

TEST_F(ShrinkSeed, KeelsimRunShrinksOneFileAndOneSeedOnly) {
  const std::string file = (folder_ / "stale-reads.yaml").string();
  std::ofstream(file) << testing::kStaleReadsScenario;
  const std::string out = (folder_ / "out.yaml").string();
  const std::string seed = str(failing_seed());
  EXPECT_EQ(run_command({file, "--seed", seed, "--shrink", "--shrink-out", out}), kExitSafety);
  auto written = load_scenario(out);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(run_command({out, "--seed", seed}), kExitSafety);  // it fails on its own

  EXPECT_EQ(run_command({file, file, "--seed", "1", "--shrink"}), kExitInvalid);
  EXPECT_EQ(run_command({file, "--seeds", "1..3", "--shrink"}), kExitInvalid);
  EXPECT_EQ(run_command({file, "--seed", "1", "--shrink", "--trace", "t.jsonl"}), kExitInvalid);
  EXPECT_EQ(run_command({file, "--seed", "1", "--shrink-out", out}), kExitInvalid);
}

}  // namespace
}  // namespace keel::sim::cli
