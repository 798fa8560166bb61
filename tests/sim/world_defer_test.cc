// Clock::defer in the simulator: a deferred call runs where a zero-delay timer set at the same
// moment would (core/env/clock.h), can be cancelled, waits out a sync, and dies with a crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/world.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

// A program whose test drives it from outside through its Env; it logs what ran.
class Probe final : public Program {
 public:
  explicit Probe(Env& program_env) : env(program_env) {}
  Env& env;
  std::vector<std::string> ran;
};

Probe& probe(World& world, NodeId id) { return *static_cast<Probe*>(world.host(id).program()); }

NodeId add_probe(World& world, std::string name) {
  return world.add_host(std::move(name), [](Env& env) { return std::make_unique<Probe>(env); });
}

TEST(WorldDefer, RunsAfterTheHandlerInTheOrderOfZeroDelayTimersAndSharesTheirIds) {
  World world(1);
  const NodeId id = add_probe(world, "a");
  Probe& p = probe(world, id);
  std::vector<TimerId> ids;
  p.env.clock.after(5ms, [&] {
    ids.push_back(p.env.clock.after(0ms, [&] { p.ran.push_back("timer-1"); }));
    ids.push_back(p.env.clock.defer([&] { p.ran.push_back("deferred-1"); }));
    ids.push_back(p.env.clock.after(0ms, [&] { p.ran.push_back("timer-2"); }));
    ids.push_back(p.env.clock.defer([&] { p.ran.push_back("deferred-2"); }));
    p.ran.push_back("handler");  // nothing ran inside defer()
  });
  world.run_for(10ms);
  EXPECT_EQ(p.ran, (std::vector<std::string>{"handler", "timer-1", "deferred-1", "timer-2",
                                             "deferred-2"}));
  ASSERT_EQ(ids.size(), 4u);
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(ids[i], ids[i - 1] + 1);
}

TEST(WorldDefer, ACancelledCallNeverRunsAndTheOthersStillDo) {
  World world(2);
  const NodeId id = add_probe(world, "a");
  Probe& p = probe(world, id);
  p.env.clock.after(5ms, [&] {
    const TimerId first = p.env.clock.defer([&] { p.ran.push_back("first"); });
    p.env.clock.defer([&] {
      p.ran.push_back("second");
      p.env.clock.cancel(first);  // already cancelled: nothing happens
    });
    const TimerId third = p.env.clock.defer([&] { p.ran.push_back("third"); });
    p.env.clock.defer([&] { p.ran.push_back("fourth"); });
    p.env.clock.cancel(first);
    p.env.clock.cancel(third);
  });
  world.run_for(10ms);
  EXPECT_EQ(p.ran, (std::vector<std::string>{"second", "fourth"}));
}

// Made outside any of the host's events (here a world call), a call still runs, at that instant.
TEST(WorldDefer, ACallDeferredFromOutsideTheHostRunsAtTheSameInstant) {
  World world(3);
  const NodeId id = add_probe(world, "a");
  Probe& p = probe(world, id);
  Time ran_at{};
  world.after(7ms, [&] { p.env.clock.defer([&] { ran_at = world.now(); }); });
  world.run_for(10ms);
  EXPECT_EQ(ran_at, Time{} + 7ms);
}

TEST(WorldDefer, ACallDeferredDuringASyncRunsWhenTheSyncReturns) {
  World world(4);
  const NodeId id = add_probe(world, "a");
  world.host(id).fs().set_sync_latency(50ms, 50ms);
  Probe& p = probe(world, id);
  Time ran_at{};
  p.env.clock.after(5ms, [&] {
    auto file = *p.env.fs.open("f", OpenMode::kCreateNew);
    (void)file->sync();  // the machine is busy until 55 ms
    p.env.clock.defer([&] { ran_at = world.now(); });
  });
  world.run_for(100ms);
  EXPECT_EQ(ran_at, Time{} + 55ms);
}

TEST(WorldDefer, ACrashDiscardsTheCallsOfTheProgramThatMadeThem) {
  World world(5);
  const NodeId id = add_probe(world, "a");
  int ran = 0;
  world.after(5ms, [&] {
    probe(world, id).env.clock.defer([&] { ++ran; });
    world.crash(id);
    world.restart(id);
    probe(world, id).env.clock.defer([&] { ran += 10; });  // the new program's call runs
  });
  world.run_for(10ms);
  EXPECT_EQ(ran, 10);
}

TEST(WorldDefer, APausedHostRunsItsCallsWhenResumed) {
  World world(6);
  const NodeId id = add_probe(world, "a");
  Time ran_at{};
  world.after(5ms, [&] {
    probe(world, id).env.clock.defer([&] { ran_at = world.now(); });
    world.pause(id);
  });
  world.after(20ms, [&] { world.resume(id); });
  world.run_for(30ms);
  EXPECT_EQ(ran_at, Time{} + 20ms);
}

}  // namespace
}  // namespace keel::sim
