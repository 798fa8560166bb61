// Replication under reordering and load: a follower holds appends that overtook earlier ones
// (Config::max_held_appends), the leader sends what it owes once per Ready, and a follower answers
// once per Ready.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

// Node 1 of {1, 2, 3}, follower of leader 2 in term 1, holding entry 1 of that leader (so the
// leader has matched its log).
Raft matched_follower(std::size_t max_held = Config{}.max_held_appends) {
  Config config;
  config.max_held_appends = max_held;
  Raft r = member_one_of_three(HardState{1, kNoNode, 0}, {}, config);
  Message first = message(MessageType::kAppend, 2, 1, 1);
  first.entries = {entry(1, 1, "a")};
  r.step(first);
  r.advance(r.ready());
  return r;
}

// An append of term 1 whose previous entry is of term 1.
Message append(Index prev, std::vector<Entry> entries) {
  return append_from_two(1, prev, 1, std::move(entries));
}

std::vector<Message> replies(Raft& r) {
  Ready rd = r.ready();
  r.advance(rd);
  return rd.messages;
}

// A held append is answered with what is known to match: no rejection, and the leader still
// counts the follower as active.
void expect_held(Raft& r, Index matched) {
  const std::vector<Message> out = replies(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, MessageType::kAppendResponse);
  EXPECT_FALSE(out[0].reject);
  EXPECT_EQ(out[0].index, matched);
}

TEST(RaftBatching, AnAppendThatOvertookAnEarlierOneIsHeldUntilTheGapFills) {
  Raft r = matched_follower();
  r.step(append(2, {entry(3, 1, "c")}));  // entry 2 is still on its way
  expect_held(r, 1);
  EXPECT_EQ(r.last_index(), 1u);
  r.step(append(1, {entry(2, 1, "b")}));
  EXPECT_EQ(r.last_index(), 3u);
  const std::vector<Message> out = replies(r);
  ASSERT_EQ(out.size(), 1u);  // one acknowledgement for both
  EXPECT_FALSE(out[0].reject);
  EXPECT_EQ(out[0].index, 3u);
}

TEST(RaftBatching, AppendsReleasedTogetherLeaveTheOnesStillPastTheLogHeld) {
  Raft r = matched_follower();
  r.step(append(5, {entry(6, 1, "f")}));
  r.step(append(3, {entry(4, 1, "d")}));
  r.step(append(2, {entry(3, 1, "c")}));
  expect_held(r, 1);
  r.step(append(1, {entry(2, 1, "b")}));  // releases 3, which lets 4 in; 6 still has a gap
  EXPECT_EQ(r.last_index(), 4u);
  r.step(append(4, {entry(5, 1, "e")}));  // releases 6
  EXPECT_EQ(r.last_index(), 6u);
  EXPECT_EQ(r.log().at(6), entry(6, 1, "f"));
  const std::vector<Message> out = replies(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].reject);
  EXPECT_EQ(out[0].index, 6u);
  r.tick();
  r.tick();
  EXPECT_TRUE(replies(r).empty());  // nothing was left held to reject
}

// A released held append's entry vector is kept, emptied, for the next one held (or an append
// sent): the next one carries only its own entries, however many the vector held before.
TEST(RaftBatching, AnAppendHeldAfterALongerOneWasReleasedCarriesOnlyItsOwnEntries) {
  Raft r = matched_follower();
  r.step(append(2, {entry(3, 1, "c"), entry(4, 1, "d"), entry(5, 1, "e")}));
  r.step(append(1, {entry(2, 1, "b")}));  // releases 3..5
  ASSERT_EQ(r.last_index(), 5u);
  r.step(append(6, {entry(7, 1, "g")}));
  expect_held(r, 5);
  r.step(append(5, {entry(6, 1, "f")}));  // releases 7 alone
  EXPECT_EQ(r.last_index(), 7u);
  EXPECT_EQ(r.log().at(6), entry(6, 1, "f"));
  EXPECT_EQ(r.log().at(7), entry(7, 1, "g"));
}

