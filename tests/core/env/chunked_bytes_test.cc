#include "core/env/chunked_bytes.h"

#include <gtest/gtest.h>

#include <string_view>

namespace keel {
namespace {

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

ChunkedBytes chunked(std::initializer_list<std::string_view> parts) {
  ChunkedBytes out;
  for (std::string_view part : parts) out.append(bytes(part));
  return out;
}

TEST(ChunkedBytes, IsItsChunksInOrderAndSkipsEmptyOnes) {
  const ChunkedBytes data = chunked({"ab", "", "cde", "f"});
  EXPECT_EQ(data.size(), 6u);
  EXPECT_EQ(data.chunks().size(), 3u);
  EXPECT_EQ(data.flatten(), bytes("abcdef"));
  EXPECT_TRUE(ChunkedBytes().empty());
  EXPECT_TRUE(ChunkedBytes().chunks().empty());
}

TEST(ChunkedBytes, CopiesARangeAcrossChunks) {
  const ChunkedBytes data = chunked({"ab", "cde", "f"});
  EXPECT_EQ(data.copy(1, 3), bytes("bcd"));
  EXPECT_EQ(data.copy(2, 3), bytes("cde"));
  EXPECT_EQ(data.copy(5, 1), bytes("f"));
  EXPECT_EQ(data.copy(6, 0), Bytes());
  std::string pieces;
  data.for_each_piece(
      1, 4, [&](ByteView piece) { pieces += std::string(piece.begin(), piece.end()) + "|"; });
  EXPECT_EQ(pieces, "b|cde|");
}

TEST(ChunkedBytes, ComparesContentNotChunkBoundaries) {
  EXPECT_EQ(chunked({"ab", "cdef"}), chunked({"abc", "d", "ef"}));
  EXPECT_EQ(chunked({"abcdef"}), ChunkedBytes(bytes("abcdef")));
  EXPECT_NE(chunked({"ab", "cdef"}), chunked({"ab", "cdeg"}));
  EXPECT_NE(chunked({"ab", "cdef"}), chunked({"ab", "cde"}));
  EXPECT_EQ(ChunkedBytes(), chunked({""}));
}

TEST(ChunkedBytes, CopiesShareChunks) {
  ChunkedBytes first(bytes("shared"));
  ChunkedBytes second;
  second.append(first.chunks().front());
  second.append(bytes("!"));
  EXPECT_EQ(second.chunks().front(), first.chunks().front());
  EXPECT_EQ(first.chunks().front().use_count(), 2);
  EXPECT_EQ(second.flatten(), bytes("shared!"));
}

}  // namespace
}  // namespace keel
