// Leader election (thesis §3.4), pre-vote (§9.6), stickiness (§4.2.3), check-quorum (§6.2).
#include <gtest/gtest.h>

#include <set>

#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

// One node of a three-member cluster, built straight from a disk image.
Raft lone_node(HardState hs, std::vector<Entry> entries, Config config = {}) {
  return member_one_of_three(hs, std::move(entries), config, 7);
}

Message vote_request(NodeId from, Term term, Index last_index, Term last_term, NodeId to = 1) {
  Message m = message(MessageType::kVote, from, to, term);
  m.index = last_index;
  m.log_term = last_term;
  return m;
}

TEST(RaftElection, ThreeNodesElectOneLeaderAndCommitItsNoOp) {
  Cluster c(3);
  EXPECT_EQ(c.campaign(1), 1u);
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).term(), 1u) << "node " << id;
    EXPECT_EQ(c.raft(id).leader(), 1u) << "node " << id;
    EXPECT_EQ(c.raft(id).commit(), 1u) << "node " << id;  // the leader's no-op (§3.6.2)
    EXPECT_EQ(c.raft(id).log().at(1).term, 1u);
    EXPECT_TRUE(c.raft(id).log().at(1).data.empty());
  }
  EXPECT_EQ(c.raft(2).role(), Role::kFollower);
  EXPECT_EQ(c.raft(2).vote(), 1u);
}

TEST(RaftElection, SingleNodeElectsItselfAndCommits) {
  Cluster c(1);
  EXPECT_EQ(c.campaign(1), 1u);
  auto index = c.raft(1).propose(bytes("x"));
  ASSERT_TRUE(index);
  EXPECT_EQ(*index, 2u);
  c.settle();
  EXPECT_EQ(c.raft(1).commit(), 2u);
  EXPECT_EQ(c.machine(1).applied, std::vector<std::string>{"x"});
}

TEST(RaftElection, ElectionTimeoutIsRandomizedWithinRange) {
  std::set<int> seen;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Cluster c(3, {}, seed);
    int ticks = 0;
    while (c.raft(1).role() == Role::kFollower && ticks < 100) {
      c.raft(1).tick();
      ++ticks;
    }
    EXPECT_GE(ticks, 10);
    EXPECT_LT(ticks, 20);
    seen.insert(ticks);
  }
  EXPECT_GT(seen.size(), 3u);
}

TEST(RaftElection, VoteNeedsAnUpToDateLogAndIsPersistedWithTheResponse) {
  Raft r = lone_node(HardState{2, kNoNode, 0}, {entry(1, 1), entry(2, 2)}, {});
  auto answer = [&](const Message& request) {
    r.step(request);
    Ready rd = r.ready();
    r.advance(rd);
    EXPECT_EQ(rd.messages.size(), 1u);
    return rd;
  };
  // §3.6.1: a lower last term loses even with a longer log; a shorter log of the same term loses.
  Ready rd = answer(vote_request(2, 3, 5, 1));
  EXPECT_TRUE(rd.messages[0].reject);
  EXPECT_EQ(r.vote(), kNoNode);
  rd = answer(vote_request(3, 3, 1, 2));
  EXPECT_TRUE(rd.messages[0].reject);
  rd = answer(vote_request(3, 3, 2, 2));
  EXPECT_FALSE(rd.messages[0].reject);
  EXPECT_EQ(rd.messages[0].type, MessageType::kVoteResponse);
  EXPECT_EQ(rd.messages[0].term, 3u);
  // The vote travels in the same Ready as the response, and must be synced before it is sent.
  ASSERT_TRUE(rd.hard_state);
  EXPECT_EQ(rd.hard_state->vote, 3u);
  EXPECT_EQ(rd.hard_state->term, 3u);
  EXPECT_TRUE(rd.must_sync);
  // One vote per term.
  rd = answer(vote_request(2, 3, 2, 2));
  EXPECT_TRUE(rd.messages[0].reject);
  EXPECT_EQ(r.vote(), 3u);
}

TEST(RaftElection, VoteSurvivesRestart) {
  Cluster c(3);
  c.raft(3).step(vote_request(2, 5, 0, 0, 3));
  c.raft(3).step(message(MessageType::kHeartbeat, 9, 3, 1));  // noise from an old term
  c.flush_readies();
  c.crash(3);
  c.restart(3);
  EXPECT_EQ(c.raft(3).term(), 5u);
  EXPECT_EQ(c.raft(3).vote(), 2u);
  Message rival = message(MessageType::kVote, 1, 3, 5);
  c.raft(3).step(rival);
  Ready rd = c.raft(3).ready();
  c.raft(3).advance(rd);
  ASSERT_EQ(rd.messages.size(), 1u);
  EXPECT_TRUE(rd.messages[0].reject);
}

TEST(RaftElection, HigherTermMakesLeaderStepDown) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  Message stale_reply = message(MessageType::kAppendResponse, 2, 1, 7);
  c.raft(1).step(stale_reply);
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  EXPECT_EQ(c.raft(1).term(), 7u);
  EXPECT_EQ(c.raft(1).leader(), kNoNode);
  // A heartbeat of a still higher term names the new leader.
  c.raft(1).step(message(MessageType::kHeartbeat, 3, 1, 8));
  EXPECT_EQ(c.raft(1).term(), 8u);
  EXPECT_EQ(c.raft(1).leader(), 3u);
}

