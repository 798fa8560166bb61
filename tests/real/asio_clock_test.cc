#include "real/asio_clock.h"

#include <gtest/gtest.h>

#include <vector>

#include "real/support/run_loop.h"

namespace keel::real {
namespace {

using std::chrono::milliseconds;
using testing::run_until;

TEST(AsioClockTest, NowIsMonotonic) {
  boost::asio::io_context io;
  AsioClock clock(io);
  Time last = clock.now();
  for (int i = 0; i < 1000; ++i) {
    const Time reading = clock.now();
    EXPECT_GE(reading, last);
    last = reading;
  }
}

TEST(AsioClockTest, TimersFireInDeadlineOrderNoEarlierThanAsked) {
  boost::asio::io_context io;
  AsioClock clock(io);
  std::vector<int> fired;
  const Time start = clock.now();
  Time third_fired_at{};
  clock.after(milliseconds(30), [&] {
    fired.push_back(3);
    third_fired_at = clock.now();
  });
  clock.after(milliseconds(10), [&] { fired.push_back(1); });
  clock.after(milliseconds(20), [&] { fired.push_back(2); });
  EXPECT_TRUE(fired.empty()) << "after() must never run a callback itself";
  ASSERT_TRUE(run_until(io, [&] { return fired.size() == 3; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(third_fired_at - start, milliseconds(30));
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(AsioClockTest, ZeroAndNegativeDelaysRunOnALaterTurnOfTheLoop) {
  boost::asio::io_context io;
  AsioClock clock(io);
  int fired = 0;
  clock.after(Duration::zero(), [&] { ++fired; });
  clock.after(milliseconds(-5), [&] { ++fired; });
  EXPECT_EQ(fired, 0);
  ASSERT_TRUE(run_until(io, [&] { return fired == 2; }));
}

TEST(AsioClockTest, IdsAreNeverReused) {
  boost::asio::io_context io;
  AsioClock clock(io);
  const TimerId a = clock.after(milliseconds(1), [] {});
  clock.cancel(a);
  const TimerId b = clock.after(milliseconds(1), [] {});
  ASSERT_TRUE(run_until(io, [&] { return clock.pending() == 0; }));
  const TimerId c = clock.after(milliseconds(1), [] {});
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
}

TEST(AsioClockTest, CancelledTimerNeverRuns) {
  boost::asio::io_context io;
  AsioClock clock(io);
  bool cancelled_ran = false;
  bool later_ran = false;
  const TimerId id = clock.after(milliseconds(5), [&] { cancelled_ran = true; });
  clock.after(milliseconds(20), [&] { later_ran = true; });
  clock.cancel(id);
  clock.cancel(id);      // twice: nothing happens
  clock.cancel(999999);  // unknown: nothing happens
  ASSERT_TRUE(run_until(io, [&] { return later_ran; }));
  EXPECT_FALSE(cancelled_ran);
}

// Both zero-delay timers have expired when the loop first looks, so both completions are queued
// together; the first cancels the second, whose completion must then do nothing (asio's own
// cancel() cannot recall a completion already queued).
TEST(AsioClockTest, CancelWinsOverAnExpiredQueuedTimer) {
  boost::asio::io_context io;
  AsioClock clock(io);
  int ran = 0;
  TimerId second = 0;
  clock.after(Duration::zero(), [&] {
    ++ran;
    clock.cancel(second);
  });
  second = clock.after(Duration::zero(), [&] { ++ran; });
  bool sentinel = false;
  clock.after(milliseconds(20), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(io, [&] { return sentinel; }));
  EXPECT_EQ(ran, 1);
}

TEST(AsioClockTest, CallbackMaySetAndCancelTimers) {
  boost::asio::io_context io;
  AsioClock clock(io);
  std::vector<int> fired;
  TimerId doomed = clock.after(milliseconds(15), [&] { fired.push_back(99); });
  clock.after(milliseconds(1), [&] {
    fired.push_back(1);
    clock.cancel(doomed);
    clock.after(milliseconds(1), [&] { fired.push_back(2); });
  });
  clock.after(milliseconds(30), [&] { fired.push_back(3); });
  ASSERT_TRUE(run_until(io, [&] { return fired.size() >= 3; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
}

TEST(AsioClockTest, DestroyingTheClockDiscardsPendingTimers) {
  boost::asio::io_context io;
  bool ran = false;
  {
    AsioClock clock(io);
    clock.after(Duration::zero(), [&] { ran = true; });
  }
  AsioClock other(io);
  bool sentinel = false;
  other.after(milliseconds(10), [&] { sentinel = true; });
  ASSERT_TRUE(run_until(io, [&] { return sentinel; }));
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace keel::real
