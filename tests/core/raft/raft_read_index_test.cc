// ReadIndex (thesis §6.4) and lease reads (§6.4.1).
#include <gtest/gtest.h>

#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

TEST(RaftReadIndex, LeaderAnswersOnlyAfterAHeartbeatQuorum) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  ASSERT_TRUE(c.raft(1).propose(bytes("a")));
  c.settle();
  c.drop_if = [](const Message& m) { return m.type == MessageType::kHeartbeatResponse; };
  ASSERT_TRUE(c.read_index_on(1, 42));
  c.settle();
  EXPECT_TRUE(c.machine(1).read_states.empty());
  // One follower's answer makes a majority with the leader.
  c.drop_if = [](const Message& m) {
    return m.type == MessageType::kHeartbeatResponse && m.from == 3;
  };
  c.tick(1);
  c.settle();
  ASSERT_EQ(c.machine(1).read_states.size(), 1u);
  EXPECT_EQ(c.machine(1).read_states[0], (ReadState{2, 42}));
}

TEST(RaftReadIndex, HeartbeatsCarryTheReadAndConfirmEveryEarlierOne) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.drop_if = [](const Message& m) { return m.type == MessageType::kHeartbeatResponse; };
  ASSERT_TRUE(c.read_index_on(1, 1));
  ASSERT_TRUE(c.read_index_on(1, 2));
  c.settle();
  c.drop_if = nullptr;
  c.delivered.clear();
  c.tick(1);
  c.settle();
  bool carried = false;
  for (const Message& m : c.delivered) carried |= m.type == MessageType::kHeartbeat && m.context;
  EXPECT_TRUE(carried);
  ASSERT_EQ(c.machine(1).read_states.size(), 2u);
  EXPECT_EQ(c.machine(1).read_states[0].context, 1u);
  EXPECT_EQ(c.machine(1).read_states[1].context, 2u);
}

TEST(RaftReadIndex, FollowerAsksTheLeader) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  ASSERT_TRUE(c.raft(1).propose(bytes("a")));
  c.settle();
  ASSERT_TRUE(c.read_index_on(2, 7));
  c.settle();
  ASSERT_EQ(c.machine(2).read_states.size(), 1u);
  EXPECT_EQ(c.machine(2).read_states[0], (ReadState{2, 7}));
  EXPECT_TRUE(c.machine(1).read_states.empty());
  Cluster leaderless(3);
  auto refused = leaderless.raft(2).read_index(1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kNotLeader);
}

TEST(RaftReadIndex, NewLeaderWaitsUntilItsNoOpCommits) {
  Cluster c(3);
  c.drop_if = [](const Message& m) { return m.type == MessageType::kAppendResponse; };
  ASSERT_EQ(c.campaign(1), 1u);
  EXPECT_EQ(c.raft(1).commit(), 0u);
  ASSERT_TRUE(c.read_index_on(1, 5));
  c.tick(1);
  c.settle();
  EXPECT_TRUE(c.machine(1).read_states.empty());
  c.drop_if = nullptr;
  c.tick(1);
  c.settle();
  ASSERT_EQ(c.machine(1).read_states.size(), 1u);
  EXPECT_EQ(c.machine(1).read_states[0], (ReadState{1, 5}));
}

TEST(RaftReadIndex, DeposedLeaderNeverAnswers) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  ASSERT_TRUE(c.read_index_on(1, 9));
  for (int i = 0; i < 30; ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_TRUE(c.machine(1).read_states.empty());
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  EXPECT_EQ(c.raft(1).dropped_reads(), 1u);
}

TEST(RaftReadIndex, PendingReadsAreBounded) {
  Cluster c(3, [](Config& config) { config.max_pending_reads = 2; });
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  ASSERT_TRUE(c.read_index_on(1, 1));
  ASSERT_TRUE(c.read_index_on(1, 2));
  auto refused = c.raft(1).read_index(3);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kLimitExceeded);
}

TEST(RaftReadIndex, LeaseReadsAnswerWithoutAHeartbeatRound) {
  Cluster c(3, [](Config& config) { config.lease_reads = true; });
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  ASSERT_TRUE(c.read_index_on(1, 3));
  c.flush_readies();
  ASSERT_EQ(c.machine(1).read_states.size(), 1u);
  EXPECT_EQ(c.machine(1).read_states[0], (ReadState{1, 3}));
}

TEST(RaftReadIndex, SingleVoterAnswersAtOnce) {
  Cluster c(1);
  ASSERT_EQ(c.campaign(1), 1u);
  ASSERT_TRUE(c.read_index_on(1, 4));
  c.flush_readies();
  ASSERT_EQ(c.machine(1).read_states.size(), 1u);
  EXPECT_EQ(c.machine(1).read_states[0], (ReadState{1, 4}));
}

}  // namespace
}  // namespace keel::raft::testing
