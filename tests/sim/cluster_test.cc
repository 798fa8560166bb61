#include "sim/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

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

// A client's value is "c<client>-<number>", padded with '.' to value_bytes when shorter.
TEST(Cluster, ClientValuesAreNamedAndPaddedToValueBytes) {
  Cluster cluster(3, ClusterOptions{});
  cluster.start_clients(ClientOptions{10, 5ms, 1s, 7});
  cluster.world().run_for(6s);  // about 1,200 proposals per client
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(5s)) << cluster.first_violation();
  const node::AppendRegister& values = cluster.node(cluster.leader())->state();
  std::set<std::string> present;
  for (auto cursor = values.values(); !cursor.done();) {
    const ByteView value = cursor.next();
    present.emplace(value.begin(), value.end());
  }
  EXPECT_TRUE(present.contains("c1-500."));   // shorter: padded
  EXPECT_TRUE(present.contains("c2-1000"));   // exactly value_bytes
  EXPECT_TRUE(present.contains("c10-1000"));  // longer: as it is
  EXPECT_FALSE(present.contains("c1-500"));
}

// A client's proposals are answered or time out, each exactly once, whatever the leader does.
TEST(Cluster, EveryClientProposalIsAnsweredOrTimesOutOnce) {
  Cluster cluster(5, ClusterOptions{});
  cluster.start_clients(ClientOptions{3, 10ms, 200ms, 0});
  cluster.world().run_for(2s);
  const NodeId leader = cluster.leader();
  ASSERT_NE(leader, kNoNode);
  cluster.world().pause(leader);  // what is sent to it waits: the clients give up after 200 ms
  cluster.world().run_for(1s);
  cluster.world().resume(leader);  // the waiting proposals arrive late: their answers are ignored
  cluster.world().run_for(1s);
  cluster.stop_clients();
  cluster.world().run_for(1s);  // past every deadline
  const ClientStats& stats = cluster.client_stats();
  EXPECT_GT(stats.unknown, 0u);
  EXPECT_GT(stats.acknowledged, 0u);
  EXPECT_EQ(stats.proposed, stats.acknowledged + stats.refused + stats.unknown);
  ASSERT_TRUE(cluster.converge(5s)) << cluster.first_violation();
  EXPECT_TRUE(cluster.check_final_state()) << cluster.first_violation();
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

// Runs `change` on the leader until it is accepted (a change waits for the previous one).
void change_membership(Cluster& cluster, raft::ConfChange change) {
  auto accepted = std::make_shared<bool>(false);
  for (int attempt = 0; attempt < 100 && !*accepted; ++attempt) {
    const NodeId leader = cluster.leader();
    if (leader != kNoNode) {
      cluster.world().host(leader).post(Duration(0), [&cluster, leader, change, accepted] {
        if (node::Node* n = cluster.node(leader))
          *accepted = n->change_membership(change).has_value();
      });
    }
    cluster.world().run_for(100ms);
  }
  ASSERT_TRUE(*accepted);
}

bool is_voter(Cluster& cluster, NodeId id) {
  const NodeId leader = cluster.leader();
  if (leader == kNoNode) return false;
  const auto& voters = cluster.node(leader)->raft().conf().voters;
  return std::find(voters.begin(), voters.end(), id) != voters.end();
}

// One server at a time (thesis §4.1), end to end through the node, the WAL and snapshots: a new
// machine joins as a learner, catches up, is promoted; a founder (the leader, if it is) leaves.
TEST(Cluster, MembershipChangesOneAtATimeUnderLoad) {
  ClusterOptions options;
  // The newcomer catches up from a snapshot: it is further behind than the log kept below one.
  options.node.snapshot_every = 200;
  options.node.raft.log_kept_below_snapshot = 20;
  Cluster cluster(4, options);
  cluster.start_clients(ClientOptions{});
  cluster.world().run_for(3s);
  const NodeId newcomer = cluster.add_machine();
  change_membership(cluster, {raft::ConfChange{raft::ConfChangeType::kAddLearner, newcomer}});
  cluster.world().run_for(2s);
  change_membership(cluster, {raft::ConfChange{raft::ConfChangeType::kPromoteLearner, newcomer}});
  cluster.world().run_for(1s);
  ASSERT_TRUE(is_voter(cluster, newcomer));
  EXPECT_EQ(cluster.configuration(), (raft::ConfState{{1, 2, 3, 4}, {}}));
  const NodeId leaving = cluster.leader();
  change_membership(cluster, {raft::ConfChange{raft::ConfChangeType::kRemoveNode, leaving}});
  cluster.world().run_for(3s);
  EXPECT_FALSE(is_voter(cluster, leaving));
  std::vector<NodeId> voters;
  for (NodeId id : {1, 2, 3, 4}) {
    if (static_cast<NodeId>(id) != leaving) voters.push_back(id);
  }
  EXPECT_EQ(cluster.configuration(), (raft::ConfState{voters, {}}));
  cluster.world().crash(leaving);  // gone for good: the others must not need it
  cluster.world().run_for(2s);
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(10s)) << cluster.first_violation() << cluster.describe_members();
  EXPECT_TRUE(cluster.check_final_state()) << cluster.first_violation();
  EXPECT_GT(cluster.checker().snapshots_installed(), 0u);
  EXPECT_GE(cluster.node(newcomer)->raft().applied(), 600u);
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
          const SharedBytes valid = codec::encode_frame(1, vote);
          env.transport.send(to, valid.slice(valid.view().first(valid.size() - 3)));
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
