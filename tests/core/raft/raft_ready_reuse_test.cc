// Raft::ready(Ready&): a Ready handed back round after round (as the node does, to keep its
// vectors' capacity) must come out exactly as a fresh ready() would: nothing of the previous
// round may survive in it.
#include <gtest/gtest.h>

#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

TEST(RaftReadyReuse, AReusedReadyCarriesOnlyThisRoundsOutput) {
  Raft r = member_one_of_three(HardState{1, kNoNode, 0});
  Ready rd;
  // Round 1: entries 1 and 2 arrive and 1 commits; a new leader (soft state) and hard state.
  r.step(append_from_two(1, 0, 0, {entry(1, 1, "a"), entry(2, 1, "b")}, 1));
  r.ready(rd);
  ASSERT_TRUE(rd.soft_state.has_value());
  ASSERT_TRUE(rd.hard_state.has_value());
  EXPECT_TRUE(rd.must_sync);
  ASSERT_EQ(rd.entries.size(), 2u);
  ASSERT_EQ(rd.committed.size(), 1u);
  ASSERT_EQ(rd.messages.size(), 1u);
  r.advance(rd);

  // Round 2: only a heartbeat that commits entry 2: no new entries, no soft state, no sync.
  Message heartbeat = message(MessageType::kHeartbeat, 2, 1, 1);
  heartbeat.commit = 2;
  r.step(heartbeat);
  ASSERT_TRUE(r.has_ready());
  r.ready(rd);
  EXPECT_FALSE(rd.soft_state.has_value());
  EXPECT_TRUE(rd.entries.empty());
  EXPECT_FALSE(rd.must_sync);
  ASSERT_EQ(rd.committed.size(), 1u);
  EXPECT_EQ(rd.committed[0].index, 2u);
  ASSERT_EQ(rd.messages.size(), 1u);
  EXPECT_EQ(rd.messages[0].type, MessageType::kHeartbeatResponse);
  r.advance(rd);
  EXPECT_FALSE(r.has_ready());
}

// Ready::entries is a view into the log. A node that proposes while it applies grows the log (and
// may move its entries) under the outstanding Ready: advance() must still mark exactly that
// Ready's entries stable, and the proposals come out in the next Ready.
TEST(RaftReadyReuse, ProposalsWhileAReadyIsOutstandingComeOutInTheNextOne) {
  Cluster c(3);
  const NodeId leader = c.campaign(1);
  ASSERT_NE(leader, kNoNode);
  Raft& r = c.raft(leader);
  ASSERT_TRUE(r.propose(bytes("a")));
  Ready rd = r.ready();
  ASSERT_EQ(rd.entries.size(), 1u);
  const Index handed = rd.entries[0].index;
  const Index stable_before = r.log().stable_index();
  ASSERT_LT(stable_before, handed);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(r.propose(bytes("b")));
  r.advance(rd);
  EXPECT_EQ(r.log().stable_index(), handed);
  Ready next = r.ready();
  ASSERT_EQ(next.entries.size(), 1000u);
  EXPECT_EQ(next.entries.front().index, handed + 1);
  EXPECT_EQ(text(next.entries.back().data), "b");
  r.advance(next);
  EXPECT_EQ(r.log().stable_index(), handed + 1000);
}

TEST(RaftReadyReuse, ReadyIntoAnOutstandingReadyIsRefused) {
  Raft r = member_one_of_three(HardState{1, kNoNode, 0});
  r.step(append_from_two(1, 0, 0, {entry(1, 1, "a")}, 0));
  Ready rd;
  r.ready(rd);
  EXPECT_DEATH(r.ready(rd), "ready\\(\\) called again before advance\\(\\)");
}

}  // namespace
}  // namespace keel::raft::testing
