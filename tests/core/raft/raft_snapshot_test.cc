// Log compaction and InstallSnapshot in chunks (thesis §5.1, §5.3).
#include <gtest/gtest.h>

#include "core/env/str.h"
#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

std::vector<std::string> commands(int n, const char* prefix = "cmd-") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(str(prefix, i < 10 ? "0" : "", i));
  return out;
}

// Leader 1 with 20 committed commands that 3 missed, then compacted with no log kept below the
// snapshot: 3 can only catch up from the snapshot.
Cluster lagging_follower(std::size_t chunk_bytes) {
  Cluster c(3, [=](Config& config) {
    config.snapshot_chunk_bytes = chunk_bytes;
    config.log_kept_below_snapshot = 0;
  });
  EXPECT_EQ(c.campaign(1), 1u);
  c.isolate(3);
  for (const auto& command : commands(20)) EXPECT_TRUE(c.raft(1).propose(bytes(command)));
  c.settle();
  c.compact(1);
  EXPECT_EQ(c.raft(1).log().first_index(), 22u);
  c.heal();
  return c;
}

// Leader 1 with 5 committed commands (indexes 2..6, after its no-op), compacted at 6 keeping
// `kept` entries of log below the snapshot.
Cluster compacted_after_five_commands(std::size_t kept) {
  Cluster c(3, [=](Config& config) { config.log_kept_below_snapshot = kept; });
  EXPECT_EQ(c.campaign(1), 1u);
  for (const auto& command : commands(5)) EXPECT_TRUE(c.raft(1).propose(bytes(command)));
  c.settle();
  c.compact(1);
  return c;
}

