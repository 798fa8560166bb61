#include "sim/checkers/raft_checker.h"

#include <gtest/gtest.h>

#include "core/codec/raft_codec.h"

namespace keel::sim {
namespace {

raft::Entry entry(raft::Index index, raft::Term term, std::string_view data = "x") {
  return raft::Entry{term, index, raft::EntryType::kNormal, Bytes(data.begin(), data.end())};
}

std::vector<raft::Entry> entries(std::initializer_list<raft::Entry> list) { return list; }

raft::Entry conf_entry(raft::Index index, raft::ConfChangeType type, NodeId node) {
  return raft::Entry{1, index, raft::EntryType::kConfChange,
                     codec::encode(raft::ConfChange{type, node})};
}

TEST(RaftChecker, AHealthyHistoryPasses) {
  RaftChecker checker;
  checker.on_became_leader(1, 1);
  auto log = entries({entry(1, 1, "a"), entry(2, 1, "b")});
  checker.on_persisted(1, 1, log);
  checker.on_persisted(2, 0, log);
  checker.on_applied(1, log[0]);
  checker.on_applied(2, log[0]);
  checker.on_applied(1, log[1]);
  // n2 takes over with the whole log, overwriting nothing.
  checker.on_became_leader(2, 2);
  checker.on_persisted(2, 2, entries({entry(3, 2, "c")}));
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  EXPECT_EQ(checker.committed_index(), 2u);
  EXPECT_EQ(checker.elections(), 2u);
}

TEST(RaftChecker, TwoLeadersInOneTermAreCaught) {
  RaftChecker checker;
  checker.on_became_leader(1, 3);
  checker.on_became_leader(2, 3);
  ASSERT_EQ(checker.violations().size(), 1u);
  EXPECT_EQ(checker.violations()[0].check, "election safety");
}

TEST(RaftChecker, ALeaderOverwritingItsLogIsCaught) {
  RaftChecker checker;
  checker.on_became_leader(1, 1);
  checker.on_persisted(1, 1, entries({entry(1, 1), entry(2, 1)}));
  checker.on_persisted(1, 1, entries({entry(2, 1, "other")}));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "leader append-only");
}

TEST(RaftChecker, AFollowerMayOverwriteItsLog) {
  RaftChecker checker;
  checker.on_persisted(2, 0, entries({entry(1, 1), entry(2, 1, "stale")}));
  checker.on_persisted(2, 0, entries({entry(2, 2, "new")}));
  EXPECT_TRUE(checker.ok());
}

TEST(RaftChecker, LogsThatDivergeBeneathAMatchingEntryAreCaught) {
  RaftChecker checker;
  checker.on_persisted(1, 0, entries({entry(1, 1, "a"), entry(2, 2, "b")}));
  checker.on_persisted(2, 0, entries({entry(1, 1, "DIFFERENT"), entry(2, 2, "b")}));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "log matching");
}

TEST(RaftChecker, PersistingOutOfPlaceIsCaught) {
  RaftChecker covered;
  covered.on_snapshot_installed(1, raft::SnapshotMeta{2, 1, {}});
  covered.on_persisted(1, 0, entries({entry(2, 1)}));
  ASSERT_EQ(covered.violations().size(), 1u);
  EXPECT_EQ(covered.violations()[0].check, "log matching");
  EXPECT_EQ(covered.violations()[0].detail,
            "n1 persisted index 2 which its snapshot at 2 already covers");

  RaftChecker gap;
  gap.on_persisted(1, 0, entries({entry(1, 1)}));
  gap.on_persisted(1, 0, entries({entry(3, 1)}));
  ASSERT_EQ(gap.violations().size(), 1u);
  EXPECT_EQ(gap.violations()[0].detail, "n1 persisted index 3 leaving a gap after 1");

  RaftChecker skip;
  skip.on_persisted(1, 0, entries({entry(1, 1), entry(3, 1)}));
  ASSERT_EQ(skip.violations().size(), 1u);
  EXPECT_EQ(skip.violations()[0].detail, "n1 persisted non-consecutive index 3");
}

TEST(RaftChecker, DifferentEntriesAppliedAtOneIndexAreCaught) {
  RaftChecker checker;
  checker.on_applied(1, entry(5, 2, "a"));
  checker.on_applied(2, entry(5, 2, "b"));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "state machine safety");
}

// Entries are compared by their bytes: equal bytes in other buffers pass, other bytes do not, even
// when the node that applies them first persisted the same entries as the others.
TEST(RaftChecker, AppliedEntriesAreComparedByTheirBytes) {
  RaftChecker checker;
  const auto log = entries({entry(1, 1, "a"), entry(2, 1, "b")});
  checker.on_persisted(1, 0, log);
  checker.on_persisted(2, 0, log);
  checker.on_applied(1, entry(1, 1, "a"));
  checker.on_applied(2, log[0]);
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  checker.on_applied(1, entry(2, 1, "B"));
  checker.on_applied(2, log[1]);
  ASSERT_EQ(checker.violations().size(), 1u);
  EXPECT_EQ(checker.violations()[0].check, "state machine safety");
}

