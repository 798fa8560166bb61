#include "core/codec/frame.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>

#include "core/codec/crc32c.h"
#include "core/codec/limits.h"
#include "core/codec/raft_generators.h"
#include "core/codec/writer.h"
#include "core/env/random.h"

namespace keel::codec {
namespace {

raft::Message heartbeat() {
  raft::Message m;
  m.type = raft::MessageType::kHeartbeat;
  m.from = 2;
  m.to = 1;
  m.term = 9;
  m.commit = 17;
  m.context = 5;
  return m;
}

// A frame's bytes, to be tampered with (a SharedBytes never changes).
Bytes bytes_of(const SharedBytes& frame) { return Bytes(frame.begin(), frame.end()); }

std::string error_of(const Bytes& frame) {
  auto decoded = decode_frame(frame);
  return decoded ? "" : decoded.error().message;
}

RC_GTEST_PROP(CodecFrame, RoundTrip, (std::uint64_t cluster, const raft::Message& message)) {
  const SharedBytes frame = encode_frame(cluster, message);
  auto decoded = decode_frame(frame);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(decoded->cluster == cluster);
  RC_ASSERT(decoded->message == message);
}

// A decoded entry's data is a slice of the frame it came in: no copy, and it keeps the frame's
// buffer alive after the frame itself is gone.
TEST(CodecFrame, DecodedEntriesShareTheFramesBuffer) {
  raft::Message append;
  append.type = raft::MessageType::kAppend;
  append.entries = {raft::Entry{.term = 1, .index = 5, .data = SharedBytes(Bytes{1, 2, 3})},
                    raft::Entry{.term = 1, .index = 6, .data = SharedBytes(Bytes{4, 5})}};
  Frame decoded;
  {
    const SharedBytes frame = encode_frame(7, append);
    ASSERT_TRUE(decode_frame(frame, decoded).has_value());
    for (const raft::Entry& entry : decoded.message.entries) {
      EXPECT_GE(entry.data.data(), frame.data());
      EXPECT_LE(entry.data.end(), frame.end());
    }
    EXPECT_EQ(frame.use_count(), 1u + append.entries.size());
  }
  EXPECT_EQ(decoded.message, append);
}

TEST(CodecFrame, HeaderLayout) {
  const Bytes frame = bytes_of(encode_frame(0x1122334455667788, heartbeat()));
  ASSERT_GE(frame.size(), kFrameHeaderBytes);
  EXPECT_EQ(std::string(frame.begin(), frame.begin() + 4), "KEEL");
  EXPECT_EQ(frame[4], kFrameVersion);
  EXPECT_EQ(frame[5], 0x88);
  EXPECT_EQ(frame[12], 0x11);
  EXPECT_EQ(frame[13], frame.size() - kFrameHeaderBytes);
}

TEST(CodecFrame, TheClaimedCrcIsReadOnlyFromAFrameWhoseLengthFieldFits) {
  const Bytes frame = bytes_of(encode_frame(0xC0FFEE, heartbeat()));
  std::uint32_t written = 0;
  std::memcpy(&written, frame.data() + kFrameHeaderBytes - 4, 4);
  EXPECT_EQ(claimed_frame_crc(frame), written);
  EXPECT_EQ(claimed_frame_crc(encode_node_frame(7, Bytes{1, 2, 3})).has_value(), true);
  // Nothing is verified: a flipped body byte still gives the CRC the header claims.
  Bytes flipped = frame;
  flipped.back() ^= 1;
  EXPECT_EQ(claimed_frame_crc(flipped), written);
  // Not a frame: short, a wrong magic, or a length field that does not match the bytes.
  EXPECT_EQ(claimed_frame_crc(ByteView(frame.data(), kFrameHeaderBytes - 1)), std::nullopt);
  Bytes bad_magic = frame;
  bad_magic[0] ^= 1;
  EXPECT_EQ(claimed_frame_crc(bad_magic), std::nullopt);
  Bytes longer = frame;
  longer.push_back(0);
  EXPECT_EQ(claimed_frame_crc(longer), std::nullopt);
  EXPECT_EQ(claimed_frame_crc(ByteView(frame.data(), frame.size() - 1)), std::nullopt);
}

TEST(CodecFrame, EveryTruncationAndEveryFlipIsRejected) {
  const Bytes frame = bytes_of(encode_frame(7, heartbeat()));
  for (std::size_t n = 0; n < frame.size(); ++n) {
    EXPECT_FALSE(decode_frame(ByteView(frame).first(n))) << n;
  }
  for (std::size_t i = 0; i < frame.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = frame;
      flipped[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(decode_frame(flipped)) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(CodecFrame, ErrorsNameWhatIsWrong) {
  const Bytes frame = bytes_of(encode_frame(7, heartbeat()));
  EXPECT_NE(
      error_of(Bytes(frame.begin(), frame.begin() + 10)).find("shorter than the 21-byte header"),
      std::string::npos);
  Bytes bad = frame;
  bad[0] = 'X';
  EXPECT_NE(error_of(bad).find("frame.magic"), std::string::npos) << error_of(bad);
  bad = frame;
  bad[4] = 2;
  EXPECT_NE(error_of(bad).find("frame.version: 2"), std::string::npos) << error_of(bad);
  bad = frame;
  bad.push_back(0);
  EXPECT_NE(error_of(bad).find("frame.length"), std::string::npos) << error_of(bad);
  bad = frame;
  bad.back() ^= 1;
  EXPECT_NE(error_of(bad).find("frame.crc"), std::string::npos) << error_of(bad);
}

TEST(CodecFrame, OverLimitLengthIsRejectedWithoutReadingTheBody) {
  Bytes frame = bytes_of(encode_frame(7, heartbeat()));
  const auto big = static_cast<std::uint32_t>(kMaxFrameBodyBytes + 1);
  for (int i = 0; i < 4; ++i) frame[13 + i] = static_cast<std::uint8_t>(big >> (8 * i));
  auto decoded = decode_frame(frame);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::kLimitExceeded);
  EXPECT_NE(decoded.error().message.find("kMaxFrameBodyBytes"), std::string::npos);
}

// A frame with a valid header and CRC around a body that is not a message: the body's own error.
TEST(CodecFrame, ValidCrcOverABadBodyIsRejected) {
  Bytes frame = bytes_of(encode_frame(7, heartbeat()));
  frame.resize(kFrameHeaderBytes);
  frame.push_back(200);  // not a MessageType
  frame[13] = 1;
  const std::uint32_t crc =
      crc32c_extend(crc32c(ByteView(frame).first(17)), ByteView(frame).subspan(21));
  Writer(frame).patch_u32(17, crc);
  EXPECT_NE(error_of(frame).find("frame body: Message.type"), std::string::npos) << error_of(frame);
}

TEST(CodecFrame, RandomGarbageNeverCrashes) {
  Random random(5);
  const Bytes valid = bytes_of(encode_frame(3, heartbeat()));
  for (int i = 0; i < 5000; ++i) {
    Bytes garbage;
    if (random.chance(0.5)) {
      garbage.resize(random.below(100));
      for (auto& b : garbage) b = static_cast<std::uint8_t>(random.next());
    } else {
      garbage = valid;
      garbage[random.below(garbage.size())] ^= static_cast<std::uint8_t>(1 + random.below(255));
    }
    ASSERT_FALSE(decode_frame(garbage)) << i;
  }
}

TEST(CodecNodeFrame, RoundTripAndTheKindsDoNotMix) {
  const Bytes payload = {7, 0, 255, 3};
  const Bytes frame = bytes_of(encode_node_frame(42, payload));
  ASSERT_TRUE(is_node_frame(frame));
  auto decoded = decode_node_frame(frame);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->cluster, 42u);
  EXPECT_EQ(decoded->payload, payload);
  // A Raft frame is not a node frame and the other way round.
  const Bytes raft = bytes_of(encode_frame(42, heartbeat()));
  EXPECT_FALSE(is_node_frame(raft));
  EXPECT_NE(decode_node_frame(raft).error().message.find("frame.magic"), std::string::npos);
  EXPECT_NE(error_of(frame).find("frame.magic"), std::string::npos);
}

TEST(CodecNodeFrame, EveryTruncationAndEveryFlipIsRejected) {
  const Bytes frame = bytes_of(encode_node_frame(7, Bytes{1, 2, 3}));
  for (std::size_t n = 0; n < frame.size(); ++n) {
    EXPECT_FALSE(decode_node_frame(ByteView(frame).first(n))) << n;
  }
  for (std::size_t i = 0; i < frame.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = frame;
      flipped[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(decode_node_frame(flipped)) << "byte " << i << " bit " << bit;
    }
  }
}

}  // namespace
}  // namespace keel::codec
