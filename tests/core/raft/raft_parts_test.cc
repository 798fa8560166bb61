// The parts Raft is built from: the log, per-follower progress, quorums, configurations.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "core/raft/cluster.h"
#include "core/raft/conf_change.h"
#include "core/raft/log.h"
#include "core/raft/progress.h"
#include "core/raft/quorum.h"
#include "core/raft/read_only.h"

namespace keel::raft::testing {
namespace {

TEST(RaftLog, TermsAroundTheSnapshot) {
  Log log(5, 2, {entry(6, 2), entry(7, 3)}, 6);
  EXPECT_EQ(log.first_index(), 6u);
  EXPECT_EQ(log.last_index(), 7u);
  EXPECT_EQ(log.term(5), Term{2});
  EXPECT_FALSE(log.term(4).has_value());
  EXPECT_FALSE(log.term(8).has_value());
  EXPECT_TRUE(log.is_up_to_date(7, 3));
  EXPECT_FALSE(log.is_up_to_date(6, 3));
  EXPECT_TRUE(log.is_up_to_date(1, 4));
}

TEST(RaftLog, FindConflictByTermSkipsWholeTerms) {
  Log log(0, 0, {entry(1, 1), entry(2, 1), entry(3, 4), entry(4, 4), entry(5, 5)}, 0);
  EXPECT_EQ(log.find_conflict_by_term(5, 3), (std::pair<Index, Term>{2, 1}));
  EXPECT_EQ(log.find_conflict_by_term(5, 4), (std::pair<Index, Term>{4, 4}));
  EXPECT_EQ(log.find_conflict_by_term(9, 9), (std::pair<Index, Term>{5, 5}));
  EXPECT_EQ(log.find_conflict_by_term(5, 0), (std::pair<Index, Term>{0, 0}));
}

TEST(RaftLog, SliceHonoursCountAndBytesButReturnsAtLeastOne) {
  Log log(0, 0, {entry(1, 1, "aaaa"), entry(2, 1, "bbbb"), entry(3, 1, "cccc")}, 0);
  std::vector<Entry> out;
  log.slice(1, 3, 2, 100, out);
  EXPECT_EQ(out.size(), 2u);
  log.slice(1, 3, 10, 8, out);
  EXPECT_EQ(out.size(), 2u);
  log.slice(1, 3, 10, 1, out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(RaftLog, SliceReplacesTheVectorsContentsAndKeepsItsCapacity) {
  Log log(0, 0, {entry(1, 1, "aaaa"), entry(2, 1, "bbbb"), entry(3, 1, "cccc")}, 0);
  std::vector<Entry> out{entry(7, 7, "old"), entry(8, 7, "old"), entry(9, 7, "old")};
  const auto* buffer = out.data();
  log.slice(2, 3, 10, 100, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], entry(2, 1, "bbbb"));
  EXPECT_EQ(out[1], entry(3, 1, "cccc"));
  EXPECT_EQ(out.data(), buffer);  // no new allocation
  log.slice(3, 2, 10, 100, out);  // an empty range empties it
  EXPECT_TRUE(out.empty());
}

TEST(RaftLogDeathTest, SliceOutsideTheLogIsFatal) {
  Log log(1, 1, {entry(2, 1), entry(3, 1)}, 1);
  std::vector<Entry> out;
  EXPECT_DEATH(log.slice(1, 3, 10, 100, out), "entries 1..3 outside the log \\(2..3\\)");
  EXPECT_DEATH(log.slice(2, 4, 10, 100, out), "entries 2..4 outside the log \\(2..3\\)");
}

TEST(RaftLog, TruncationUnderAnOutstandingReadyIsNotMarkedStable) {
  Log log(0, 0, {entry(1, 1)}, 1);
  log.append(std::vector<Entry>{entry(2, 1), entry(3, 1)});
  std::span<const Entry> handed = log.take_unstable();
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(log.handed_out(), 3u);
  log.append(
      std::vector<Entry>{entry(3, 2)});  // replaces entry 3 before the node confirmed the write
  EXPECT_EQ(log.handed_out(), 2u);
  log.stable_to(3);
  EXPECT_EQ(log.stable_index(), 2u);
  EXPECT_TRUE(log.has_unstable());
  handed = log.take_unstable();  // only the replacement
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0].term, 2u);
  EXPECT_EQ(handed[0].index, 3u);
}

TEST(RaftLog, UnstableEntriesAreAViewIntoTheLog) {
  Log log(0, 0, {entry(1, 1)}, 1);
  log.append(std::vector<Entry>{entry(2, 1, "b"), entry(3, 1, "c")});
  const std::span<const Entry> handed = log.take_unstable();
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(&handed[0], &log.at(2));  // not a copy
  EXPECT_EQ(handed[1], entry(3, 1, "c"));
  EXPECT_FALSE(log.has_unstable());
  EXPECT_TRUE(log.take_unstable().empty());
}

TEST(RaftLog, CommittedEntriesAreHandedOutInBoundedBatches) {
  Log log(0, 0, {entry(1, 1), entry(2, 1), entry(3, 1)}, 3);
  std::vector<Entry> committed;
  log.take_committed(2, committed);
  ASSERT_EQ(committed.size(), 2u);
  EXPECT_EQ(committed[0].index, 1u);
  log.take_committed(2, committed);
  ASSERT_EQ(committed.size(), 1u);  // the previous batch replaced
  EXPECT_EQ(committed[0].index, 3u);
  EXPECT_FALSE(log.has_committed_to_apply());
  log.take_committed(2, committed);
  EXPECT_TRUE(committed.empty());
  log.applied_to(3);
  log.compact(2);
  EXPECT_EQ(log.first_index(), 3u);
  EXPECT_EQ(log.snapshot_term(), 1u);
}

TEST(RaftProgress, InflightWindowIsBounded) {
  Inflights window(3);
  window.add(5);
  window.add(7);
  window.add(9);
  EXPECT_TRUE(window.full());
  window.free_up_to(7);
  EXPECT_EQ(window.count(), 1u);
  window.free_first_one();
  EXPECT_EQ(window.count(), 0u);
}

// The window is a vector read from an offset that drops its freed prefix now and then: it must
// keep the same count, order and bound as it slides far past its capacity.
TEST(RaftProgress, InflightWindowSlidesPastItsCapacity) {
  Inflights window(4);
  Index sent = 0;
  Index acked = 0;
  for (int round = 0; round < 100; ++round) {
    while (!window.full()) window.add(++sent);
    EXPECT_EQ(window.count(), 4u);
    acked += 1 + static_cast<Index>(round % 3);  // free 1, 2 or 3 of the 4 in flight
    window.free_up_to(acked);
    EXPECT_EQ(window.count(), sent - acked);
  }
  window.free_first_one();  // the oldest in flight is acked + 1
  EXPECT_EQ(window.count(), sent - acked - 1);
  window.free_up_to(sent - 1);
  EXPECT_EQ(window.count(), 1u);
  window.free_up_to(sent);
  EXPECT_EQ(window.count(), 0u);
  window.add(sent + 1);  // an emptied window starts over
  EXPECT_EQ(window.count(), 1u);
}

TEST(RaftProgressDeathTest, InflightIndexesMustAscend) {
  Inflights window(4);
  window.add(5);
  window.add(6);
  window.free_first_one();
  EXPECT_DEATH(window.add(6), "in-flight index 6 not after 6");
  Inflights full(1);
  full.add(1);
  EXPECT_DEATH(full.add(2), "in-flight window overflow");
}

TEST(RaftProgress, StaleRejectionsAreIgnored) {
  Progress pr(11, 4);
  EXPECT_FALSE(pr.maybe_decrease_to(5, 3));  // not the probe in flight (prev 10)
  EXPECT_TRUE(pr.maybe_decrease_to(10, 3));
  EXPECT_EQ(pr.next, 4u);
  pr.maybe_update(6);
  pr.become_replicate();
  EXPECT_EQ(pr.next, 7u);
  EXPECT_FALSE(pr.maybe_decrease_to(6, 0));  // at or below match: stale
  EXPECT_TRUE(pr.maybe_decrease_to(9, 0));
  EXPECT_EQ(pr.next, 7u);
}

TEST(RaftQuorum, MatchAndVotes) {
  std::map<NodeId, Index> match{{1, 5}, {2, 9}, {3, 7}, {4, 1}, {5, 7}};
  EXPECT_EQ(quorum_match({1, 2, 3, 4, 5}, [&](NodeId n) { return match[n]; }), 7u);
  EXPECT_EQ(quorum_match({1, 2, 3, 4}, [&](NodeId n) { return match[n]; }), 5u);
  EXPECT_EQ(tally_votes({1, 2, 3}, {{1, true}}), VoteResult::kPending);
  EXPECT_EQ(tally_votes({1, 2, 3}, {{1, true}, {9, true}}), VoteResult::kPending);
  EXPECT_EQ(tally_votes({1, 2, 3}, {{1, true}, {2, true}}), VoteResult::kWon);
  EXPECT_EQ(tally_votes({1, 2, 3}, {{1, true}, {2, false}, {3, false}}), VoteResult::kLost);
}

TEST(RaftQuorum, MatchBeyondTheStackBufferAndHasQuorum) {
  // 20 voters (past quorum_match's 16 on the stack): voter n matched n, so 11 of them (a
  // majority) matched 10 or more, and no majority matched 11.
  std::vector<NodeId> voters;
  for (NodeId n = 1; n <= 20; ++n) voters.push_back(n);
  EXPECT_EQ(quorum_match(voters, [](NodeId n) { return Index{n}; }), 10u);
  EXPECT_TRUE(has_quorum({1, 2, 3}, [](NodeId n) { return n != 3; }));
  EXPECT_FALSE(has_quorum({1, 2, 3}, [](NodeId n) { return n == 3; }));
  EXPECT_FALSE(has_quorum({1, 2, 3, 4}, [](NodeId n) { return n <= 2; }));  // a tie is no majority
  std::vector<Index> matched{4, 4, 9};
  EXPECT_EQ(majority_value(matched), 4u);
}

// majority_value sorts small inputs by insertion and larger ones with nth_element: both must give
// the quorum_size-th highest value, duplicates included, on either side of the switch.
TEST(RaftQuorum, MajorityValueMatchesASortedReference) {
  std::uint64_t state = 7;
  auto next_value = [&] {
    state = state * 6364136223846793005u + 1442695040888963407u;  // Knuth's MMIX LCG
    return Index{(state >> 33) % 10};
  };
  for (std::size_t size = 1; size <= 40; ++size) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<Index> matched(size);
      for (Index& value : matched) value = next_value();
      std::vector<Index> sorted = matched;
      std::sort(sorted.begin(), sorted.end(), std::greater<>());
      EXPECT_EQ(majority_value(matched), sorted[quorum_size(size) - 1]) << "size " << size;
    }
  }
}

