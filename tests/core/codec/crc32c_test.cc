#include "core/codec/crc32c.h"

#include <gtest/gtest.h>

#include <string_view>

#include "core/env/random.h"

namespace keel::codec {
namespace {

ByteView view(std::string_view text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

Bytes iota_bytes(std::size_t n, bool descending) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(descending ? n - 1 - i : i);
  return b;
}

// Known answers from RFC 3720 (iSCSI) appendix B.4 and the usual check value.
TEST(Crc32c, KnownAnswers) {
  EXPECT_EQ(crc32c(view("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(Bytes(32, 0x00)), 0x8A9136AAu);
  EXPECT_EQ(crc32c(Bytes(32, 0xFF)), 0x62A8AB43u);
  EXPECT_EQ(crc32c(iota_bytes(32, false)), 0x46DD794Eu);
  EXPECT_EQ(crc32c(iota_bytes(32, true)), 0x113FDB5Cu);
  EXPECT_EQ(crc32c(ByteView()), 0u);
}

TEST(Crc32c, PortableMatchesKnownAnswers) {
  EXPECT_EQ(detail::crc32c_extend_portable(0, view("123456789")), 0xE3069283u);
  EXPECT_EQ(detail::crc32c_extend_portable(0, Bytes(32, 0x00)), 0x8A9136AAu);
}

TEST(Crc32c, ExtendEqualsWhole) {
  Random random(3);
  Bytes data(1000);
  for (auto& b : data) b = static_cast<std::uint8_t>(random.next());
  const std::uint32_t whole = crc32c(data);
  for (std::size_t cut = 0; cut <= data.size(); cut += 37) {
    const ByteView all(data);
    EXPECT_EQ(crc32c_extend(crc32c(all.first(cut)), all.subspan(cut)), whole) << cut;
  }
}

// The hardware path, when this machine has one, must agree with the portable path on every
// length and alignment.
TEST(Crc32c, HardwareAgreesWithPortable) {
  if (!detail::crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this machine";
  Random random(9);
  Bytes data(4096 + 16);
  for (auto& b : data) b = static_cast<std::uint8_t>(random.next());
  for (int i = 0; i < 2000; ++i) {
    const std::size_t start = random.below(16);
    const std::size_t length = random.below(data.size() - start + 1);
    const std::uint32_t seed = static_cast<std::uint32_t>(random.next());
    const ByteView part = ByteView(data).subspan(start, length);
    ASSERT_EQ(detail::crc32c_extend_hardware(seed, part),
              detail::crc32c_extend_portable(seed, part))
        << "start " << start << " length " << length;
  }
}

// Every length up to 24 bytes, so that each way the hardware path ends (4, 2 and 1 trailing bytes,
// alone and together) is checked at every alignment.
TEST(Crc32c, HardwareAgreesWithPortableOnEveryShortLength) {
  if (!detail::crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this machine";
  Random random(11);
  Bytes data(32);
  for (auto& b : data) b = static_cast<std::uint8_t>(random.next());
  for (std::size_t start = 0; start < 8; ++start) {
    for (std::size_t length = 0; length <= 24; ++length) {
      const ByteView part = ByteView(data).subspan(start, length);
      ASSERT_EQ(detail::crc32c_extend_hardware(0x12345678, part),
                detail::crc32c_extend_portable(0x12345678, part))
          << "start " << start << " length " << length;
    }
  }
}

// The two-piece CRC is the CRC of the pieces joined, on both paths, for every split of short and
// long inputs (a frame's header piece is 17 bytes; its body is anything).
TEST(Crc32c, TwoPiecesEqualTheirConcatenation) {
  EXPECT_EQ(crc32c(view("1234"), view("56789")), 0xE3069283u);
  Random random(13);
  for (std::size_t length : {0u, 1u, 7u, 17u, 24u, 100u}) {
    Bytes data(length);
    for (auto& b : data) b = static_cast<std::uint8_t>(random.next());
    const ByteView all(data);
    for (std::size_t cut = 0; cut <= length; ++cut) {
      const ByteView first = all.first(cut);
      const ByteView second = all.subspan(cut);
      ASSERT_EQ(crc32c(first, second), crc32c(all)) << "length " << length << " cut " << cut;
      if (detail::crc32c_hardware_available()) {
        ASSERT_EQ(detail::crc32c_hardware(first, second), detail::crc32c_extend_portable(0, all))
            << "length " << length << " cut " << cut;
      }
    }
  }
}

}  // namespace
}  // namespace keel::codec
