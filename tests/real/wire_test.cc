#include "real/wire.h"

#include <gtest/gtest.h>

namespace keel::real {
namespace {

constexpr Hello kHello{.cluster = 0xC1, .from = 2, .to = 1};

TEST(WireTest, HelloRoundTrips) {
  const Bytes encoded = encode_hello(kHello);
  ASSERT_EQ(encoded.size(), kHelloBytes);
  const auto decoded = decode_hello(encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->cluster, kHello.cluster);
  EXPECT_EQ(decoded->from, kHello.from);
  EXPECT_EQ(decoded->to, kHello.to);
}

TEST(WireTest, EveryCorruptedByteOfAHelloIsRejected) {
  const Bytes good = encode_hello(kHello);
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x5A;
    const auto decoded = decode_hello(bad);
    ASSERT_FALSE(decoded) << "byte " << i;
    EXPECT_EQ(decoded.error().code, Errc::kCorrupt);
  }
}

TEST(WireTest, HelloOfTheWrongSizeOrVersionIsRejected) {
  Bytes good = encode_hello(kHello);
  EXPECT_FALSE(decode_hello(ByteView(good).first(kHelloBytes - 1)));
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(decode_hello(longer));
  EXPECT_FALSE(decode_hello(Bytes(kHelloBytes, 0)));
  const auto garbage = decode_hello(Bytes(kHelloBytes, 0xFF));
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("hello.magic"), std::string::npos);
}

TEST(WireTest, CheckHelloAcceptsOurClusterAddressedToUsFromAnExpectedPeer) {
  EXPECT_TRUE(check_hello(kHello, 0xC1, 1, true));
}

TEST(WireTest, CheckHelloRefusalsNameBothSides) {
  const auto refused = [](const Hello& hello, bool expected) {
    const Status status = check_hello(hello, 0xC1, 1, expected);
    EXPECT_FALSE(status);
    return status ? std::string() : status.error().message;
  };
  const std::string foreign = refused(Hello{.cluster = 0xC2, .from = 2, .to = 1}, true);
  EXPECT_NE(foreign.find("another cluster"), std::string::npos) << foreign;
  EXPECT_NE(foreign.find("ours: cluster 193 node 1"), std::string::npos) << foreign;
  EXPECT_NE(foreign.find("theirs: cluster 194 node 2"), std::string::npos) << foreign;
  EXPECT_NE(refused(Hello{.cluster = 0xC1, .from = 2, .to = 3}, true).find("another node"),
            std::string::npos);
  EXPECT_NE(refused(kHello, false).find("unexpected node"), std::string::npos);
  refused(Hello{.cluster = 0xC1, .from = 1, .to = 1}, true);        // from ourselves
  refused(Hello{.cluster = 0xC1, .from = kNoNode, .to = 1}, true);  // from no node
}

TEST(WireTest, LengthPrefixRoundTripsLittleEndian) {
  std::uint8_t prefix[kLengthPrefixBytes];
  encode_length_prefix(0x01020304, prefix);
  EXPECT_EQ(prefix[0], 0x04);
  EXPECT_EQ(prefix[3], 0x01);
  EXPECT_EQ(decode_length_prefix(prefix), 0x01020304u);
  encode_length_prefix(kMaxStreamFrameBytes, prefix);
  EXPECT_EQ(decode_length_prefix(prefix), kMaxStreamFrameBytes);
}

}  // namespace
}  // namespace keel::real
