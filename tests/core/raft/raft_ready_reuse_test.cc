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

TEST(RaftReadyReuse, ReadyIntoAnOutstandingReadyIsRefused) {
  Raft r = member_one_of_three(HardState{1, kNoNode, 0});
  r.step(append_from_two(1, 0, 0, {entry(1, 1, "a")}, 0));
  Ready rd;
  r.ready(rd);
  EXPECT_DEATH(r.ready(rd), "ready\\(\\) called again before advance\\(\\)");
}

}  // namespace
}  // namespace keel::raft::testing