TEST(RaftSnapshot, CompactionDropsThePrefixAndKeepsTheSnapshot) {
  Cluster c = compacted_after_five_commands(0);
  const Raft& r = c.raft(1);
  EXPECT_EQ(r.log().snapshot_index(), 6u);
  EXPECT_EQ(r.log().snapshot_term(), 1u);
  EXPECT_FALSE(r.log().term(5).has_value());
  ASSERT_TRUE(r.snapshot());
  EXPECT_EQ(r.snapshot()->meta.conf.voters, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(decode_state(r.snapshot()->data.flatten()), commands(5));
  // Compacting again at or below the snapshot, or past the applied index, is refused.
  auto again = c.raft(1).compact(6, {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kInvalidArgument);
  auto ahead = c.raft(1).compact(9, {});
  ASSERT_FALSE(ahead);
  EXPECT_EQ(ahead.error().code, Errc::kInvalidArgument);
}

// etcd's SnapshotCatchUpEntries: the log below a new snapshot is kept up to
// log_kept_below_snapshot entries, and the snapshot covers the whole prefix all the same.
TEST(RaftSnapshot, CompactionKeepsTheLogKeptBelowTheSnapshot) {
  Cluster c = compacted_after_five_commands(3);
  const Raft& r = c.raft(1);
  ASSERT_TRUE(r.snapshot());
  EXPECT_EQ(r.snapshot()->meta.index, 6u);
  EXPECT_EQ(decode_state(r.snapshot()->data.flatten()), commands(5));
  EXPECT_EQ(r.log().snapshot_index(), 3u);
  EXPECT_FALSE(r.log().term(2).has_value());
  EXPECT_EQ(r.log().term(4), 1u);
  // A log shorter than the kept tail is not compacted at all.
  Cluster young = compacted_after_five_commands(100);
  EXPECT_EQ(young.raft(1).log().snapshot_index(), 0u);
  EXPECT_EQ(young.raft(1).snapshot()->meta.index, 6u);
}

// A follower a few entries behind when the leader compacts catches up by appends from the kept
// log; with no log kept, the same follower is sent the whole snapshot.
TEST(RaftSnapshot, FollowerAFewEntriesBehindCatchesUpByAppendsFromTheKeptLog) {
  for (const std::size_t kept : {std::size_t{0}, std::size_t{5}}) {
    SCOPED_TRACE(str("log_kept_below_snapshot ", kept));
    Cluster c(3, [=](Config& config) { config.log_kept_below_snapshot = kept; });
    ASSERT_EQ(c.campaign(1), 1u);
    for (const auto& command : commands(10)) ASSERT_TRUE(c.raft(1).propose(bytes(command)));
    c.settle();
    c.isolate(3);
    for (const auto& command : commands(3, "late-")) ASSERT_TRUE(c.raft(1).propose(bytes(command)));
    c.settle();
    c.compact(1);
    c.heal();
    c.delivered.clear();
    c.tick(1);
    c.settle();
    std::size_t chunks = 0;
    for (const Message& m : c.delivered) chunks += m.type == MessageType::kSnapshot;
    EXPECT_EQ(chunks > 0, kept == 0);
    EXPECT_EQ(c.machine(3).applied, c.machine(1).applied);
    EXPECT_EQ(c.raft(3).commit(), 14u);
  }
}

TEST(RaftSnapshot, LaggingFollowerInstallsASnapshotSentInChunks) {
  Cluster c = lagging_follower(16);
  c.record_readies(true);
  c.delivered.clear();
  c.tick(1);
  c.settle();
  std::vector<const Message*> chunks;
  for (const Message& m : c.delivered) {
    if (m.type == MessageType::kSnapshot) chunks.push_back(&m);
  }
  const Bytes data = c.raft(1).snapshot()->data.flatten();
  ASSERT_EQ(chunks.size(), (data.size() + 15) / 16);
  std::uint64_t offset = 0;
  for (const Message* chunk : chunks) {
    EXPECT_EQ(chunk->offset, offset);
    EXPECT_LE(chunk->chunk.size(), 16u);
    EXPECT_EQ(chunk->snapshot.index, 21u);
    offset += chunk->chunk.size();
    EXPECT_EQ(chunk->done, offset == data.size());
  }
  // The follower handed the whole snapshot to its node once, in a Ready, and applied it.
  int snapshots = 0;
  for (const Ready& rd : c.machine(3).readies) snapshots += rd.snapshot.has_value();
  EXPECT_EQ(snapshots, 1);
  ASSERT_TRUE(c.machine(3).snapshot);
  EXPECT_EQ(c.machine(3).snapshot->meta.index, 21u);
  EXPECT_EQ(c.machine(3).snapshot->meta.conf.voters, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(c.machine(3).applied, commands(20));
  EXPECT_EQ(c.raft(3).commit(), 21u);
  EXPECT_EQ(c.raft(1).progress(3)->match, 21u);
  // Replication resumes from the snapshot.
  ASSERT_TRUE(c.raft(1).propose(bytes("after")));
  c.settle();
  EXPECT_EQ(c.machine(3).applied.back(), "after");
  EXPECT_EQ(c.raft(1).progress(3)->state, ReplicationState::kReplicate);
}

TEST(RaftSnapshot, LostChunkIsResentOnHeartbeat) {
  Cluster c = lagging_follower(16);
  int dropped = 0;
  c.drop_if = [&](const Message& m) {
    if (m.type == MessageType::kSnapshot && m.offset == 32 && dropped == 0) {
      ++dropped;
      return true;
    }
    return false;
  };
  c.tick(1);
  c.settle();
  EXPECT_EQ(dropped, 1);
  EXPECT_NE(c.machine(3).applied, commands(20));
  EXPECT_EQ(c.raft(1).progress(3)->state, ReplicationState::kSnapshot);
  for (int i = 0; i < 3; ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_EQ(c.machine(3).applied, commands(20));
  EXPECT_EQ(c.raft(3).commit(), 21u);
}

TEST(RaftSnapshot, FollowerThatLostItsPartialSnapshotRestartsFromZero) {
  Cluster c = lagging_follower(16);
  // 3 crashes in the middle of the transfer: its partial snapshot is gone.
  int chunks = 0;
  c.drop_if = [&](const Message& m) { return m.type == MessageType::kSnapshot && ++chunks > 3; };
  c.tick(1);
  c.settle();
  c.crash(3);
  c.restart(3);
  c.drop_if = nullptr;
  for (int i = 0; i < 4; ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_EQ(c.machine(3).applied, commands(20));
}

// The log kept below the snapshot (the default 5,000 entries) is in memory only: a restart starts
// the log at the snapshot, as etcd's does.
TEST(RaftSnapshot, NodeRestartsFromItsSnapshotAndLog) {
  Cluster c = compacted_after_five_commands(Config{}.log_kept_below_snapshot);
  ASSERT_EQ(c.raft(1).log().first_index(), 1u);
  for (const auto& command : commands(3, "more-")) ASSERT_TRUE(c.raft(1).propose(bytes(command)));
  c.settle();
  c.crash(1);
  c.restart(1);
  EXPECT_EQ(c.raft(1).log().first_index(), 7u);
  EXPECT_EQ(c.raft(1).last_index(), 9u);
  EXPECT_EQ(c.raft(1).commit(), 9u);
  c.settle();
  auto expected = commands(5);
  for (const auto& command : commands(3, "more-")) expected.push_back(command);
  EXPECT_EQ(c.machine(1).applied, expected);
  // It can still bring a follower up to date after being elected again.
  c.crash(2);
  c.machine(2) = {};
  c.machine(2).config.id = 2;
  c.machine(2).config.cluster = kCluster;
  c.machine(2).initial_conf.voters = {1, 2, 3};
  c.restart(2);
  for (int i = 0; i < 40 && c.leader() == kNoNode; ++i) {
    c.tick_all();
    c.settle();
  }
  ASSERT_NE(c.leader(), kNoNode);
  for (int i = 0; i < 5; ++i) {
    c.tick_all();
    c.settle();
  }
  EXPECT_EQ(c.machine(2).applied, expected);
}

TEST(RaftSnapshot, StaleSnapshotIsAnsweredWithTheCommitIndex) {
  Cluster c(3);
  ASSERT_EQ(c.campaign(1), 1u);
  for (const auto& command : commands(3)) ASSERT_TRUE(c.raft(1).propose(bytes(command)));
  c.settle();
  Message old = message(MessageType::kSnapshot, 1, 2, 1);
  old.snapshot = SnapshotMeta{2, 1, ConfState{{1, 2, 3}, {}}};
  old.done = true;
  c.raft(2).step(old);
  Ready rd = c.raft(2).ready();
  c.raft(2).advance(rd);
  EXPECT_FALSE(rd.snapshot);
  ASSERT_EQ(rd.messages.size(), 1u);
  EXPECT_TRUE(rd.messages[0].done);
  EXPECT_EQ(rd.messages[0].index, 4u);
  EXPECT_EQ(c.raft(2).last_index(), 4u);
}

}  // namespace
}  // namespace keel::raft::testing
