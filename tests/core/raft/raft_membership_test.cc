// Membership changes one server at a time (thesis §4.1-§4.2).
#include <gtest/gtest.h>

#include "core/codec/raft_codec.h"
#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

ConfChange change(ConfChangeType type, NodeId node) { return ConfChange{type, node}; }

// Leader 1 of {1, 2, 3} with learner 4 added and caught up.
Cluster with_learner() {
  Cluster c(3);
  EXPECT_EQ(c.campaign(1), 1u);
  c.add_machine(4);
  EXPECT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 4)));
  c.settle();
  c.tick(1);
  c.settle();
  return c;
}

TEST(RaftMembership, AddedLearnerReceivesTheLog) {
  Cluster c = with_learner();
  ASSERT_TRUE(c.raft(1).propose(bytes("hello")));
  c.settle();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).conf().learners, std::vector<NodeId>{4}) << "node " << id;
    EXPECT_EQ(c.raft(id).conf().voters, (std::vector<NodeId>{1, 2, 3})) << "node " << id;
  }
  EXPECT_EQ(c.machine(4).applied, std::vector<std::string>{"hello"});
  // The entry's data is the codec's encoding of the change.
  const Entry& conf_entry = c.raft(4).log().at(2);
  ASSERT_EQ(conf_entry.type, EntryType::kConfChange);
  auto decoded = codec::decode<ConfChange>(conf_entry.data);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, change(ConfChangeType::kAddLearner, 4));
}

// The leader keeps its followers' progress in order of id, whatever order they joined in: its
// appends go out by ascending id.
TEST(RaftMembership, TheLeaderSendsInOrderOfIdWhateverOrderTheFollowersJoinedIn) {
  Cluster c(2);
  ASSERT_EQ(c.campaign(1), 1u);
  for (NodeId id : {4, 3}) {
    c.add_machine(id);
    ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, id)));
    c.settle();
  }
  ASSERT_TRUE(c.raft(1).propose(bytes("x")));
  c.flush_readies();
  std::vector<NodeId> appended_to;
  for (const Message& m : c.queue()) {
    if (m.from == 1 && m.type == MessageType::kAppend) appended_to.push_back(m.to);
  }
  EXPECT_EQ(appended_to, (std::vector<NodeId>{2, 3, 4}));
}

TEST(RaftMembership, SecondChangeIsRefusedWhileTheFirstIsUncommitted) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.add_machine(4);
  c.add_machine(5);
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 4)));
  auto second = c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 5));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::kUnavailable);
  c.settle();
  EXPECT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 5)));
}

TEST(RaftMembership, ConfigurationTakesEffectWhenAppendedAndInvalidChangesAreRefused) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 4)));
  c.settle();
  EXPECT_EQ(c.raft(1).commit(), 1u);                             // not committed ...
  EXPECT_EQ(c.raft(1).conf().learners, std::vector<NodeId>{4});  // ... but in force
  EXPECT_NE(c.raft(1).progress(4), nullptr);
  Cluster d(3);
  ASSERT_EQ(d.campaign(1), 1u);
  EXPECT_EQ(d.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 2)).error().code,
            Errc::kAlreadyExists);
  EXPECT_EQ(d.raft(1).propose_conf_change(change(ConfChangeType::kPromoteLearner, 9)).error().code,
            Errc::kNotFound);
  EXPECT_EQ(d.raft(1).propose_conf_change(change(ConfChangeType::kRemoveNode, 9)).error().code,
            Errc::kNotFound);
  EXPECT_EQ(d.raft(2).propose_conf_change(change(ConfChangeType::kAddLearner, 9)).error().code,
            Errc::kNotLeader);
}

TEST(RaftMembership, LearnerNeitherVotesNorCountsForCommit) {
  Cluster c = with_learner();
  // 4 never campaigns, however long it goes without a leader.
  c.isolate(4);
  c.tick(4, 100);
  EXPECT_EQ(c.raft(4).role(), Role::kFollower);
  EXPECT_EQ(c.raft(4).term(), 1u);
  c.heal();
  // With 2 and 3 gone, the leader and the learner are not a majority of {1, 2, 3}.
  c.partition({2, 3});
  const Index before = c.raft(1).commit();
  ASSERT_TRUE(c.raft(1).propose(bytes("x")));
  c.settle();
  EXPECT_EQ(c.raft(4).last_index(), c.raft(1).last_index());
  EXPECT_EQ(c.raft(1).commit(), before);
  // A candidate does not ask a learner for its vote.
  c.heal();
  c.delivered.clear();
  c.crash(1);
  for (int i = 0; i < 40 && c.leader() == kNoNode; ++i) {
    c.tick_all();
    c.settle();
  }
  ASSERT_NE(c.leader(), kNoNode);
  for (const Message& m : c.delivered) {
    if (m.type == MessageType::kVote || m.type == MessageType::kPreVote) {
      EXPECT_NE(m.to, 4u);
    }
  }
}