// Each node applies the very entries it persisted, and they differ (in term and bytes).
TEST(RaftChecker, NodesApplyingTheirOwnDifferentEntriesAreCaught) {
  RaftChecker checker;
  const auto first = entries({entry(1, 1, "a")});
  const auto second = entries({entry(1, 2, "b")});
  checker.on_persisted(1, 0, first);
  checker.on_persisted(2, 0, second);
  checker.on_applied(1, first[0]);
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  checker.on_applied(2, second[0]);
  ASSERT_EQ(checker.violations().size(), 1u);
  EXPECT_EQ(checker.violations()[0].check, "state machine safety");
}

TEST(RaftChecker, ALeaderWithoutACommittedEntryIsCaught) {
  RaftChecker checker;
  auto log = entries({entry(1, 1), entry(2, 1)});
  checker.on_persisted(1, 1, log);
  checker.on_applied(1, log[0]);
  checker.on_applied(1, log[1]);
  checker.on_persisted(3, 0, entries({entry(1, 1)}));  // n3 lacks index 2
  checker.on_became_leader(3, 2);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "leader completeness");
}

// A paused candidate may count its votes and report leading term 2 after the leader of term 3
// committed: it needs what term 1 committed, not what term 3 did (thesis §3.6.3).
TEST(RaftChecker, ALateLeaderOfAnOldTermNeedsOnlyWhatEarlierTermsCommitted) {
  const auto term1 = entries({entry(1, 1), entry(2, 1)});
  const auto term3 = entries({entry(1, 1), entry(2, 1), entry(3, 3)});
  auto run = [&](std::span<const raft::Entry> late_leaders_log) {
    RaftChecker checker;
    checker.on_became_leader(1, 1);
    checker.on_persisted(1, 1, term1);
    checker.on_applied(1, term1[0]);
    checker.on_applied(1, term1[1]);
    checker.on_persisted(2, 0, term1);
    checker.on_became_leader(2, 3);
    checker.on_persisted(2, 3, std::span(term3).subspan(2));
    checker.on_applied(2, term3[2]);
    checker.on_persisted(3, 0, late_leaders_log);
    checker.on_became_leader(3, 2);
    return checker;
  };
  const RaftChecker holds_term1 = run(term1);
  EXPECT_TRUE(holds_term1.ok()) << holds_term1.violations().front().detail;
  const RaftChecker lacks_term1 = run(std::span(term1).first(1));
  ASSERT_FALSE(lacks_term1.ok());
  EXPECT_EQ(lacks_term1.violations()[0].check, "leader completeness");
  EXPECT_NE(lacks_term1.violations()[0].detail.find("index 2"), std::string::npos);
}

TEST(RaftChecker, ALeaderThatLostACommittedEntryInACrashIsCaught) {
  RaftChecker checker;
  auto log = entries({entry(1, 1), entry(2, 1)});
  checker.on_persisted(2, 0, log);
  checker.on_applied(1, log[1]);
  // n2 comes back from a crash with only the first entry (its sync was skipped).
  checker.on_recovered(2, raft::HardState{1, 1, 1}, raft::SnapshotMeta{}, entries({entry(1, 1)}));
  checker.on_became_leader(2, 2);
  // Both the lost synced entry and the incomplete leader are reported.
  ASSERT_EQ(checker.violations().size(), 2u);
  EXPECT_EQ(checker.violations()[0].check, "durability");
  EXPECT_EQ(checker.violations()[1].check, "leader completeness");
}

TEST(RaftChecker, ARestartThatLosesSyncedEntriesIsCaught) {
  RaftChecker checker;
  checker.on_persisted(2, 0, entries({entry(1, 1), entry(2, 1), entry(3, 1)}));
  checker.on_recovered(2, raft::HardState{1, 1, 0}, raft::SnapshotMeta{},
                       entries({entry(1, 1), entry(2, 1), entry(3, 1)}));
  EXPECT_TRUE(checker.ok());
  checker.on_recovered(2, raft::HardState{1, 1, 0}, raft::SnapshotMeta{},
                       entries({entry(1, 1), entry(2, 1)}));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "durability");
}

TEST(RaftChecker, ARestartThatForgetsItsVoteOrTermIsCaught) {
  RaftChecker forgot_vote;
  forgot_vote.on_hard_state_persisted(3, raft::HardState{5, 2, 0});
  forgot_vote.on_recovered(3, raft::HardState{5, 0, 0}, raft::SnapshotMeta{}, {});
  ASSERT_FALSE(forgot_vote.ok());
  EXPECT_EQ(forgot_vote.violations()[0].check, "durability");

  RaftChecker forgot_term;
  forgot_term.on_hard_state_persisted(3, raft::HardState{5, 2, 0});
  forgot_term.on_recovered(3, raft::HardState{4, 2, 0}, raft::SnapshotMeta{}, {});
  EXPECT_FALSE(forgot_term.ok());

  RaftChecker fine;
  fine.on_hard_state_persisted(3, raft::HardState{5, 2, 0});
  fine.on_recovered(3, raft::HardState{6, 0, 0}, raft::SnapshotMeta{}, {});
  EXPECT_TRUE(fine.ok());
}

