#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/env/random.h"

namespace keel::sim {
namespace {

Time at(std::int64_t ns) { return Time{} + Duration(ns); }

std::vector<std::uint32_t> drain(EventQueue& queue) {
  std::vector<std::uint32_t> slots;
  while (!queue.empty()) slots.push_back(queue.pop().slot());
  return slots;
}

TEST(EventQueue, PopsByTimeThenPushOrder) {
  EventQueue queue;
  queue.push(at(30), 1);
  queue.push(at(10), 2);
  queue.push(at(20), 3);
  queue.push(at(10), 4);
  EXPECT_EQ(drain(queue), (std::vector<std::uint32_t>{2, 4, 3, 1}));
}

// Events pushed at the current instant take the zero-delay lane; the heap's events at that
// instant were pushed earlier and must still go first, and later instants after the lane.
TEST(EventQueue, EventsPushedAtTheCurrentInstantRunAfterOlderOnesAtIt) {
  EventQueue queue;
  queue.push(at(10), 1);
  queue.push(at(10), 2);
  queue.push(at(20), 3);
  EXPECT_EQ(queue.pop().slot(), 1u);  // now at 10, with 2 still queued for it
  queue.push(at(10), 4);              // the lane
  queue.push(at(15), 5);
  queue.push(at(10), 6);  // the lane
  EXPECT_EQ(queue.size(), 5u);
  EXPECT_EQ(queue.top().slot(), 2u);
  EXPECT_EQ(queue.pop().slot(), 2u);
  EXPECT_EQ(queue.pop().slot(), 4u);
  queue.push(at(10), 7);  // pushed while the lane drains: still this instant, after 6
  EXPECT_EQ(drain(queue), (std::vector<std::uint32_t>{6, 7, 5, 3}));
}

TEST(EventQueue, LaneWorksFromTheFirstInstantAndAfterDraining) {
  EventQueue queue;
  queue.push(at(0), 1);
  queue.push(at(5), 2);
  queue.push(at(0), 3);
  EXPECT_EQ(drain(queue), (std::vector<std::uint32_t>{1, 3, 2}));
  queue.push(at(5), 4);  // the current instant again, after a drained lane
  queue.push(at(6), 5);
  EXPECT_EQ(drain(queue), (std::vector<std::uint32_t>{4, 5}));
}

// Pops interleaved with pushes at random times (many ties) come out exactly as a sorted list of
// (time, push order) says: the heap's pop (bottom-up refill) keeps the order, not just the minimum.
TEST(EventQueue, RandomPushesAndPopsFollowTimeThenPushOrder) {
  EventQueue queue;
  struct Pending {
    std::int64_t time;
    std::uint32_t slot;  // = push order
  };
  std::vector<Pending> reference;  // what is queued, sorted by (time, push order)
  Random random(7);
  std::int64_t now = 0;
  std::uint32_t pushed = 0;
  std::size_t popped = 0;
  for (int round = 0; round < 3000; ++round) {
    for (std::uint64_t k = random.below(4); k > 0; --k) {
      const std::int64_t time = now + random.between(std::int64_t{0}, std::int64_t{40});
      queue.push(at(time), pushed);
      const auto after =
          std::upper_bound(reference.begin(), reference.end(), time,
                           [](std::int64_t t, const Pending& pending) { return t < pending.time; });
      reference.insert(after, Pending{time, pushed++});
    }
    for (std::uint64_t k = random.below(4); k > 0 && !reference.empty(); --k) {
      const EventQueue::Item item = queue.pop();
      ASSERT_EQ(item.slot(), reference.front().slot) << "pop " << popped;
      ASSERT_EQ(item.time, at(reference.front().time));
      now = reference.front().time;
      reference.erase(reference.begin());
      ++popped;
    }
    ASSERT_EQ(queue.size(), reference.size());
  }
  EXPECT_GT(popped, 3000u);
}

TEST(EventQueue, PopDueTakesOnlyEventsDueByTheGivenTime) {
  EventQueue queue;
  queue.push(at(20), 1);
  queue.push(at(10), 2);
  EXPECT_FALSE(queue.pop_due(at(9)).has_value());
  EXPECT_EQ(queue.pop_due(at(10))->slot(), 2u);
  queue.push(at(10), 3);  // at the current instant: the lane
  EXPECT_EQ(queue.pop_due(at(10))->slot(), 3u);
  EXPECT_FALSE(queue.pop_due(at(19)).has_value());
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.pop_due(at(25))->slot(), 1u);
  EXPECT_FALSE(queue.pop_due(at(100)).has_value());
  EXPECT_TRUE(queue.empty());
}

// The slot shares a word with the sequence number: a large slot must not outrank a later push.
TEST(EventQueue, SlotValuesDoNotAffectTheOrder) {
  EventQueue queue;
  const std::uint32_t largest = EventQueue::kSlotLimit - 1;
  queue.push(at(10), 5);
  queue.push(at(10), largest);
  queue.push(at(10), 0);
  queue.push(at(5), largest);
  EXPECT_EQ(drain(queue), (std::vector<std::uint32_t>{largest, 5, largest, 0}));
}

// The heap compares (time, order) as one 128-bit key: times far apart in their high bits, and ties
// decided by the push order alone, must come out as the plain (time, push order) sort. Enough
// items to fill several levels, pushed latest first, so that every pop walks the hole down.
TEST(EventQueue, WideTimesAndTiesFollowTimeThenPushOrder) {
  EventQueue queue;
  const std::int64_t times[] = {std::int64_t{1} << 62,
                                (std::int64_t{1} << 40) + 1,
                                std::int64_t{1} << 40,
                                (std::int64_t{1} << 32) - 1,
                                3,
                                1};
  std::vector<std::uint32_t> expected;
  std::uint32_t slot = 0;
  for (std::int64_t time : times) {
    for (int copy = 0; copy < 5; ++copy) queue.push(at(time), slot++);
  }
  for (std::size_t t = std::size(times); t-- > 0;) {
    for (std::uint32_t copy = 0; copy < 5; ++copy)
      expected.push_back(static_cast<std::uint32_t>(5 * t) + copy);
  }
  EXPECT_EQ(drain(queue), expected);
}

TEST(EventQueueDeathTest, RefusesASlotOutOfItsRange) {
  EventQueue queue;
  EXPECT_DEATH(queue.push(at(10), EventQueue::kSlotLimit), "out of the queue's range");
}

TEST(EventQueueDeathTest, RefusesAnEventBeforeTheCurrentInstant) {
  EventQueue queue;
  queue.push(at(10), 1);
  queue.pop();
  EXPECT_DEATH(queue.push(at(9), 2), "before the current instant");
}

}  // namespace
}  // namespace keel::sim
