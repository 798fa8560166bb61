// The reusing forms of encode_frames and decode_frame (core/codec/frame.h): a vector or Frame
// passed in again must come out exactly as a fresh one would, with nothing of its old contents.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "core/codec/frame.h"
#include "core/codec/raft_generators.h"

namespace keel::codec {
namespace {

// Decoding b's frame into a Frame that held a: every field is b's (vectors are not appended to,
// the snapshot, chunk and flags are overwritten).
RC_GTEST_PROP(CodecFrameReuse, DecodingIntoAUsedFrameGivesTheNewMessage,
              (const raft::Message& a, const raft::Message& b)) {
  Frame frame;
  RC_ASSERT(decode_frame(encode_frame(1, a), frame).has_value());
  RC_ASSERT(frame.message == a);
  RC_ASSERT(decode_frame(encode_frame(2, b), frame).has_value());
  RC_ASSERT(frame.cluster == 2u);
  RC_ASSERT(frame.message == b);
}

TEST(CodecFrameReuse, ABadFrameIntoAUsedFrameIsStillAnError) {
  raft::Message heartbeat;
  heartbeat.type = raft::MessageType::kHeartbeat;
  heartbeat.term = 4;
  Frame frame;
  ASSERT_TRUE(decode_frame(encode_frame(1, heartbeat), frame).has_value());
  const SharedBytes encoded = encode_frame(1, heartbeat);
  Bytes corrupt(encoded.begin(), encoded.end());
  corrupt.back() ^= 0x01;  // the CRC no longer matches
  const Status decoded = decode_frame(corrupt, frame);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().message.find("frame.crc"), std::string::npos);
}

// A message without a snapshot (its meta read by a fast path for the four zero bytes) clears the
// snapshot a message decoded before left in the Frame; a meta that only starts with zeros is not
// taken for an empty one.
TEST(CodecFrameReuse, AnEmptySnapshotMetaReplacesAFullOne) {
  raft::Message with_snapshot;
  with_snapshot.type = raft::MessageType::kSnapshot;
  with_snapshot.snapshot = {.index = 9, .term = 2, .conf = {.voters = {1, 2}, .learners = {3}}};
  raft::Message zeros_then_voters;
  zeros_then_voters.type = raft::MessageType::kSnapshot;
  zeros_then_voters.snapshot.conf.learners = {4};  // index, term, voters: three zero bytes
  raft::Message heartbeat;
  heartbeat.type = raft::MessageType::kHeartbeat;
  Frame frame;
  for (const raft::Message* message : {&with_snapshot, &heartbeat, &with_snapshot,
                                       &zeros_then_voters, &heartbeat, &zeros_then_voters}) {
    ASSERT_TRUE(decode_frame(encode_frame(1, *message), frame).has_value());
    EXPECT_EQ(frame.message, *message);
  }
}

// The frames written into a used vector, through a used room, replace its old ones, in order; the
// first batch's frames are their own buffers, which the second batch's writing leaves unchanged.
RC_GTEST_PROP(CodecFrameReuse, EncodingIntoAUsedVectorGivesOnlyTheNewBatch,
              (const std::vector<raft::Message>& first, const std::vector<raft::Message>& second)) {
  std::vector<SharedBytes> frames;
  Bytes room;
  encode_frames(7, first, frames, room);
  RC_ASSERT(frames.size() == first.size());
  const std::vector<SharedBytes> first_frames = frames;
  encode_frames(7, second, frames, room);
  RC_ASSERT(frames == encode_frames(7, second));
  for (std::size_t i = 0; i < first.size(); ++i) {
    RC_ASSERT(first_frames[i] == encode_frame(7, first[i]));
  }
}

// A frame is copied out of the room at its exact size; a frame larger than 64 KiB (a snapshot
// chunk) is written in place, and the room does not grow to it.
TEST(CodecFrameReuse, TheRoomHoldsOnlySmallFrames) {
  raft::Message heartbeat;
  heartbeat.type = raft::MessageType::kHeartbeat;
  raft::Message chunk;
  chunk.type = raft::MessageType::kSnapshot;
  chunk.chunk = Bytes(100 << 10, 7);
  const std::vector<raft::Message> batch = {heartbeat, chunk};
  std::vector<SharedBytes> frames;
  Bytes room;
  encode_frames(7, batch, frames, room);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], encode_frame(7, heartbeat));
  EXPECT_EQ(frames[1], encode_frame(7, chunk));
  EXPECT_GE(room.size(), frames[0].size());
  EXPECT_LT(room.size(), std::size_t{64} << 10);
}

}  // namespace
}  // namespace keel::codec