// Figure 8 of the thesis: n1 commits its term-2 entry by counting replicas in term 4, while n5
// holds a term-3 entry at that index and could still be elected by the others.
TEST(RaftChecker, ACommitThatAnElectableLogLacksIsCaught) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3, 4, 5});
  const raft::Entry first = entry(1, 1, "a");
  for (NodeId n = 1; n <= 5; ++n) checker.on_persisted(n, 0, entries({first}));
  checker.on_applied(1, first);
  const raft::Entry old_term = entry(2, 2, "b");
  checker.on_persisted(1, 0, entries({old_term}));
  checker.on_persisted(2, 0, entries({old_term}));
  checker.on_persisted(3, 0, entries({old_term}));
  checker.on_persisted(5, 0, entries({entry(2, 3, "c")}));
  EXPECT_TRUE(checker.ok());
  checker.on_applied(1, old_term);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "leader completeness");
}

TEST(RaftChecker, ACommitOnAMajorityThatNoLaggardCanOvertakeIsFine) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3, 4, 5});
  const auto log = entries({entry(1, 1, "a"), entry(2, 2, "b")});
  checker.on_persisted(1, 0, log);
  checker.on_persisted(2, 0, log);
  checker.on_persisted(3, 0, log);
  checker.on_persisted(4, 0, entries({entry(1, 1, "a")}));  // behind, and no later term
  checker.on_applied(1, log[0]);
  checker.on_applied(1, log[1]);
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
}

// Two founders leave; a commit on two of the three left is safe, though the five founders' majority
// would count the leavers' empty logs as votes for the laggard n3.
TEST(RaftChecker, ACommittedRemovalShrinksTheMajority) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3, 4, 5});
  const auto changes = entries({conf_entry(1, raft::ConfChangeType::kRemoveNode, 4),
                                conf_entry(2, raft::ConfChangeType::kRemoveNode, 5)});
  for (NodeId n = 1; n <= 3; ++n) checker.on_persisted(n, 0, changes);
  checker.on_applied(1, changes[0]);
  checker.on_applied(1, changes[1]);
  EXPECT_EQ(checker.configuration(), (raft::ConfState{{1, 2, 3}, {}}));
  const raft::Entry write = entry(3, 1, "a");
  checker.on_persisted(1, 0, entries({write}));
  checker.on_persisted(2, 0, entries({write}));
  checker.on_applied(1, write);
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
}

// Two machines join and are promoted; a commit on two of the five voters is unsafe, though the
// three founders' majority would have held it.
TEST(RaftChecker, ACommitThatTheGrownMajorityCouldOvertakeIsCaught) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3});
  const auto changes = entries({conf_entry(1, raft::ConfChangeType::kAddLearner, 4),
                                conf_entry(2, raft::ConfChangeType::kPromoteLearner, 4),
                                conf_entry(3, raft::ConfChangeType::kAddLearner, 5),
                                conf_entry(4, raft::ConfChangeType::kPromoteLearner, 5)});
  for (NodeId n = 1; n <= 3; ++n) checker.on_persisted(n, 0, changes);
  for (const raft::Entry& change : changes) checker.on_applied(1, change);
  ASSERT_TRUE(checker.ok()) << checker.violations().front().detail;
  EXPECT_EQ(checker.configuration(), (raft::ConfState{{1, 2, 3, 4, 5}, {}}));
  const raft::Entry write = entry(5, 1, "a");
  checker.on_persisted(1, 0, entries({write}));
  checker.on_persisted(2, 0, entries({write}));
  checker.on_applied(1, write);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "leader completeness");
}

TEST(RaftChecker, ACommittedConfChangeThatDoesNotApplyIsCaught) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3});
  const raft::Entry change = conf_entry(1, raft::ConfChangeType::kRemoveNode, 7);
  for (NodeId n = 1; n <= 3; ++n) checker.on_persisted(n, 0, entries({change}));
  checker.on_applied(1, change);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "membership");
  EXPECT_EQ(checker.configuration(), (raft::ConfState{{1, 2, 3}, {}}));
}

TEST(RaftChecker, WritingAsLeaderOfAnotherNodesTermIsCaught) {
  RaftChecker checker;
  checker.on_became_leader(2, 5);
  checker.on_persisted(1, 5, entries({entry(1, 5)}));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "election safety");
}

TEST(RaftChecker, SnapshotsKeepTheChainForLogMatching) {
  RaftChecker checker;
  auto log = entries({entry(1, 1, "a"), entry(2, 1, "b")});
  checker.on_persisted(1, 1, log);
  checker.on_snapshot_installed(2, raft::SnapshotMeta{2, 1, {}});
  checker.on_persisted(2, 0, entries({entry(3, 1, "c")}));
  checker.on_persisted(1, 0, entries({entry(3, 1, "c")}));
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  checker.on_persisted(3, 0, entries({entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "z")}));
  EXPECT_FALSE(checker.ok());
}

}  // namespace
}  // namespace keel::sim
