// RaftChecker keeps each log's entries individually only after the committed prefix (the rest are
// folded into the shared committed record): the bound must hold over a long run, and every check
// that looks back into the folded prefix (durability, leader completeness, log matching after an
// overwrite, snapshots) must answer as if nothing were folded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/env/str.h"
#include "sim/checkers/raft_checker.h"

namespace keel::sim {
namespace {

raft::Entry entry(raft::Index index, raft::Term term, const std::string& data) {
  return raft::Entry{term, index, raft::EntryType::kNormal, Bytes(data.begin(), data.end())};
}

std::vector<raft::Entry> entries(std::initializer_list<raft::Entry> list) { return list; }

std::string value(raft::Index index) { return str("v", index); }

// Nodes 1..3 (founding voters) each persist and apply entries 1..count of term 1, ten at a time,
// n1 leading.
RaftChecker committed_run(raft::Index count) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3});
  checker.on_became_leader(1, 1);
  for (raft::Index first = 1; first <= count; first += 10) {
    std::vector<raft::Entry> batch;
    for (raft::Index index = first; index < first + 10 && index <= count; ++index) {
      batch.push_back(entry(index, 1, value(index)));
    }
    for (NodeId node : {1, 2, 3}) checker.on_persisted(node, node == 1 ? 1 : 0, batch);
    for (NodeId node : {1, 2, 3}) {
      for (const raft::Entry& e : batch) checker.on_applied(node, e);
    }
  }
  return checker;
}

TEST(RaftCheckerFold, ALongCommittedRunKeepsFewLinks) {
  RaftChecker checker = committed_run(1000);
  ASSERT_TRUE(checker.ok()) << checker.violations().front().detail;
  EXPECT_EQ(checker.committed_index(), 1000u);
  for (NodeId node : {1, 2, 3}) EXPECT_LT(checker.links_kept(node), 80u) << "n" << node;
}

// The durability check reads the log's last entry, which folding never reaches (the newest links
// stay): this guards the check across folding, it does not look up a folded entry.
TEST(RaftCheckerFold, ARestartLosingEntriesAfterFoldingIsCaught) {
  RaftChecker checker = committed_run(300);
  ASSERT_LT(checker.links_kept(2), 80u);
  std::vector<raft::Entry> kept;
  for (raft::Index index = 1; index <= 100; ++index) kept.push_back(entry(index, 1, value(index)));
  checker.on_recovered(2, raft::HardState{1, 1, 100}, raft::SnapshotMeta{}, kept);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "durability");
}

// A recovered log that is all committed folds whole as it is appended, so the durability check
// reads the entry the node had synced last from the folded committed record.
std::vector<raft::Entry> recovered_log(raft::Index count) {
  std::vector<raft::Entry> log;
  for (raft::Index index = 1; index <= count; ++index) log.push_back(entry(index, 1, value(index)));
  return log;
}

TEST(RaftCheckerFold, ARestartWhoseLogFoldsWholeKeepsTheSyncedEntry) {
  RaftChecker checker = committed_run(300);
  checker.on_recovered(2, raft::HardState{1, 1, 300}, raft::SnapshotMeta{}, recovered_log(300));
  ASSERT_EQ(checker.links_kept(2), 0u);  // entry 300 is read from the committed record
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
}

TEST(RaftCheckerFold, ARestartWhoseFoldedLogLacksTheSyncedEntryIsCaught) {
  RaftChecker checker = committed_run(300);
  // n2 syncs an entry of term 1 at 301 that never commits: n1, leading term 2, commits its own.
  checker.on_persisted(2, 0, entries({entry(301, 1, "lost")}));
  checker.on_became_leader(1, 2);
  const raft::Entry committed = entry(301, 2, value(301));
  for (NodeId node : {1, 3}) checker.on_persisted(node, node == 1 ? 2 : 0, entries({committed}));
  for (NodeId node : {1, 3}) checker.on_applied(node, committed);
  ASSERT_TRUE(checker.ok()) << checker.violations().front().detail;
  // n2 comes back with the committed entry at 301 instead of the one it had synced.
  std::vector<raft::Entry> recovered = recovered_log(300);
  recovered.push_back(committed);
  checker.on_recovered(2, raft::HardState{2, 1, 301}, raft::SnapshotMeta{}, recovered);
  ASSERT_EQ(checker.links_kept(2), 0u);  // entry 301 is read from the committed record
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "durability");
}

TEST(RaftCheckerFold, ALeaderHoldingTheFoldedPrefixPasses) {
  RaftChecker checker = committed_run(300);
  checker.on_became_leader(2, 2);
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
}

TEST(RaftCheckerFold, OverwritingAFoldedCommittedEntryIsCaughtWhenItsNodeLeads) {
  RaftChecker checker = committed_run(300);
  // A follower's overwrite with a later term's entry (allowed as such), below the floor.
  checker.on_persisted(3, 0, entries({entry(50, 2, "other")}));
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  checker.on_became_leader(3, 3);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "leader completeness");
}

// The per-index chain table (never folded) catches the other bytes; what this adds is that an
// overwrite below the floor rebuilds the log from the committed prefix without failing.
TEST(RaftCheckerFold, RewritingAFoldedEntryWithOtherBytesBreaksLogMatching) {
  RaftChecker checker = committed_run(300);
  // Same index and term as the committed entry 50, other bytes: the chain differs from the
  // committed one, which must still be known though every log folded it.
  checker.on_persisted(3, 0, entries({entry(50, 1, "other"), entry(51, 1, value(51))}));
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "log matching");
}

TEST(RaftCheckerFold, AStaleUncommittedTailIsNotFolded) {
  RaftChecker checker;
  checker.set_voters({1, 2, 3});
  checker.on_became_leader(1, 2);
  std::vector<raft::Entry> committed;
  std::vector<raft::Entry> stale;
  for (raft::Index index = 1; index <= 100; ++index) {
    committed.push_back(entry(index, index <= 60 ? 1 : 2, value(index)));
    stale.push_back(entry(index, 1, index <= 60 ? value(index) : "stale"));
  }
  checker.on_persisted(1, 2, committed);
  checker.on_persisted(2, 0, committed);
  checker.on_persisted(3, 0, stale);  // n3 missed term 2: its entries from 61 are term 1's
  for (const raft::Entry& e : committed) checker.on_applied(1, e);
  checker.on_persisted(3, 0, entries({entry(101, 1, "stale")}));  // n3 folds only what it shares
  ASSERT_TRUE(checker.ok()) << checker.violations().front().detail;
  EXPECT_GE(checker.links_kept(3), 41u);
  // Caught up by the leader of term 2, it overwrites its stale tail and may lead term 3.
  checker.on_persisted(3, 0, std::vector<raft::Entry>(committed.begin() + 60, committed.end()));
  checker.on_became_leader(3, 3);
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
}

TEST(RaftCheckerFold, ASnapshotAtAFoldedIndexKeepsTheLogAfterIt) {
  RaftChecker checker = committed_run(300);
  checker.on_snapshot_installed(2, raft::SnapshotMeta{100, 1, {}});
  checker.on_persisted(2, 0, entries({entry(301, 1, value(301))}));
  checker.on_persisted(1, 1, entries({entry(301, 1, value(301))}));
  EXPECT_TRUE(checker.ok()) << checker.violations().front().detail;
  checker.on_recovered(2, raft::HardState{1, 1, 301}, raft::SnapshotMeta{100, 1, {}}, {});
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.violations()[0].check, "durability");
}

}  // namespace
}  // namespace keel::sim
