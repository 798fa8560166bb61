#include "sim/cluster.h"

#include <gtest/gtest.h>

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

TEST(Cluster, ElectsALeaderAndCommitsProposals) {
  Cluster cluster(1, ClusterOptions{});
  cluster.start_clients(ClientOptions{});
  cluster.world().run_for(5s);
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(5s)) << cluster.first_violation();
  EXPECT_NE(cluster.leader(), kNoNode);
  EXPECT_TRUE(cluster.check_final_state()) << cluster.first_violation();
  EXPECT_GT(cluster.client_stats().acknowledged, 400u);
  EXPECT_GT(cluster.checker().committed_index(), 400u);
}

TEST(Cluster, SurvivesLeaderCrashesWithLostUnsyncedWrites) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    ClusterOptions options;
    options.members = 5;
    options.network = LinkConfig{1ms, 10ms, 0.01, 0.01};
    Cluster cluster(seed, options);
    cluster.start_clients(ClientOptions{});
    for (int round = 0; round < 4; ++round) {
      cluster.world().run_for(2s);
      const NodeId lead = cluster.leader();
      if (lead == kNoNode) continue;
      cluster.world().crash(lead, round % 2 ? CrashMode::kCorruptTail : CrashMode::kLoseUnsynced);
      cluster.world().run_for(500ms);
      cluster.world().restart(lead);
    }
    cluster.stop_clients();
    ASSERT_TRUE(cluster.converge(10s)) << "seed " << seed << ": " << cluster.first_violation();
    ASSERT_TRUE(cluster.check_final_state())
        << "seed " << seed << ": " << cluster.first_violation();
    EXPECT_GT(cluster.checker().elections(), 3u);
  }
}

}  // namespace
}  // namespace keel::sim
