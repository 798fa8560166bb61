#include "sim/file_contents.h"

#include <gtest/gtest.h>

#include "core/env/random.h"

namespace keel::sim {
namespace {

constexpr std::size_t kChunk = FileContents::kChunkBytes;

Bytes pattern(std::size_t n, std::uint8_t seed) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 7);
  return out;
}

TEST(FileContents, ReadsBackWhatWasAppendedAcrossChunkBoundaries) {
  FileContents data;
  const Bytes first = pattern(kChunk - 3, 1);
  const Bytes second = pattern(2 * kChunk + 10, 2);  // fills a chunk's tail, two more, and 10
  data.append(first);
  data.append(second);
  Bytes all = first;
  all.insert(all.end(), second.begin(), second.end());
  ASSERT_EQ(data.size(), all.size());
  EXPECT_EQ(data.read(0, all.size()), all);
  EXPECT_EQ(data.read(kChunk - 5, 10), Bytes(all.begin() + kChunk - 5, all.begin() + kChunk + 5));
}

TEST(FileContents, ReadIsClampedAtTheEnd) {
  FileContents data;
  const Bytes five = pattern(5, 3);
  data.append(five);
  EXPECT_EQ(data.read(3, 100), Bytes(five.begin() + 3, five.end()));
  EXPECT_TRUE(data.read(5, 1).empty());
  EXPECT_TRUE(data.read(9, 1).empty());
  EXPECT_TRUE(FileContents().read(0, 1).empty());
}

TEST(FileContents, TruncateThenAppendOverwritesTheCutPart) {
  for (const std::uint64_t cut : {std::uint64_t{0}, std::uint64_t{kChunk},
                                  std::uint64_t{kChunk + 1}, std::uint64_t{2 * kChunk - 1}}) {
    FileContents data;
    const Bytes before = pattern(2 * kChunk + 100, 4);
    data.append(before);
    data.truncate(cut);
    ASSERT_EQ(data.size(), cut);
    const Bytes after = pattern(kChunk + 50, 9);
    data.append(after);
    Bytes expected(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(cut));
    expected.insert(expected.end(), after.begin(), after.end());
    EXPECT_EQ(data.read(0, expected.size() + 1), expected) << "cut at " << cut;
  }
}

TEST(FileContents, PrefixIsAnIndependentCopy) {
  FileContents data;
  const Bytes bytes = pattern(kChunk + 20, 5);
  data.append(bytes);
  FileContents copy = data.prefix(kChunk + 4);
  data.truncate(2);
  data.append(pattern(kChunk + 30, 6));
  EXPECT_EQ(copy.read(0, kChunk + 100), Bytes(bytes.begin(), bytes.begin() + kChunk + 4));
  EXPECT_EQ(data.prefix(0).size(), 0u);
}

// A seeded sequence of appends, truncates and reads agrees with a plain vector.
TEST(FileContents, AgreesWithAVectorUnderRandomOperations) {
  Random random(42);
  FileContents data;
  Bytes model;
  for (int step = 0; step < 2000; ++step) {
    const std::uint64_t op = random.below(10);
    if (op < 6) {
      const Bytes more = pattern(random.below(3 * kChunk / 2), static_cast<std::uint8_t>(step));
      data.append(more);
      model.insert(model.end(), more.begin(), more.end());
    } else if (op < 7) {
      const std::uint64_t cut = random.below(model.size() + 1);
      data.truncate(cut);
      model.resize(cut);
    } else {
      const std::uint64_t offset = random.below(model.size() + 2);
      const std::size_t length = random.below(2 * kChunk);
      const std::uint64_t from = std::min<std::uint64_t>(offset, model.size());
      const std::uint64_t to = std::min<std::uint64_t>(from + length, model.size());
      ASSERT_EQ(data.read(offset, length), Bytes(model.begin() + from, model.begin() + to))
          << "step " << step;
    }
    ASSERT_EQ(data.size(), model.size()) << "step " << step;
  }
}

TEST(ChunkedBytesDeathTest, RefusesToCutOrCopyPastTheEnd) {
  FileContents data;
  data.append(pattern(10, 1));
  EXPECT_DEATH(data.truncate(11), "truncate to 11 bytes, past the end at 10");
  EXPECT_DEATH(data.prefix(11), "prefix of 11 bytes, past the end at 10");
}

}  // namespace
}  // namespace keel::sim
