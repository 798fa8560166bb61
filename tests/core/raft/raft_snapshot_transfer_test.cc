// InstallSnapshot of a large snapshot in small chunks (thesis §5.3): the leader keeps a window of
// chunks in flight, the follower holds chunks that overtake a gap, and a transfer ends within a
// bound of round trips.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/env/str.h"
#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

constexpr std::size_t kChunkBytes = 16;
constexpr std::size_t kWindow = 8;

std::vector<std::string> commands(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(str("command-", 1000 + i));
  return out;
}

std::size_t chunks_of(const ChunkedBytes& data) {
  return (data.size() + kChunkBytes - 1) / kChunkBytes;
}

// Leader 1 committed `n` commands that 3 missed, then compacted with no log kept below the
// snapshot: 3 can only catch up from a snapshot of many chunks.
Cluster lagging_follower(int n, std::size_t max_catch_up_entries = 5000) {
  Cluster c(3, [=](Config& config) {
    config.snapshot_chunk_bytes = kChunkBytes;
    config.max_inflight_messages = kWindow;
    config.max_catch_up_entries = max_catch_up_entries;
    config.log_kept_below_snapshot = 0;
  });
  EXPECT_EQ(c.campaign(1), 1u);
  c.isolate(3);
  for (const auto& command : commands(n)) EXPECT_TRUE(c.raft(1).propose(bytes(command)));
  c.settle();
  c.compact(1);
  c.heal();
  return c;
}

std::size_t count(const std::vector<Message>& messages, MessageType type) {
  return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(),
                                                [&](const Message& m) { return m.type == type; }));
}

// Delivers one hop at a time (half a round trip, no ticks) until 3 applied everything 1 did, at
// most max_hops; returns the hops taken.
std::size_t hops_until_caught_up(Cluster& c, std::size_t max_hops) {
  std::size_t hops = 0;
  while (c.machine(3).applied != c.machine(1).applied && hops < max_hops) {
    c.deliver_once();
    ++hops;
  }
  return hops;
}

TEST(RaftSnapshotTransfer, LargeSnapshotTakesChunksOverWindowRoundTrips) {
  Cluster c = lagging_follower(150);
  const std::size_t chunks = chunks_of(c.raft(1).snapshot()->data);
  ASSERT_GT(chunks, 10 * kWindow);
  c.delivered.clear();
  c.tick(1);  // the heartbeat's answer shows 3 behind: the leader starts the transfer
  // Two hops to start, then one round trip (two hops) per window of chunks, and two to finish.
  const std::size_t bound = 2 + 2 * ((chunks + kWindow - 1) / kWindow) + 2;
  const std::size_t hops = hops_until_caught_up(c, 4 * chunks);
  EXPECT_LE(hops, bound) << chunks << " chunks";
  EXPECT_EQ(c.machine(3).applied, commands(150));
  EXPECT_EQ(count(c.delivered, MessageType::kSnapshot), chunks);  // none sent twice
  c.settle();
  EXPECT_EQ(c.raft(1).progress(3)->state, ReplicationState::kReplicate);
}

// One hop with the leader under load: a new command proposed, and a new snapshot taken as soon as
// the state machine applied past the last one (as often as possible).
void hop_while_compacting(Cluster& c, int& proposed) {
  EXPECT_TRUE(c.raft(1).propose(bytes(str("more-", proposed++))));
  c.deliver_once();
  if (c.raft(1).applied() > c.raft(1).snapshot()->meta.index) c.compact(1);
}

