#include "core/codec/crc32c_combine.h"

#include <gtest/gtest.h>

#include "core/codec/crc32c.h"
#include "core/env/random.h"

namespace keel::codec {
namespace {

Bytes random_bytes(Random& random, std::size_t n) {
  Bytes b(n);
  for (auto& byte : b) byte = static_cast<std::uint8_t>(random.next());
  return b;
}

TEST(Crc32cCombine, EqualsTheCrcOfTheJoinedBytesForAnySplit) {
  Random random(7);
  const Bytes data = random_bytes(random, 5000);
  const ByteView all(data);
  for (std::size_t split : {0u, 1u, 7u, 8u, 1000u, 4096u, 4999u, 5000u}) {
    const std::uint32_t joined =
        crc32c_combine(crc32c(all.first(split)), crc32c(all.subspan(split)), data.size() - split);
    EXPECT_EQ(joined, crc32c(all)) << "split at " << split;
  }
}

TEST(Crc32cCombine, ChainsOverManyPieces) {
  Random random(8);
  const Bytes data = random_bytes(random, 70000);
  std::uint32_t crc = 0;
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t length = std::min<std::size_t>(1 + random.below(9000), data.size() - at);
    crc = crc32c_combine(crc, crc32c(ByteView(data).subspan(at, length)), length);
    at += length;
  }
  EXPECT_EQ(crc, crc32c(data));
}

TEST(Crc32cCombine, AWrongLengthOrAWrongPartGivesAnotherCrc) {
  Random random(9);
  const Bytes a = random_bytes(random, 100);
  const Bytes b = random_bytes(random, 300);
  Bytes joined = a;
  joined.insert(joined.end(), b.begin(), b.end());
  EXPECT_NE(crc32c_combine(crc32c(a), crc32c(b), 299), crc32c(joined));
  EXPECT_NE(crc32c_combine(crc32c(b), crc32c(a), a.size()), crc32c(joined));  // order matters
  EXPECT_EQ(crc32c_combine(crc32c(a), crc32c(b), b.size()), crc32c(joined));
}

}  // namespace
}  // namespace keel::codec
