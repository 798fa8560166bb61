// Log replication (thesis §3.5), the commit rule (§3.6.2, Figure 3.7), fast backtracking and
// flow control.
#include <gtest/gtest.h>

#include "core/env/str.h"
#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

// Node 1 of {1, 2, 3} as a follower with the given log.
Raft follower_with(std::vector<Entry> entries, Term term, Index commit = 0) {
  return member_one_of_three(HardState{term, kNoNode, commit}, std::move(entries));
}

Message only_reply(Raft& r) {
  Ready rd = r.ready();
  r.advance(rd);
  EXPECT_EQ(rd.messages.size(), 1u);
  return rd.messages.empty() ? Message{} : rd.messages[0];
}

TEST(RaftReplication, ProposalsCommitAndApplyEverywhere) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  for (const char* command : {"a", "b", "c"}) ASSERT_TRUE(c.raft(1).propose(bytes(command)));
  c.settle();
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).commit(), 4u);
    EXPECT_EQ(c.machine(id).applied, (std::vector<std::string>{"a", "b", "c"})) << "node " << id;
  }
}

TEST(RaftReplication, FollowerForwardsProposalsToTheLeader) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  auto forwarded = c.raft(2).propose(bytes("via-2"));
  ASSERT_TRUE(forwarded);
  EXPECT_EQ(*forwarded, 0u);
  c.settle();
  EXPECT_EQ(c.machine(3).applied, std::vector<std::string>{"via-2"});
}

