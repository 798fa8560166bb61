// encode_frames (core/codec/frame.h): a batch's frames are byte for byte encode_frame()'s, whether
// or not the entries' bytes were copied from an earlier frame of the batch.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "core/codec/frame.h"
#include "core/codec/raft_generators.h"

namespace keel::codec {
namespace {

constexpr std::uint64_t kCluster = 0xC1;

raft::Message append_to(NodeId to, std::vector<raft::Entry> entries) {
  raft::Message m;
  m.type = raft::MessageType::kAppend;
  m.from = 1;
  m.to = to;
  m.term = 3;
  m.index = 9;
  m.log_term = 2;
  m.commit = 8;
  m.entries = std::move(entries);
  return m;
}

std::vector<raft::Entry> entries_from(raft::Index first, int count) {
  std::vector<raft::Entry> entries;
  for (int i = 0; i < count; ++i) {
    const auto index = static_cast<raft::Index>(first + i);
    entries.push_back(
        {3, index, raft::EntryType::kNormal, Bytes{1, 2, static_cast<std::uint8_t>(i)}});
  }
  return entries;
}

// Each frame of the batch against the frame of its message alone.
void expect_same_as_one_by_one(const std::vector<raft::Message>& batch) {
  const std::vector<SharedBytes> frames = encode_frames(kCluster, batch);
  ASSERT_EQ(frames.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(frames[i], encode_frame(kCluster, batch[i])) << "message " << i;
  }
}

TEST(CodecFrameBatch, TheSameEntriesForEveryFollower) {
  const std::vector<raft::Entry> entries = entries_from(10, 5);
  std::vector<raft::Message> batch;
  for (NodeId to = 2; to <= 5; ++to) batch.push_back(append_to(to, entries));
  batch[2].commit = 300;  // a field after the entries that differs between followers
  expect_same_as_one_by_one(batch);
}

// Entries that share their data with the first message's but differ in a field each: copying the
// first message's bytes would be wrong.
TEST(CodecFrameBatch, EntriesSharingDataButDifferingAreEncodedAgain) {
  const std::vector<raft::Entry> entries = entries_from(10, 3);
  std::vector<raft::Message> batch{append_to(2, entries)};
  std::vector<raft::Entry> other_term = entries;
  other_term[1].term = 4;
  std::vector<raft::Entry> other_index = entries;
  other_index[2].index = 400;
  std::vector<raft::Entry> other_type = entries;
  other_type[0].type = raft::EntryType::kConfChange;
  std::vector<raft::Entry> fewer(entries.begin(), entries.end() - 1);
  for (auto* changed : {&other_term, &other_index, &other_type, &fewer}) {
    batch.push_back(append_to(3, *changed));
  }
  expect_same_as_one_by_one(batch);
}

// Equal bytes in other buffers, and other bytes of the same length: both are encoded from the data.
TEST(CodecFrameBatch, EntriesWithOtherBuffersAreEncodedFromTheirData) {
  const std::vector<raft::Entry> entries = entries_from(10, 2);
  std::vector<raft::Entry> equal_copies = entries_from(10, 2);
  std::vector<raft::Entry> other_bytes = entries;
  other_bytes[1].data = SharedBytes(Bytes{9, 9, 9});
  expect_same_as_one_by_one({append_to(2, entries), append_to(3, equal_copies),
                             append_to(4, other_bytes), append_to(5, entries)});
}

TEST(CodecFrameBatch, MessagesWithoutEntriesInBetween) {
  const std::vector<raft::Entry> entries = entries_from(10, 2);
  raft::Message heartbeat;
  heartbeat.to = 3;
  heartbeat.commit = 7;
  expect_same_as_one_by_one({append_to(2, entries), heartbeat, append_to(3, {}),
                             append_to(4, entries), append_to(5, entries_from(12, 1)),
                             append_to(5, entries)});
}

TEST(CodecFrameBatch, AnEmptyBatchHasNoFrames) { EXPECT_TRUE(encode_frames(kCluster, {}).empty()); }

// Random messages, each sent to several followers with the same entries, interleaved.
RC_GTEST_PROP(CodecFrameBatch, AnyBatchEncodesAsItsMessagesOneByOne,
              (const std::vector<raft::Message>& messages)) {
  std::vector<raft::Message> batch;
  for (const raft::Message& message : messages) {
    const int copies = *rc::gen::inRange(1, 4);
    for (int i = 0; i < copies; ++i) {
      batch.push_back(message);
      batch.back().to = message.to + static_cast<NodeId>(i);
    }
  }
  const std::vector<SharedBytes> frames = encode_frames(kCluster, batch);
  RC_ASSERT(frames.size() == batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    RC_ASSERT(frames[i] == encode_frame(kCluster, batch[i]));
    const auto decoded = decode_frame(frames[i]);
    RC_ASSERT(decoded.has_value());
    RC_ASSERT(decoded->message == batch[i]);
  }
}

}  // namespace
}  // namespace keel::codec