TEST(RaftConfChange, ApplyValidates) {
  ConfState conf{{1, 2, 3}, {}};
  auto added = apply_conf_change(conf, {ConfChangeType::kAddLearner, 4});
  ASSERT_TRUE(added);
  EXPECT_EQ(added->learners, std::vector<NodeId>{4});
  auto promoted = apply_conf_change(*added, {ConfChangeType::kPromoteLearner, 4});
  ASSERT_TRUE(promoted);
  EXPECT_EQ(promoted->voters, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_TRUE(promoted->learners.empty());
  EXPECT_EQ(apply_conf_change(conf, {ConfChangeType::kAddLearner, 0}).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(apply_conf_change(ConfState{{1}, {}}, {ConfChangeType::kRemoveNode, 1}).error().code,
            Errc::kInvalidArgument);
}

TEST(RaftConfChange, HistoryFollowsTheLog) {
  ConfHistory history(0, ConfState{{1}, {}});
  history.append(3, ConfState{{1}, {2}});
  history.append(7, ConfState{{1, 2}, {}});
  EXPECT_EQ(history.at(2).learners.size(), 0u);
  EXPECT_EQ(history.at(5).learners, std::vector<NodeId>{2});
  EXPECT_EQ(history.current().voters, (std::vector<NodeId>{1, 2}));
  history.truncate_from(7);
  EXPECT_EQ(history.current().learners, std::vector<NodeId>{2});
  history.compact_to(4);
  EXPECT_EQ(history.last_change_index(), 4u);
  EXPECT_EQ(history.at(4).learners, std::vector<NodeId>{2});
}

TEST(RaftReadOnly, AnAckVouchesForEveryEarlierRead) {
  ReadOnly reads(3);
  const auto a = reads.add(5, {1, 100});
  const auto b = reads.add(6, {2, 200});
  reads.ack(b, 3);
  EXPECT_EQ(reads.acks(a), std::vector<NodeId>{3});
  auto released = reads.release_up_to(b);
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released[0].request.context, 100u);
  EXPECT_EQ(released[1].index, 6u);
  EXPECT_EQ(reads.size(), 0u);
}

}  // namespace
}  // namespace keel::raft::testing