TEST(RaftReplication, ProposalWithoutALeaderFails) {
  Cluster c(3);
  auto result = c.raft(2).propose(bytes("x"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::kNotLeader);
}

TEST(RaftReplication, ConsistencyCheckRejectsAndHints) {
  Raft r = follower_with({entry(1, 1), entry(2, 1)}, 1);
  // §3.5: the entry before the new ones is missing.
  r.step(append_from_two(2, 5, 2, {entry(6, 2)}));
  Message reply = only_reply(r);
  EXPECT_EQ(reply.type, MessageType::kAppendResponse);
  EXPECT_TRUE(reply.reject);
  EXPECT_EQ(reply.index, 5u);
  EXPECT_EQ(reply.reject_hint, 2u);  // its last index
  EXPECT_EQ(reply.hint_term, 1u);
  EXPECT_EQ(r.last_index(), 2u);
  // The entry is there but of another term.
  r.step(append_from_two(2, 2, 2, {entry(3, 2)}));
  reply = only_reply(r);
  EXPECT_TRUE(reply.reject);
  // A matching one is accepted; the commit index follows the leader's, bounded by the new entries.
  r.step(append_from_two(2, 2, 1, {entry(3, 2)}, 10));
  reply = only_reply(r);
  EXPECT_FALSE(reply.reject);
  EXPECT_EQ(reply.index, 3u);
  EXPECT_EQ(r.commit(), 3u);
  EXPECT_EQ(r.leader(), 2u);
}

TEST(RaftReplication, ConflictingSuffixIsTruncatedAndRewritten) {
  Raft r = follower_with({entry(1, 1), entry(2, 1), entry(3, 2, "old"), entry(4, 2, "old")}, 2, 2);
  r.step(append_from_two(3, 2, 1, {entry(3, 3, "new")}));
  Ready rd = r.ready();
  r.advance(rd);
  EXPECT_EQ(r.last_index(), 3u);
  EXPECT_EQ(r.log().at(3).term, 3u);
  EXPECT_EQ(text(r.log().at(3).data), "new");
  // The Ready tells the node to overwrite from index 3.
  ASSERT_EQ(rd.entries.size(), 1u);
  EXPECT_EQ(rd.entries[0].index, 3u);
  EXPECT_EQ(rd.entries[0].term, 3u);
  ASSERT_TRUE(rd.hard_state);
  EXPECT_EQ(rd.hard_state->term, 3u);
}

TEST(RaftReplication, DuplicateAndReorderedAppendsAreHarmless) {
  Raft r = follower_with({entry(1, 1)}, 1);
  r.step(append_from_two(1, 1, 1, {entry(2, 1, "a"), entry(3, 1, "b")}));
  only_reply(r);
  // An older, shorter append arrives late: it must not truncate entry 3.
  r.step(append_from_two(1, 1, 1, {entry(2, 1, "a")}));
  Message reply = only_reply(r);
  EXPECT_FALSE(reply.reject);
  EXPECT_EQ(r.last_index(), 3u);
}

// Figure 3.7 (Figure 8 of the Raft paper): an entry of an earlier term that sits on a majority is
// not committed by counting; only an entry of the leader's own term is.
TEST(RaftReplication, Figure8LeaderDoesNotCommitAnOldTermEntryByCounting) {
  Cluster c(5, [](Config& config) {
    config.pre_vote = false;
    config.check_quorum = false;
    config.max_entries_per_message = 1;
  });
  ASSERT_EQ(c.campaign(1), 1u);  // term 1, no-op at 1 committed everywhere
  // (a) 1 replicates entry 2 (term 1) to 2 only.
  c.drop_if = [](const Message& m) { return m.from == 1 && m.to >= 3; };
  ASSERT_TRUE(c.raft(1).propose(bytes("x")));
  c.settle();
  EXPECT_EQ(c.raft(2).last_index(), 2u);
  EXPECT_EQ(c.raft(1).commit(), 1u);
  // (b) 1 crashes; 5 wins term 2 with 3 and 4, and appends its no-op at 2 but tells no one.
  c.crash(1);
  c.drop_if = [](const Message& m) { return m.from == 5 && m.type == MessageType::kAppend; };
  ASSERT_EQ(c.campaign(5), 5u);
  EXPECT_EQ(c.raft(5).log().at(2).term, 2u);
  // (c) 5 crashes; 1 comes back and wins term 3. It replicates entry 2 (term 1) to 3 and 4 but
  // nothing after it: entry 2 is now on a majority (1, 2, 3, 4).
  c.crash(5);
  c.restart(1);
  c.drop_if = [&c](const Message& m) {
    if (m.type != MessageType::kAppend || !c.alive(m.to)) return false;
    const bool has_2 = c.raft(m.to).log().term(2) == Term{1};
    for (const Entry& e : m.entries) {
      if (e.index >= 3 && has_2) return true;  // whatever comes after entry 2 is lost
    }
    return false;
  };
  // Its first try, in term 2, fails: 3 and 4 voted for 5 in that term. The second wins term 3.
  EXPECT_EQ(c.campaign(1), kNoNode);
  ASSERT_EQ(c.campaign(1), 1u);
  EXPECT_EQ(c.raft(1).term(), 3u);
  c.settle();
  EXPECT_EQ(c.raft(3).log().at(2).term, 1u);
  EXPECT_EQ(c.raft(4).log().at(2).term, 1u);
  EXPECT_EQ(c.raft(1).commit(), 1u) << "committed an entry of term 1 by counting replicas";
  // (d) Once its own no-op (term 3) is on a majority, both commit together.
  c.drop_if = nullptr;
  c.tick(1);
  c.settle();
  EXPECT_EQ(c.raft(1).commit(), 3u);
  // 5's stray entry 2 (term 2) is overwritten when it comes back.
  c.restart(5);
  c.tick(1);
  c.settle();
  EXPECT_EQ(c.raft(5).log().at(2).term, 1u);
  EXPECT_EQ(c.machine(5).applied, std::vector<std::string>{"x"});
}

TEST(RaftReplication, FastBacktrackingSkipsALongDivergentSuffix) {
  Cluster c(3, [](Config& config) { config.max_entries_per_message = 1000; });
  // 1 and 2 hold 1..11 (index 1 of term 1, then term 3); 3 holds index 1 and then 1000 entries of
  // term 2 that a deposed leader never committed.
  for (NodeId id : {1, 2}) {
    c.machine(id).entries = {entry(1, 1)};
    for (Index i = 2; i <= 11; ++i) c.machine(id).entries.push_back(entry(i, 3, "good"));
    c.machine(id).hard_state = HardState{3, kNoNode, 1};
  }
  c.machine(3).entries = {entry(1, 1)};
  for (Index i = 2; i <= 1001; ++i) c.machine(3).entries.push_back(entry(i, 2, "stale"));
  c.machine(3).hard_state = HardState{2, kNoNode, 1};
  for (NodeId id : c.ids()) c.restart(id);
  ASSERT_EQ(c.campaign(1), 1u);
  c.settle();
  std::size_t rejections = 0;
  for (const Message& m : c.delivered) {
    if (m.type == MessageType::kAppendResponse && m.from == 3 && m.reject) ++rejections;
  }
  EXPECT_LE(rejections, 2u);  // one entry at a time would take about 1000
  EXPECT_EQ(c.raft(3).last_index(), c.raft(1).last_index());
  EXPECT_EQ(c.raft(3).log().at(11).term, 3u);
  EXPECT_EQ(c.raft(3).commit(), 12u);
}

TEST(RaftReplication, FlowControlBoundsInflightAppends) {
  Cluster c(3, [](Config& config) {
    config.max_inflight_messages = 4;
    config.max_entries_per_message = 1;
    config.max_held_appends = 0;  // the follower rejects at once what follows a lost append
  });
  ASSERT_EQ(c.campaign(1), 1u);
  ASSERT_EQ(c.raft(1).progress(2)->state, ReplicationState::kReplicate);
  // Appends to 2 are lost, but its heartbeat answers still come back.
  int appends_to_2 = 0;
  c.drop_if = [&](const Message& m) {
    if (m.type == MessageType::kAppend && m.to == 2 && !m.entries.empty()) {
      ++appends_to_2;
      return true;
    }
    return false;
  };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("p")));
  c.settle();
  EXPECT_EQ(appends_to_2, 4);
  EXPECT_EQ(c.raft(1).progress(2)->inflights.count(), 4u);
  EXPECT_TRUE(c.raft(1).progress(2)->is_paused());
  // Each answered heartbeat lets one more message go.
  c.tick(1);
  c.settle();
  EXPECT_EQ(appends_to_2, 5);
  // Entries per message are bounded too.
  for (const Message& m : c.delivered) EXPECT_LE(m.entries.size(), 1u);
  c.drop_if = nullptr;
  c.tick(1);
  c.settle();
  EXPECT_EQ(c.raft(2).commit(), 21u);
}