TEST(RaftBatching, AcknowledgementsOfDifferentTermsAreNotMerged) {
  Raft r = matched_follower();
  r.step(append(1, {entry(2, 1)}));
  r.step(append_from_two(2, 2, 1, {entry(3, 2)}));  // the same leader, re-elected in term 2
  const std::vector<Message> out = replies(r);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].term, 1u);
  EXPECT_EQ(out[0].index, 2u);
  EXPECT_EQ(out[1].term, 2u);
  EXPECT_EQ(out[1].index, 3u);
}

TEST(RaftBatching, AHeldAppendIsRejectedAfterAWholeTickWithTheGapOpen) {
  Raft r = matched_follower();
  r.step(append(2, {entry(3, 1, "c")}));
  expect_held(r, 1);
  r.tick();  // the tick right after may come at once: it waits for the next one
  EXPECT_FALSE(r.has_ready());
  r.tick();
  const std::vector<Message> out = replies(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);
  EXPECT_EQ(out[0].index, 2u);
  EXPECT_EQ(out[0].reject_hint, 1u);  // where this log ends
}

TEST(RaftBatching, ProbesEmptyAppendsAndAppendsPastTheLimitAreAnsweredAtOnce) {
  // Before the leader matched this log: it probes and waits for the answer.
  Raft fresh = member_one_of_three(HardState{1, kNoNode, 0});
  fresh.step(append(2, {entry(3, 1)}));
  std::vector<Message> out = replies(fresh);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);

  // An empty append past the end: a probe, or the leader suspects a loss.
  Raft r = matched_follower(2);
  r.step(append(5, {}));
  out = replies(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);

  // Past max_held_appends.
  r.step(append(2, {entry(3, 1)}));
  r.step(append(3, {entry(4, 1)}));
  expect_held(r, 1);  // one answer for both
  r.step(append(4, {entry(5, 1)}));
  out = replies(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);
  EXPECT_EQ(out[0].index, 4u);
}

TEST(RaftBatching, HeldAppendsFromAnEarlierTermAreDropped) {
  Raft r = matched_follower();
  r.step(append(2, {entry(3, 1)}));
  expect_held(r, 1);
  Message newer = message(MessageType::kHeartbeat, 3, 1, 2);
  r.step(newer);  // a leader of term 2
  r.advance(r.ready());
  r.step(append(1, {entry(2, 1)}));  // the gap fills, but with a message of the old term
  r.tick();
  r.tick();
  for (const Message& m : replies(r)) EXPECT_NE(m.index, 3u);  // entry 3 was never accepted
  EXPECT_EQ(r.last_index(), 1u);
}

TEST(RaftBatching, ProposalsSteppedBeforeAReadyLeaveInOneAppendPerFollower) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  for (const char* command : {"a", "b", "c"}) ASSERT_TRUE(c.raft(1).propose(bytes(command)));
  Ready rd = c.raft(1).ready();
  c.raft(1).advance(rd);
  std::map<NodeId, std::size_t> entries_to;
  for (const Message& m : rd.messages) {
    ASSERT_EQ(m.type, MessageType::kAppend);
    ++entries_to[m.to];
    EXPECT_EQ(m.entries.size(), 3u);
  }
  EXPECT_EQ(entries_to, (std::map<NodeId, std::size_t>{{2, 1}, {3, 1}}));
}

TEST(RaftBatching, EveryProposalStillReachesEveryMemberWithLossAndReordering) {
  Cluster c(5, {}, 7);
  ASSERT_EQ(c.campaign(1), 1u);
  Random chance(11);
  c.drop_if = [&](const Message&) { return chance.below(10) == 0; };
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.raft(1).propose(bytes("p")));
    c.flush_readies();
    // Deliver what is queued in reverse: every later append overtakes the earlier ones.
    std::deque<Message>& queue = c.queue();
    std::reverse(queue.begin(), queue.end());
    c.deliver_once();
    c.tick_all();
  }
  c.drop_if = nullptr;
  for (int i = 0; i < 3; ++i) {
    c.tick_all();
    c.settle();
  }
  for (NodeId id : c.ids()) {
    EXPECT_EQ(c.raft(id).commit(), c.raft(1).last_index()) << "node " << id;
    EXPECT_EQ(c.machine(id).applied.size(), 90u) << "node " << id;
  }
}

}  // namespace
}  // namespace keel::raft::testing
