// FileContents with shared chunks (issue 3): the pieces that reference a chunk must read back as
// exactly the bytes appended, at their offsets, whatever is cut, copied or appended around them.
#include <gtest/gtest.h>

#include "core/env/chunked_bytes.h"
#include "core/env/random.h"
#include "sim/file_contents.h"

namespace keel::sim {
namespace {

constexpr std::size_t kShared = 256u << 10;  // the size of the register's chunks

ChunkedBytes::ChunkPtr chunk_of(std::size_t n, std::uint8_t seed) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 13 + i / 251);
  return std::make_shared<const ChunkedBytes::Chunk>(std::move(out));
}

Bytes slice(const ChunkedBytes::ChunkPtr& chunk, std::size_t offset, std::size_t length) {
  return Bytes(chunk->bytes.begin() + static_cast<std::ptrdiff_t>(offset),
               chunk->bytes.begin() + static_cast<std::ptrdiff_t>(offset + length));
}

TEST(FileContentsShared, ReadsBackEachRangeAtItsOffset) {
  const auto a = chunk_of(kShared, 1);
  const auto b = chunk_of(kShared, 2);
  FileContents data;
  data.append(Bytes{9, 8, 7});
  data.append(a, 100, 10'000);  // from inside a chunk
  data.append(b, 0, kShared);   // a whole chunk
  data.append(a, 5, 3);         // short: copied, not referenced
  data.append(Bytes{6});
  Bytes expected{9, 8, 7};
  for (const Bytes& part : {slice(a, 100, 10'000), slice(b, 0, kShared), slice(a, 5, 3)}) {
    expected.insert(expected.end(), part.begin(), part.end());
  }
  expected.push_back(6);
  ASSERT_EQ(data.size(), expected.size());
  EXPECT_EQ(data.read(0, expected.size()), expected);
  // A read that starts inside a shared range and ends in the next one.
  EXPECT_EQ(data.read(3 + 9'990, 20),
            Bytes(expected.begin() + 3 + 9'990, expected.begin() + 3 + 10'010));
}

TEST(FileContentsShared, TruncateInsideASharedRangeThenAppendKeepsTheCutPart) {
  const auto a = chunk_of(kShared, 3);
  FileContents data;
  data.append(a, 0, kShared);
  data.truncate(5'000);
  data.append(Bytes{1, 2, 3});
  Bytes expected = slice(a, 0, 5'000);
  expected.insert(expected.end(), {1, 2, 3});
  EXPECT_EQ(data.read(0, 1'000'000), expected);
}

TEST(FileContentsShared, PrefixCutsASharedRangeAndLeavesTheOriginalWhole) {
  const auto a = chunk_of(kShared, 4);
  FileContents data;
  data.append(Bytes{7});
  data.append(a, 10, 50'000);
  const FileContents copy = data.prefix(20'001);
  Bytes expected{7};
  const Bytes part = slice(a, 10, 20'000);
  expected.insert(expected.end(), part.begin(), part.end());
  EXPECT_EQ(copy.read(0, 1'000'000), expected);
  EXPECT_EQ(data.size(), 50'001u);
  EXPECT_EQ(data.read(20'001, 5), slice(a, 20'010, 5));
}

// A seeded sequence of owned and shared appends, truncates, prefixes and reads agrees with a
// plain vector.
TEST(FileContentsShared, AgreesWithAVectorUnderRandomOperations) {
  Random random(7);
  const std::vector<ChunkedBytes::ChunkPtr> chunks = {chunk_of(kShared, 5), chunk_of(9'000, 6)};
  FileContents data;
  Bytes model;
  for (int step = 0; step < 2000; ++step) {
    const std::uint64_t op = random.below(10);
    if (op < 3) {
      const Bytes more = slice(chunks[1], 0, random.below(9'000));
      data.append(more);
      model.insert(model.end(), more.begin(), more.end());
    } else if (op < 6) {
      const auto& chunk = chunks[random.below(chunks.size())];
      const std::size_t offset = random.below(chunk->bytes.size() + 1);
      const std::size_t length = random.below(chunk->bytes.size() - offset + 1);
      data.append(chunk, offset, length);
      const Bytes more = slice(chunk, offset, length);
      model.insert(model.end(), more.begin(), more.end());
    } else if (op < 7) {
      const std::uint64_t cut = random.below(model.size() + 1);
      data.truncate(cut);
      model.resize(cut);
    } else if (op < 8) {
      const std::uint64_t cut = random.below(model.size() + 1);
      data = data.prefix(cut);
      model.resize(cut);
    } else {
      const std::uint64_t offset = random.below(model.size() + 2);
      const std::size_t length = random.below(2 * kShared);
      const std::uint64_t from = std::min<std::uint64_t>(offset, model.size());
      const std::uint64_t to = std::min<std::uint64_t>(from + length, model.size());
      ASSERT_EQ(data.read(offset, length), Bytes(model.begin() + from, model.begin() + to))
          << "step " << step;
    }
    ASSERT_EQ(data.size(), model.size()) << "step " << step;
  }
  ASSERT_EQ(data.read(0, model.size()), model);
}

TEST(FileContentsSharedDeathTest, RefusesARangePastTheChunk) {
  const auto a = chunk_of(10, 8);
  FileContents data;
  EXPECT_DEATH(data.append(a, 4, 7), "append of 7 bytes at 4 of a chunk of 10");
}

}  // namespace
}  // namespace keel::sim