TEST(RaftReplication, BytesPerMessageAreBounded) {
  Cluster c(3, [](Config& config) { config.max_bytes_per_message = 10; });
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(2);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("four")));
  c.settle();
  c.heal();
  c.delivered.clear();
  for (int i = 0; i < 20; ++i) {
    c.tick(1);
    c.settle();
  }
  bool saw_entries = false;
  for (const Message& m : c.delivered) {
    if (m.type != MessageType::kAppend || m.to != 2 || m.entries.empty()) continue;
    saw_entries = true;
    EXPECT_LE(m.entries.size(), 2u);  // two 4-byte entries fit in 10 bytes, three do not
  }
  EXPECT_TRUE(saw_entries);
  EXPECT_EQ(c.machine(2).applied.size(), 10u);
  auto big = c.raft(1).propose(Bytes(11, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::kLimitExceeded);
}

TEST(RaftReplication, ProbingFollowerGetsOneMessageUntilItAnswers) {
  Cluster c(3);
  c.isolate(3);
  ASSERT_EQ(c.campaign(1), 1u);
  EXPECT_EQ(c.raft(1).progress(3)->state, ReplicationState::kProbe);
  int appends_to_3 = 0;
  c.drop_if = [&](const Message& m) {
    appends_to_3 += m.type == MessageType::kAppend && m.to == 3;
    return false;
  };
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("p")));
  c.tick(1, 3);
  c.settle();
  EXPECT_EQ(appends_to_3, 0);  // the probe sent at election is still unanswered
  EXPECT_TRUE(c.raft(1).progress(3)->probe_sent);
  c.heal();
  c.tick(1);  // the heartbeat answer resumes the probe
  c.settle();
  EXPECT_EQ(c.raft(1).progress(3)->state, ReplicationState::kReplicate);
  EXPECT_EQ(c.machine(3).applied.size(), 10u);
}

TEST(RaftReplication, UncommittedEntriesAreBounded) {
  Cluster c(3, [](Config& config) { config.max_uncommitted_entries = 5; });
  ASSERT_EQ(c.campaign(1), 1u);
  c.isolate(1);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("p")));
  auto refused = c.raft(1).propose(bytes("p"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kLimitExceeded);
  c.heal();
  c.tick(1);
  c.settle();
  EXPECT_TRUE(c.raft(1).propose(bytes("p")));
}

TEST(RaftReplication, RestartedFollowerCatchesUp) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  c.crash(3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.raft(1).propose(bytes(str("p", i))));
  c.settle();
  c.restart(3);
  EXPECT_EQ(c.raft(3).commit(), 1u);
  c.tick(1);
  c.settle();
  EXPECT_EQ(c.machine(3).applied, c.machine(1).applied);
  EXPECT_EQ(c.machine(3).applied.size(), 5u);
}

TEST(RaftReplication, RestartedLeaderKeepsItsLogAndCommit) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  ASSERT_TRUE(c.raft(1).propose(bytes("a")));
  c.settle();
  for (NodeId id : c.ids()) c.crash(id);
  for (NodeId id : c.ids()) c.restart(id);
  EXPECT_EQ(c.raft(1).last_index(), 2u);
  EXPECT_EQ(c.raft(1).commit(), 2u);
  c.settle();
  EXPECT_EQ(c.machine(1).applied, std::vector<std::string>{"a"});  // re-applied from the log
  ASSERT_NE(c.campaign(2), kNoNode);
  ASSERT_TRUE(c.raft(c.leader()).propose(bytes("b")));
  c.settle();
  EXPECT_EQ(c.machine(3).applied, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace keel::raft::testing
