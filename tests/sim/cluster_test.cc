#include "sim/cluster.h"

#include <gtest/gtest.h>

#include "core/codec/frame.h"

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

// Frames that do not decode, that carry another cluster's id, or that are cut short are dropped
// and counted; the cluster carries on.
TEST(Cluster, BadFramesAreDroppedAndCounted) {
  Cluster cluster(3, ClusterOptions{});
  World& world = cluster.world();
  // A machine of another cluster that sends well-formed frames, and one that sends garbage.
  const NodeId stranger = world.add_host("x1", [](Env& env) {
    struct Stranger final : Program {
      explicit Stranger(Env& env) {
        raft::Message vote;
        vote.type = raft::MessageType::kVote;
        vote.cluster = 99;
        vote.from = env.self;
        vote.term = 1000;
        for (NodeId to = 1; to <= 3; ++to) {
          vote.to = to;
          env.transport.send(to, codec::encode_frame(99, vote));
          Bytes garbage(64);
          for (auto& b : garbage) b = static_cast<std::uint8_t>(env.random.next());
          env.transport.send(to, garbage);
          Bytes truncated = codec::encode_frame(1, vote);
          truncated.resize(truncated.size() - 3);
          env.transport.send(to, truncated);
        }
      }
    };
    return std::make_unique<Stranger>(env);
  });
  ASSERT_NE(stranger, kNoNode);
  cluster.start_clients(ClientOptions{});
  world.run_for(3s);
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(5s)) << cluster.first_violation();
  EXPECT_TRUE(cluster.check_final_state()) << cluster.first_violation();
  for (NodeId id : cluster.members()) {
    const node::NodeStats& stats = cluster.node(id)->stats();
    EXPECT_EQ(stats.frames_foreign, 1u) << "n" << id;
    EXPECT_EQ(stats.frames_rejected, 2u) << "n" << id;
    EXPECT_LT(cluster.node(id)->raft().term(), 1000u);  // the stranger's term was never trusted
  }
}

}  // namespace
}  // namespace keel::sim
