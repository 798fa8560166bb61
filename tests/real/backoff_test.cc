#include "real/backoff.h"

#include <gtest/gtest.h>

#include <set>

namespace keel::real {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DelaysStayWithinTheBoundsAndDoubleUpToTheCap) {
  Backoff backoff(milliseconds(50), milliseconds(5000), Random(7));
  Duration ceiling = milliseconds(50);
  for (int attempt = 0; attempt < 20; ++attempt) {
    const Duration delay = backoff.next();
    EXPECT_GE(delay, std::max(Duration(milliseconds(50)), ceiling / 2)) << "attempt " << attempt;
    EXPECT_LE(delay, ceiling) << "attempt " << attempt;
    ceiling = std::min<Duration>(ceiling * 2, milliseconds(5000));
  }
}

TEST(BackoffTest, ReachesTheCapAndResetStartsOver) {
  Backoff backoff(milliseconds(50), milliseconds(400), Random(7));
  for (int i = 0; i < 10; ++i) backoff.next();
  EXPECT_GE(backoff.next(), milliseconds(200));
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds(50));
}

TEST(BackoffTest, JitterSpreadsNodesThatFailedTogether) {
  std::set<Duration::rep> third_delays;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Backoff backoff(milliseconds(50), milliseconds(5000), Random(seed));
    backoff.next();
    backoff.next();
    third_delays.insert(backoff.next().count());
  }
  EXPECT_GT(third_delays.size(), 10u);
}

}  // namespace
}  // namespace keel::real
