// AsioClock::defer: a zero-delay timer, with a timer's id sequence and cancel guarantee
// (core/env/clock.h).
#include <gtest/gtest.h>

#include <vector>

#include "real/asio_clock.h"
#include "real/support/run_loop.h"

namespace keel::real {
namespace {

using std::chrono::milliseconds;
using testing::run_until;

TEST(AsioClockDeferTest, RunsOnALaterTurnInOrderWithIdsFromTheTimersSequence) {
  boost::asio::io_context io;
  AsioClock clock(io);
  std::vector<int> ran;
  const TimerId timer = clock.after(milliseconds(50), [] {});
  const TimerId first = clock.defer([&] { ran.push_back(1); });
  const TimerId second = clock.defer([&] { ran.push_back(2); });
  EXPECT_TRUE(ran.empty()) << "defer() must never run a call itself";
  EXPECT_EQ(first, timer + 1);
  EXPECT_EQ(second, first + 1);
  ASSERT_TRUE(run_until(io, [&] { return ran.size() == 2; }));
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
  clock.cancel(timer);
  EXPECT_EQ(clock.pending(), 0u);
}

// The second call's completion is already queued when the first cancels it: it must do nothing.
TEST(AsioClockDeferTest, ACancelledCallNeverRunsEvenWhenAlreadyPosted) {
  boost::asio::io_context io;
  AsioClock clock(io);
  int ran = 0;
  TimerId second = 0;
  clock.defer([&] {
    ++ran;
    clock.cancel(second);
    clock.cancel(second);  // twice: nothing happens
  });
  second = clock.defer([&] { ran += 10; });
  bool sentinel = false;
  clock.after(milliseconds(20), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(io, [&] { return sentinel; }));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(AsioClockDeferTest, DestroyingTheClockDiscardsPostedCalls) {
  boost::asio::io_context io;
  bool ran = false;
  {
    AsioClock clock(io);
    clock.defer([&] { ran = true; });
  }
  io.run();  // the aborted completion runs, finds no table and does nothing
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace keel::real
