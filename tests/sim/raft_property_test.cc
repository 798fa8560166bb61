// Property tests: Raft stays safe, and converges once healed, under generated fault schedules
// (partitions of every kind, crashes and restarts, pauses, drop and duplicate storms, clock steps
// and drift, lost and corrupted unsynced writes) for 3-, 5- and 7-member clusters. A failure
// shrinks to a minimal schedule, printed with the seed that reproduces it.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <sstream>

#include "sim/nemesis/random_schedule.h"
#include "sim/raft_run.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

constexpr int kCases = 200;

void check_cluster(int members) {
  ScheduleShape shape;
  shape.members = members;
  shape.duration = 10s;
  const rc::Gen<std::vector<Fault>> schedules = gen_schedule(shape);
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  // At least 200 generated cases per cluster size in `make test`; a longer exploration asks for
  // more with RC_PARAMS="max_success=N" (a smaller N is not taken).
  params.maxSuccess = std::max(kCases, params.maxSuccess);
  params.maxSize = shape.max_faults;
  const auto result = rc::detail::checkTestable(
      [&] {
        const auto seed = *rc::gen::arbitrary<std::uint64_t>();
        const auto faults = *schedules;
        RaftRunOptions options;
        options.members = members;
        options.duration = shape.duration;
        options.network = LinkConfig{1ms, 10ms, 0.01, 0.01};
        options.swarm = true;  // each case also draws its own Raft tuning and link latency
        const RaftRunResult run = run_raft(seed, options, faults);
        if (!run.safe || !run.live) {
          std::string schedule;
          for (const Fault& fault : faults) schedule += "\n  - " + describe(fault);
          RC_FAIL("seed " + std::to_string(seed) + ": " + run.violation + "\nschedule:" + schedule);
        }
      },
      rc::detail::TestMetadata{}, params);
  std::ostringstream report;
  rc::detail::printResultMessage(result, report);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << report.str();
}

class RaftProperty : public ::testing::TestWithParam<int> {};

TEST_P(RaftProperty, SafeAndLiveUnderGeneratedFaultSchedules) { check_cluster(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Members, RaftProperty, ::testing::Values(3, 5, 7),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return std::to_string(param.param) + "Members";
                         });

}  // namespace
}  // namespace keel::sim