TEST(RaftSnapshotTransfer, TransferFinishesWhileTheLeaderKeepsCompacting) {
  Cluster c = lagging_follower(150);
  c.delivered.clear();
  c.tick(1);
  int proposed = 0;
  for (int hop = 0; hop < 10 && c.raft(1).progress(3)->state != ReplicationState::kSnapshot;
       ++hop) {
    c.deliver_once();
  }
  const Snapshot first = *c.raft(1).snapshot();  // the one the transfer started on
  ASSERT_EQ(c.raft(1).progress(3)->snapshot_index, first.meta.index);
  const std::size_t chunks = chunks_of(first.data);
  const std::size_t bound = 2 + 2 * ((chunks + kWindow - 1) / kWindow) + 2;
  std::size_t hops = 0;
  while (c.machine(3).applied_index < first.meta.index && hops < 4 * chunks) {
    hop_while_compacting(c, proposed);
    ++hops;
  }
  EXPECT_LE(hops, bound) << chunks << " chunks";
  EXPECT_GT(c.raft(1).snapshot()->meta.index, first.meta.index + 10);  // it compacted on the way
  // 3 installed the snapshot it started on, and catches up by appends with the leader's log
  // after it, not with another snapshot.
  ASSERT_TRUE(c.machine(3).snapshot);
  EXPECT_EQ(c.machine(3).snapshot->meta, first.meta);
  for (int hop = 0; hop < 8; ++hop) hop_while_compacting(c, proposed);
  c.settle();
  EXPECT_EQ(c.machine(3).applied, c.machine(1).applied);
  EXPECT_EQ(c.raft(1).progress(3)->state, ReplicationState::kReplicate);
  EXPECT_EQ(count(c.delivered, MessageType::kSnapshot), chunks);  // one transfer, none resent
  // Once no follower receives it, the next compaction lets go of the old snapshot and its log.
  hop_while_compacting(c, proposed);
  c.settle();
  c.compact(1);
  EXPECT_EQ(c.raft(1).log().snapshot_index(), c.raft(1).snapshot()->meta.index);
}

TEST(RaftSnapshotTransfer, SnapshotInTransferIsKeptForAtMostMaxCatchUpEntries) {
  Cluster c = lagging_follower(150, 4);
  const Index first = c.raft(1).snapshot()->meta.index;
  c.tick(1);
  int proposed = 0;
  for (int hop = 0; hop < 12; ++hop) hop_while_compacting(c, proposed);
  // The leader got more than 4 entries past the snapshot 3 was receiving: it dropped it with the
  // log after it, and 3 was sent a later one.
  const Raft& leader = c.raft(1);
  ASSERT_GT(leader.snapshot()->meta.index, first + 4);
  EXPECT_GT(leader.log().snapshot_index(), first);
  EXPECT_GE(leader.log().snapshot_index(), leader.snapshot()->meta.index - 4);
  ASSERT_EQ(leader.progress(3)->state, ReplicationState::kSnapshot);
  EXPECT_GT(leader.progress(3)->snapshot_index, first);
  c.settle();
  EXPECT_EQ(c.machine(3).applied, c.machine(1).applied);
}

TEST(RaftSnapshotTransfer, ChunksThatOvertakeAGapAreHeldUntilItFills) {
  Cluster c = lagging_follower(40);
  const std::size_t chunks = chunks_of(c.raft(1).snapshot()->data);
  c.delivered.clear();
  c.tick(1);
  auto& queue = c.queue();
  // Until the leader sends its first window of chunks (after a probe that 3 rejects).
  for (int hop = 0; hop < 6 && count({queue.begin(), queue.end()}, MessageType::kSnapshot) == 0;
       ++hop) {
    c.deliver_once();
  }
  ASSERT_EQ(count({queue.begin(), queue.end()}, MessageType::kSnapshot), kWindow);
  std::reverse(queue.begin(), queue.end());  // every chunk but the first arrives ahead of a gap
  c.settle();
  EXPECT_EQ(c.machine(3).applied, commands(40));
  EXPECT_EQ(count(c.delivered, MessageType::kSnapshot), chunks);  // none sent twice
}

// Node 2 of a 3-member cluster whose window is two messages is sent four-byte chunks of a snapshot
// at `offsets`, in that order; its answer to each: (reject, bytes held from the start).
std::vector<std::pair<bool, std::uint64_t>> answers_to_chunks(
    std::initializer_list<std::uint64_t> offsets) {
  Cluster c(3, [](Config& config) { config.max_inflight_messages = 2; });
  Raft& follower = c.raft(2);
  std::vector<std::pair<bool, std::uint64_t>> answers;
  for (std::uint64_t offset : offsets) {
    Message m = message(MessageType::kSnapshot, 1, 2, 1);
    m.snapshot = SnapshotMeta{10, 1, ConfState{{1, 2, 3}, {}}};
    m.offset = offset;
    m.chunk = bytes("abcd");
    follower.step(m);
    Ready rd = follower.ready();
    follower.advance(rd);
    EXPECT_EQ(rd.messages.size(), 1u);
    if (rd.messages.size() != 1) break;
    answers.emplace_back(rd.messages[0].reject, rd.messages[0].offset);
  }
  return answers;
}

