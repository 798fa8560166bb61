#include "core/fleet/restart_backoff.h"

#include <gtest/gtest.h>

namespace keel::fleet {
namespace {

using std::chrono::seconds;

ContainerEvent exited(int code, int signal = 0) {
  return {ContainerEvent::Kind::kExited, 1, signal == 0 ? code : 128 + signal, signal, false, {}};
}
const ContainerEvent kStartFailure{ContainerEvent::Kind::kFailedToStart, 1, 0, 0, false, "no"};

TEST(CleanExit, FollowsSystemdsCleanExitRule) {
  EXPECT_TRUE(clean_exit(exited(0)));
  EXPECT_TRUE(clean_exit(exited(0, 15)));  // SIGTERM
  EXPECT_TRUE(clean_exit(exited(0, 1)));   // SIGHUP
  EXPECT_FALSE(clean_exit(exited(1)));
  EXPECT_FALSE(clean_exit(exited(0, 9)));  // SIGKILL
  EXPECT_FALSE(clean_exit(exited(0, 11)));
  ContainerEvent oom = exited(0, 9);
  oom.oom_killed = true;
  EXPECT_FALSE(clean_exit(oom));
  EXPECT_FALSE(clean_exit(kStartFailure));
}

TEST(RestartBackoff, DoublesFromRestartSecUpToTheCap) {
  RestartBackoff backoff(RestartPolicy::kAlways, seconds(1), seconds(5), seconds(10));
  Time now{};
  std::vector<Duration> waits;
  for (int i = 0; i < 5; ++i) {
    backoff.started(now);
    now += seconds(1);
    waits.push_back(*backoff.ended(exited(1), now));
  }
  EXPECT_EQ(waits,
            (std::vector<Duration>{seconds(1), seconds(2), seconds(4), seconds(5), seconds(5)}));
}

TEST(RestartBackoff, AStableRunResetsTheWait) {
  RestartBackoff backoff(RestartPolicy::kAlways, seconds(1), seconds(60), seconds(10));
  Time now{};
  backoff.started(now);
  EXPECT_EQ(backoff.ended(exited(1), now + seconds(1)), seconds(1));
  backoff.started(now);
  EXPECT_EQ(backoff.ended(exited(1), now + seconds(9)), seconds(2));
  backoff.started(now);
  EXPECT_EQ(backoff.ended(exited(1), now + seconds(10)), seconds(1));
}

TEST(RestartBackoff, FollowsThePolicy) {
  RestartBackoff no(RestartPolicy::kNo, seconds(1), seconds(60), seconds(10));
  EXPECT_EQ(no.ended(exited(1), Time{}), std::nullopt);
  RestartBackoff on_failure(RestartPolicy::kOnFailure, seconds(1), seconds(60), seconds(10));
  EXPECT_EQ(on_failure.ended(exited(0), Time{}), std::nullopt);
  EXPECT_EQ(on_failure.ended(exited(0, 15), Time{}), std::nullopt);
  EXPECT_EQ(on_failure.ended(kStartFailure, Time{}), seconds(1));
  EXPECT_EQ(on_failure.ended(exited(0, 9), Time{}), seconds(2));
  RestartBackoff always(RestartPolicy::kAlways, seconds(1), seconds(60), seconds(10));
  EXPECT_EQ(always.ended(exited(0), Time{}), seconds(1));
}

TEST(RestartBackoff, AZeroRestartSecStillBacksOff) {
  RestartBackoff backoff(RestartPolicy::kAlways, Duration::zero(), seconds(1), seconds(10));
  EXPECT_EQ(backoff.ended(exited(1), Time{}), Duration::zero());
  EXPECT_GT(backoff.ended(exited(1), Time{}), Duration::zero());
}

}  // namespace
}  // namespace keel::fleet