TEST(RaftMembership, PromotionWaitsUntilTheLearnerCaughtUp) {
  Cluster c(3, [](Config& config) { config.max_promotion_lag = 5; });
  ASSERT_EQ(c.campaign(1), 1u);
  c.add_machine(4);
  c.isolate(4);
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 4)));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("p")));
  c.settle();
  auto early = c.raft(1).propose_conf_change(change(ConfChangeType::kPromoteLearner, 4));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, Errc::kUnavailable);
  c.heal();
  c.tick(1);
  c.settle();
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kPromoteLearner, 4)));
  c.settle();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).conf().voters, (std::vector<NodeId>{1, 2, 3, 4})) << "node " << id;
    EXPECT_TRUE(c.raft(id).conf().learners.empty());
  }
  // Now 4 counts: with 2 and 3 gone, 1 and 4 are not a majority of four...
  c.partition({2, 3});
  const Index before = c.raft(1).commit();
  ASSERT_TRUE(c.raft(1).propose(bytes("y")));
  c.settle();
  EXPECT_EQ(c.raft(1).commit(), before);
  // ... but with 3 back they are.
  c.heal();
  c.isolate(2);
  c.tick(1);
  c.settle();
  EXPECT_GT(c.raft(1).commit(), before);
}

TEST(RaftMembership, RemovedLeaderStepsDownOnceTheRemovalCommits) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kRemoveNode, 1)));
  c.settle();
  // In force at once: the leader no longer counts itself, but it leads until the change commits.
  EXPECT_EQ(c.raft(1).conf().voters, (std::vector<NodeId>{2, 3}));
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
  c.heal();
  c.tick(1);
  c.settle();
  EXPECT_EQ(c.raft(2).commit(), 2u);
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  // 2 and 3 elect a leader among themselves; 1, no longer a voter, never campaigns.
  for (int i = 0; i < 60 && c.leader() == kNoNode; ++i) {
    c.tick_all();
    c.settle();
  }
  const NodeId leader = c.leader();
  EXPECT_TRUE(leader == 2 || leader == 3) << leader;
  ASSERT_TRUE(c.raft(leader).propose(bytes("after")));
  c.settle();
  EXPECT_EQ(c.machine(leader == 2 ? 3 : 2).applied.back(), "after");
}

// The leader of {1, 2} removes itself but loses its quorum before the change reaches 2. Only 1's
// log can be elected (2 needs 1's vote, and 1 refuses it), so 1 must campaign although the
// change it holds excludes it: it leads {2} until the removal commits, then steps down.
TEST(RaftMembership, ARemovedLeaderThatLostItsQuorumFinishesTheChange) {
  Cluster c(2);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kRemoveNode, 1)));
  c.settle();
  c.tick(1, 2 * c.machine(1).config.election_ticks);  // check-quorum: it steps down
  ASSERT_EQ(c.raft(1).role(), Role::kFollower);
  ASSERT_EQ(c.raft(2).conf().voters, (std::vector<NodeId>{1, 2}));
  c.heal();
  for (int i = 0; i < 100 && c.leader() != 2; ++i) {
    c.tick_all();
    c.settle();
  }
  ASSERT_EQ(c.leader(), 2u);
  for (NodeId id : {1, 2}) {
    EXPECT_EQ(c.raft(id).conf().voters, std::vector<NodeId>{2}) << "node " << id;
  }
  ASSERT_TRUE(c.raft(2).propose(bytes("after")));
  c.settle();
  EXPECT_EQ(c.machine(2).applied.back(), "after");
}

TEST(RaftMembership, RemovingTheLastVoterIsRefused) {
  Cluster c(1);
  ASSERT_EQ(c.campaign(1), 1u);
  auto refused = c.raft(1).propose_conf_change(change(ConfChangeType::kRemoveNode, 1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalidArgument);
}

TEST(RaftMembership, TruncatedConfChangeIsReverted) {
  Cluster c(5);
  ASSERT_EQ(c.campaign(1), 1u);
  // The change reaches 2 only, then 1 and 2 are cut off.
  c.drop_if = [](const Message& m) { return m.from == 1 && m.to >= 3; };
  ASSERT_TRUE(c.raft(1).propose_conf_change(change(ConfChangeType::kAddLearner, 6)));
  c.settle();
  EXPECT_EQ(c.raft(2).conf().learners, std::vector<NodeId>{6});
  c.drop_if = nullptr;
  c.partition({1, 2});
  // 3, 4, 5 elect a leader among themselves, which writes its no-op at index 2.
  NodeId leader = kNoNode;
  for (int i = 0; i < 60 && leader == kNoNode; ++i) {
    for (NodeId id : {3, 4, 5}) c.tick(id);
    c.settle();
    for (NodeId id : {3, 4, 5}) {
      if (c.raft(id).role() == Role::kLeader) leader = id;
    }
  }
  ASSERT_NE(leader, kNoNode);
  c.heal();
  c.tick(leader);
  c.settle();
  c.tick(leader);
  c.settle();
  EXPECT_EQ(c.raft(2).log().at(2).term, c.raft(leader).term());
  EXPECT_TRUE(c.raft(2).conf().learners.empty());  // back to the configuration before the change
  EXPECT_TRUE(c.raft(1).conf().learners.empty());
}

}  // namespace
}  // namespace keel::raft::testing
