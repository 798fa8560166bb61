#include "real/frame_stream_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "real/wire.h"

namespace keel::real {
namespace {

Bytes stream_of(const std::vector<std::string>& frames) {
  Bytes out;
  for (const std::string& frame : frames) {
    std::uint8_t prefix[kLengthPrefixBytes];
    encode_length_prefix(frame.size(), prefix);
    out.insert(out.end(), prefix, prefix + kLengthPrefixBytes);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

// Feeds `stream` in pieces of `piece` bytes, collecting frames; stops at the first error.
Result<std::vector<std::string>> decode(FrameStreamDecoder& decoder, ByteView stream,
                                        std::size_t piece) {
  std::vector<std::string> frames;
  std::size_t fed = 0;
  while (fed < stream.size()) {
    const auto space = decoder.space();
    EXPECT_FALSE(space.empty());
    const std::size_t n = std::min({piece, space.size(), stream.size() - fed});
    std::memcpy(space.data(), stream.data() + fed, n);
    decoder.commit(n);
    fed += n;
    while (true) {
      const auto frame = decoder.next();
      if (!frame) return std::unexpected(frame.error());
      if (!frame->has_value()) break;
      frames.emplace_back((*frame)->begin(), (*frame)->end());
    }
  }
  return frames;
}

TEST(FrameStreamDecoderTest, FramesSurviveAnySplitOfTheStream) {
  const std::vector<std::string> frames = {"a", "", "hello world", std::string(70000, 'x'), "z"};
  const Bytes stream = stream_of(frames);
  for (std::size_t piece : {1ul, 2ul, 3ul, 5ul, 4096ul, stream.size()}) {
    FrameStreamDecoder decoder(1 << 20);
    const auto got = decode(decoder, stream, piece);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, frames) << "pieces of " << piece;
    EXPECT_EQ(decoder.buffered(), 0u);
  }
}

TEST(FrameStreamDecoderTest, AnOversizedLengthIsRefusedBeforeAnythingIsAllocated) {
  FrameStreamDecoder decoder(1000);
  std::uint8_t prefix[kLengthPrefixBytes];
  encode_length_prefix(1001, prefix);
  auto space = decoder.space();
  std::memcpy(space.data(), prefix, sizeof prefix);
  decoder.commit(sizeof prefix);
  const auto frame = decoder.next();
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().code, Errc::kLimitExceeded);
  EXPECT_NE(frame.error().message.find("1001"), std::string::npos) << frame.error().message;
}

TEST(FrameStreamDecoderTest, AFrameAtTheLimitIsAccepted) {
  FrameStreamDecoder decoder(1000);
  const std::vector<std::string> frames = {std::string(1000, 'q')};
  const auto got = decode(decoder, stream_of(frames), 7);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, frames);
}

// A peer that announces the largest frame and then sends little costs little: the buffer grows
// with the bytes that arrive, not with the length announced.
TEST(FrameStreamDecoderTest, BufferGrowsWithArrivedBytesNotAnnouncedLength) {
  FrameStreamDecoder decoder(kMaxStreamFrameBytes);
  std::uint8_t prefix[kLengthPrefixBytes];
  encode_length_prefix(kMaxStreamFrameBytes, prefix);
  auto space = decoder.space();
  std::memcpy(space.data(), prefix, sizeof prefix);
  decoder.commit(sizeof prefix);
  ASSERT_TRUE(decoder.next());
  EXPECT_LT(decoder.space().size(), 1u << 20);
}

}  // namespace
}  // namespace keel::real