TEST(RaftSnapshotTransfer, FollowerHoldsAtMostAWindowOfChunksAheadOfAGap) {
  // Until its start arrives, the leader is told it holds nothing of the snapshot. 4..8 and 8..12
  // are held, 12..16 is past the two it may hold; 0..4 fills the gap.
  const std::vector<std::pair<bool, std::uint64_t>> expected{
      {true, 0}, {true, 0}, {true, 0}, {false, 12}};
  EXPECT_EQ(answers_to_chunks({4, 8, 12, 0}), expected);
}

// Chunks far ahead of the gap (sent before the leader went back to an earlier offset) must not
// take the room for good: the chunks nearest the gap replace them, and the gap then fills at once.
// Keeping the first ones held, a follower in the simulator took snapshot chunks one per two
// heartbeats and never caught up (keelsim raft --members 5 --duration 120s --swarm --seed 1003).
TEST(RaftSnapshotTransfer, FollowerHoldsTheChunksNearestItsGap) {
  const auto answers = answers_to_chunks({40, 44, 8, 4, 0});
  ASSERT_EQ(answers.size(), 5u);
  // 0..4, then the held 4..8 and 8..12: 40 and 44 were let go for them.
  EXPECT_EQ(answers.back(), std::pair(false, std::uint64_t{12}));
}

TEST(RaftSnapshotTransfer, RestartedFollowerMakesTheLeaderStartOverWithoutWaiting) {
  Cluster c = lagging_follower(40);
  c.tick(1);
  for (int hop = 0; hop < 6; ++hop) c.deliver_once();  // a few windows acknowledged
  ASSERT_GT(c.raft(1).progress(3)->snapshot_acked, 0u);
  c.crash(3);  // what it held of the snapshot is gone
  c.restart(3);
  c.settle();  // no tick: the rejected chunks alone make the leader send from the start again
  EXPECT_EQ(c.machine(3).applied, commands(40));
}

TEST(RaftSnapshotTransfer, RestartedFollowerIsSentTheStartEvenIfAnAnswerIsLost) {
  Cluster c = lagging_follower(40);
  c.tick(1);
  for (int hop = 0; hop < 6; ++hop) c.deliver_once();
  ASSERT_GT(c.raft(1).progress(3)->snapshot_acked, 0u);
  c.crash(3);
  c.restart(3);
  bool dropped = false;
  c.drop_if = [&](const Message& m) {
    if (dropped || m.type != MessageType::kSnapshotResponse || !m.reject) return false;
    dropped = true;  // the first answer saying it holds nothing
    return true;
  };
  c.settle();
  // The resends after the heartbeats are answered the same way until the start is sent.
  for (int i = 0; i < 4 && c.machine(3).applied != commands(40); ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_TRUE(dropped);
  EXPECT_EQ(c.machine(3).applied, commands(40));
}

TEST(RaftSnapshotTransfer, RestartedFollowerGivenAnOldDuplicateOfTheStartIsSentTheRest) {
  Cluster c = lagging_follower(40);
  c.delivered.clear();
  c.tick(1);
  for (int hop = 0; hop < 6; ++hop) c.deliver_once();
  ASSERT_GT(c.raft(1).progress(3)->snapshot_acked, 2 * kChunkBytes);
  auto first = std::find_if(c.delivered.begin(), c.delivered.end(), [](const Message& m) {
    return m.type == MessageType::kSnapshot && m.offset == 0;
  });
  ASSERT_NE(first, c.delivered.end());
  const Message duplicate = *first;
  c.crash(3);
  c.restart(3);
  c.queue().push_front(duplicate);  // the network delivers the first chunk a second time
  c.settle();
  // 3 holds one chunk; the leader believed it held more, and sends from where 3 says it is.
  for (int i = 0; i < 4 && c.machine(3).applied != commands(40); ++i) {
    c.tick(1);
    c.settle();
  }
  EXPECT_EQ(c.machine(3).applied, commands(40));
}

}  // namespace
}  // namespace keel::raft::testing
