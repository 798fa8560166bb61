// The network clients of scenarios: KV operations and watch streams cross the simulated network
// to the members' client gateways and come back as histories the checkers read.
#include <gtest/gtest.h>

#include <set>

#include "sim/kv_cluster.h"
#include "sim/workload/kv_workload.h"
#include "sim/workload/watch_workload.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

struct Harness {
  explicit Harness(std::uint64_t seed, LinkConfig network = {}) : kv(seed, options(network)) {}
  static KvClusterOptions options(LinkConfig network) {
    KvClusterOptions o;
    o.cluster.network = network;
    return o;
  }
  KvWorkload::Members members() {
    return [this] { return kv.cluster().members(); };
  }
  KvCluster kv;
};

std::size_t count(const KvHistory& history, KvOp::Outcome outcome) {
  return static_cast<std::size_t>(std::count_if(
      history.begin(), history.end(), [outcome](const KvOp& op) { return op.outcome == outcome; }));
}

TEST(KvWorkload, OperationsCrossTheNetworkAndAreRecorded) {
  Harness h(1);
  KvWorkload clients(h.kv.world(), h.members(), KvWorkloadOptions{});
  clients.start();
  h.kv.world().run_for(3s);
  clients.stop();
  h.kv.world().run_for(2s);
  ASSERT_TRUE(clients.idle());
  const KvHistory& history = clients.history();
  // 200 operations a second for 3 s, less the first election (about a second).
  EXPECT_GT(history.size(), 300u);
  EXPECT_EQ(count(history, KvOp::Outcome::kOk), history.size());
  std::set<std::uint64_t> ids;
  std::set<std::string> values;
  std::size_t reads_of_something = 0, swaps = 0;
  for (const KvOp& op : history) {
    EXPECT_TRUE(ids.insert(op.id).second) << describe(op);
    EXPECT_LE(op.invoked, op.completed) << describe(op);
    EXPECT_GT(op.revision, 0) << describe(op);
    if (op.kind == KvOp::Kind::kPut || op.kind == KvOp::Kind::kCas) {
      EXPECT_TRUE(values.insert(op.value).second) << "value written twice: " << describe(op);
    }
    reads_of_something += op.kind == KvOp::Kind::kGet && op.read.has_value();
    swaps += op.kind == KvOp::Kind::kCas && op.cas_succeeded;
  }
  EXPECT_GT(reads_of_something, 0u);
  EXPECT_GT(swaps, 0u);
  // The members' stores agree with what was written (KvCluster's own model check).
  ASSERT_TRUE(h.kv.converge(5s)) << h.kv.first_violation();
  EXPECT_TRUE(h.kv.check_history()) << h.kv.first_violation();
}

TEST(KvWorkload, ALeaderCrashLeavesSomeOutcomesUnknownAndClientsGoOn) {
  Harness h(2);
  KvWorkloadOptions options;
  options.timeout = 300ms;
  KvWorkload clients(h.kv.world(), h.members(), options);
  clients.start();
  World& world = h.kv.world();
  world.run_for(2s);
  const NodeId leader = h.kv.leader();
  ASSERT_NE(leader, kNoNode);
  world.crash(leader);
  world.run_for(3s);
  world.restart(leader);
  world.run_for(2s);
  clients.stop();
  world.run_for(1s);
  ASSERT_TRUE(clients.idle());
  const KvHistory& history = clients.history();
  EXPECT_GT(count(history, KvOp::Outcome::kUnknown) + count(history, KvOp::Outcome::kFailed), 0u);
  // Operations invoked well after the crash succeed again.
  const Time late = history.front().invoked + 5s;
  const auto ok_late = std::count_if(history.begin(), history.end(), [late](const KvOp& op) {
    return op.invoked > late && op.outcome == KvOp::Outcome::kOk;
  });
  EXPECT_GT(ok_late, 100);
}

TEST(WatchWorkload, WatchersFollowEveryChangeAndResumeAfterTheirMemberCrashes) {
  Harness h(3, LinkConfig{1ms, 10ms, 0.01, 0.01});
  KvWorkload clients(h.kv.world(), h.members(), KvWorkloadOptions{});
  WatchWorkloadOptions watch_options;
  watch_options.clients = 2;
  WatchWorkload watchers(h.kv.world(), h.members(), watch_options);
  clients.start();
  watchers.start();
  World& world = h.kv.world();
  world.run_for(2s);
  ASSERT_FALSE(watchers.logs()[0].streams.empty());
  const NodeId watched = world.id_of(watchers.logs()[0].streams.back().member);
  world.crash(watched);
  world.run_for(5s);
  world.restart(watched);
  clients.stop();
  ASSERT_TRUE(h.kv.converge(5s)) << h.kv.first_violation();
  auto reference = h.kv.reference_events();
  ASSERT_TRUE(reference);
  const kv::Revision last = reference->second.back().kv.mod_revision;
  for (int i = 0; i < 500 && watchers.caught_up_to() < last; ++i) world.run_for(10ms);
  EXPECT_GE(watchers.caught_up_to(), last);
  EXPECT_GE(watchers.logs()[0].streams.size(), 2u);
  EXPECT_GT(watchers.stats().resumed_after_silence, 0u);
  // Each watcher saw every change exactly once, in order (the checker does this in full).
  for (const WatcherLog& log : watchers.logs()) {
    std::vector<kv::Revision> seen;
    for (const WatchStream& stream : log.streams) {
      for (const kv::Event& event : stream.events) seen.push_back(event.kv.mod_revision);
    }
    std::vector<kv::Revision> expected;
    for (const kv::Event& event : reference->second) expected.push_back(event.kv.mod_revision);
    EXPECT_EQ(seen, expected) << "watcher " << log.watcher;
  }
}

// An isolated member has no leader, so it hears of no change: after two election timeouts it
// sends its watchers elsewhere (etcd's WithRequireLeader) instead of keeping them waiting.
TEST(WatchWorkload, AMemberWithoutALeaderSendsItsWatchersElsewhere) {
  Harness h(4);
  KvWorkload clients(h.kv.world(), h.members(), KvWorkloadOptions{});
  WatchWorkload watchers(h.kv.world(), h.members(), WatchWorkloadOptions{});
  clients.start();
  watchers.start();
  World& world = h.kv.world();
  world.run_for(2s);
  const NodeId watched = world.id_of(watchers.logs()[0].streams.back().member);
  // The seed puts the watcher on a follower, so that the others keep a leader.
  ASSERT_NE(watched, h.kv.leader());
  world.isolate(watched);
  world.run_for(6s);
  const kv::Revision stale = h.kv.service(watched)->store().revision();
  kv::Revision newest = 0;
  for (NodeId id : h.kv.cluster().members()) {
    if (auto* service = h.kv.service(id)) newest = std::max(newest, service->store().revision());
  }
  ASSERT_GT(newest, stale + 100);  // the others went on writing
  EXPECT_GT(watchers.caught_up_to(), stale + 100);
  EXPECT_NE(world.id_of(watchers.logs()[0].streams.back().member), watched);
  EXPECT_GT(watchers.stats().canceled_by_member, 0u);
}

}  // namespace
}  // namespace keel::sim