TEST(RaftElection, LowerTermAppendIsAnsweredWithTheCurrentTerm) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.raft(2).step(message(MessageType::kHeartbeat, 3, 2, 9));  // 2 moves to term 9
  c.flush_readies();
  c.queue().clear();
  c.raft(1).tick();  // heartbeat at term 1
  c.settle();
  // 2 answered with term 9, so the old leader learned it was deposed.
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  EXPECT_EQ(c.raft(1).term(), 9u);
}

TEST(RaftElection, PreVoteKeepsARejoiningNodeFromDisturbingTheLeader) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(3);
  for (int i = 0; i < 100; ++i) {
    c.tick(3);
    c.tick(1);
    c.settle();
  }
  // Its pre-votes went nowhere, and a pre-vote never raises the term (§9.6).
  EXPECT_EQ(c.raft(3).term(), 1u);
  c.heal();
  // Back in touch: it pre-campaigns once more; 1 and 2 have a live leader and ignore it.
  for (int i = 0; i < 25 && c.raft(3).role() == Role::kFollower; ++i) c.raft(3).tick();
  ASSERT_EQ(c.raft(3).role(), Role::kPreCandidate);
  c.settle();
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
  EXPECT_EQ(c.raft(1).term(), 1u);
  c.tick(1);
  c.settle();
  EXPECT_EQ(c.raft(3).role(), Role::kFollower);
  EXPECT_EQ(c.raft(3).leader(), 1u);
  EXPECT_EQ(c.raft(3).term(), 1u);
}

TEST(RaftElection, WithoutPreVoteARejoiningNodeDisruptsTheLeader) {
  Cluster c(3, [](Config& config) {
    config.pre_vote = false;
    config.check_quorum = false;
  });
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(3);
  for (int i = 0; i < 30; ++i) c.tick(3);
  EXPECT_GT(c.raft(3).term(), 1u);
  c.heal();
  const Term before = c.raft(3).term();
  for (int i = 0; i < 25 && c.raft(3).term() == before; ++i) c.raft(3).tick();
  c.settle();
  EXPECT_GT(c.raft(1).term(), 1u);  // the contrast to the test above
}

TEST(RaftElection, StickyFollowerIgnoresVotesWhileItHearsFromALeader) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.raft(2).step(vote_request(3, 5, 100, 1, 2));
  EXPECT_EQ(c.raft(2).term(), 1u);
  EXPECT_EQ(c.raft(2).vote(), 1u);
  c.flush_readies();
  EXPECT_TRUE(c.queue().empty());
  // Once an election timeout passed without the leader, the vote is granted.
  for (int i = 0; i < 10; ++i) c.raft(2).tick();
  c.raft(2).step(vote_request(3, 5, 100, 1, 2));
  EXPECT_EQ(c.raft(2).term(), 5u);
  EXPECT_EQ(c.raft(2).vote(), 3u);
}

TEST(RaftElection, CheckQuorumMakesAnIsolatedLeaderStepDown) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  for (int i = 0; i < 9; ++i) c.tick(1);
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
  c.tick(1, 11);  // a full election timeout without hearing from anyone
  EXPECT_EQ(c.raft(1).role(), Role::kFollower);
  EXPECT_EQ(c.raft(1).term(), 1u);
}

TEST(RaftElection, WithoutCheckQuorumAnIsolatedLeaderStays) {
  Cluster c(3, [](Config& config) { config.check_quorum = false; });
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  c.tick(1, 50);
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
}

TEST(RaftElection, ConnectedLeaderSurvivesCheckQuorum) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  for (int i = 0; i < 50; ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
}

TEST(RaftElection, MessagesOfAnotherClusterAreDroppedAndCounted) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  Message foreign = message(MessageType::kHeartbeat, 2, 1, 50);
  foreign.cluster = kCluster + 1;
  c.raft(1).step(foreign);
  c.raft(1).step(foreign);
  EXPECT_EQ(c.raft(1).dropped_foreign_cluster_messages(), 2u);
  EXPECT_EQ(c.raft(1).term(), 1u);
  EXPECT_EQ(c.raft(1).role(), Role::kLeader);
}

TEST(RaftElection, EveryOutgoingMessageCarriesTheClusterId) {
  Cluster c(3);
  c.campaign(1);
  c.raft(1).propose(bytes("x"));
  c.settle();
  ASSERT_FALSE(c.delivered.empty());
  for (const Message& m : c.delivered) EXPECT_EQ(m.cluster, kCluster);
}

TEST(RaftElection, NewLeaderAfterTheOldOneCrashes) {
  Cluster c(5);
  ASSERT_EQ(c.campaign(1), 1u);
  c.crash(1);
  for (int i = 0; i < 40 && c.leader() == kNoNode; ++i) {
    c.tick_all();
    c.settle();
  }
  const NodeId leader = c.leader();
  EXPECT_NE(leader, kNoNode);
  EXPECT_NE(leader, 1u);
  EXPECT_GE(c.raft(leader).term(), 2u);
}

}  // namespace
}  // namespace keel::raft::testing
