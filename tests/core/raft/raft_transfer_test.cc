// Leadership transfer (thesis §3.10).
#include <gtest/gtest.h>

#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

TEST(RaftTransfer, UpToDateFollowerTakesOverAtOnce) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  // The followers heard from 1 just now: without the transfer they would ignore 2's votes.
  ASSERT_TRUE(c.raft(1).transfer_leadership(2));
  c.settle();
  EXPECT_EQ(c.leader(), 2u);
  EXPECT_EQ(c.raft(2).term(), 2u);
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  EXPECT_EQ(c.raft(1).leader(), 2u);
  ASSERT_TRUE(c.raft(2).propose(bytes("x")));
  c.settle();
  EXPECT_EQ(c.machine(1).applied, std::vector<std::string>{"x"});
}

TEST(RaftTransfer, LaggingTargetIsCaughtUpFirstAndProposalsWait) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(3);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("p")));
  c.settle();
  c.heal();
  ASSERT_TRUE(c.raft(1).transfer_leadership(3));
  EXPECT_EQ(c.raft(1).lead_transferee(), 3u);
  auto refused = c.raft(1).propose(bytes("during"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kUnavailable);
  c.tick(1);  // 3 answers the heartbeat, gets the entries, then TimeoutNow
  c.settle();
  EXPECT_EQ(c.leader(), 3u);
  EXPECT_EQ(c.machine(3).applied.size(), 10u);
}

TEST(RaftTransfer, AbandonedAfterAnElectionTimeout) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.drop_if = [](const Message& m) { return m.type == MessageType::kTimeoutNow; };
  ASSERT_TRUE(c.raft(1).transfer_leadership(2));
  c.settle();
  EXPECT_EQ(c.raft(1).lead_transferee(), 2u);
  for (int i = 0; i < 10; ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
  EXPECT_TRUE(c.raft(1).propose(bytes("again")));
}

TEST(RaftTransfer, RefusedOffTheLeaderOrToANonVoter) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  EXPECT_EQ(c.raft(2).transfer_leadership(3).error().code, Errc::kNotLeader);
  EXPECT_EQ(c.raft(1).transfer_leadership(7).error().code, Errc::kNotFound);
  EXPECT_TRUE(c.raft(1).transfer_leadership(1));  // to itself: nothing to do
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
}

}  // namespace
}  // namespace keel::raft::testing
