#include "core/node/append_register.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/codec/writer.h"

namespace keel::node {
namespace {

raft::Entry entry(raft::Index index, std::string_view value) {
  return raft::Entry{1, index, raft::EntryType::kNormal, Bytes(value.begin(), value.end())};
}

std::string text(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

// Every value of `reg`, read by its cursor.
std::vector<std::string> values_of(const AppendRegister& reg) {
  std::vector<std::string> values;
  for (auto cursor = reg.values(); !cursor.done();) values.push_back(text(cursor.next()));
  return values;
}

TEST(AppendRegister, SnapshotIsTheCountThenEachValueAndRestoresAnEqualRegister) {
  AppendRegister reg;
  reg.apply(entry(1, "a"));
  reg.apply(entry(2, std::string(200, 'b')));  // a two-byte length
  reg.apply(entry(3, "c"));
  Bytes expected;
  codec::Writer out(expected);
  out.varint(3);
  out.string("a");
  out.string(std::string(200, 'b'));
  out.string("c");
  EXPECT_EQ(reg.snapshot().flatten(), expected);

  AppendRegister restored;
  ASSERT_TRUE(restored.restore(reg.snapshot().flatten()));
  ASSERT_EQ(restored.size(), 3u);
  EXPECT_EQ(values_of(restored), (std::vector<std::string>{"a", std::string(200, 'b'), "c"}));
  // It goes on from the restored state: its next snapshot covers old and new values.
  restored.apply(entry(4, "d"));
  reg.apply(entry(4, "d"));
  EXPECT_EQ(restored.snapshot(), reg.snapshot());
  ASSERT_EQ(restored.size(), 4u);
  EXPECT_EQ(values_of(restored), (std::vector<std::string>{"a", std::string(200, 'b'), "c", "d"}));
}

TEST(AppendRegister, KeepsNoBytesOfTheEntriesItApplies) {
  AppendRegister reg;
  const raft::Entry applied = entry(1, "value");
  reg.apply(applied);
  EXPECT_EQ(applied.data.use_count(), 1u);  // the register copied the value into its image
  EXPECT_EQ(values_of(reg), std::vector<std::string>{"value"});
}

TEST(AppendRegister, ARestoreReplacesEverythingAndABadSnapshotChangesNothing) {
  AppendRegister reg;
  reg.apply(entry(1, "old"));
  AppendRegister other;
  other.apply(entry(1, "new"));
  ASSERT_TRUE(reg.restore(other.snapshot().flatten()));
  EXPECT_EQ(reg.snapshot(), other.snapshot());

  Bytes truncated = other.snapshot().flatten();
  truncated.pop_back();
  EXPECT_FALSE(reg.restore(truncated));
  Bytes trailing = other.snapshot().flatten();
  trailing.push_back(0);
  EXPECT_FALSE(reg.restore(trailing));
  EXPECT_EQ(reg.snapshot(), other.snapshot());
  EXPECT_EQ(values_of(reg), std::vector<std::string>{"new"});
}

// The encoding of `values` as a register snapshot, built value by value (the reference).
Bytes encoding_of(const std::vector<std::string>& values) {
  Bytes out;
  codec::Writer writer(out);
  writer.varint(values.size());
  for (const std::string& value : values) writer.string(value);
  return out;
}

// The open chunk is made at its full size up front: its snapshot holds the values' encoding and
// nothing of the room after it, whatever the values' lengths (an empty one is its length alone).
TEST(AppendRegister, ItsOpenChunkSnapshotsOnlyTheValuesWritten) {
  AppendRegister reg;
  const std::vector<std::string> values = {"", "x", std::string(127, 'y'), std::string(128, 'z'),
                                           ""};
  for (std::size_t i = 0; i < values.size(); ++i) reg.apply(entry(i + 1, values[i]));
  ASSERT_EQ(reg.sealed_chunks(), 0u);
  const ChunkedBytes snapshot = reg.snapshot();
  EXPECT_EQ(snapshot.flatten(), encoding_of(values));
  EXPECT_EQ(values_of(reg), values);
}

TEST(AppendRegister, SealsFullChunksAndItsSnapshotsShareThem) {
  AppendRegister reg;
  std::vector<std::string> values;
  // About 2.5 chunks of 1,000-byte values.
  for (std::size_t i = 0; values.size() * 1000 < AppendRegister::kChunkBytes * 5 / 2; ++i) {
    values.push_back(std::string(1000, static_cast<char>('a' + i % 26)));
    reg.apply(entry(i + 1, values.back()));
  }
  ASSERT_EQ(reg.sealed_chunks(), 2u);
  const ChunkedBytes first = reg.snapshot();
  EXPECT_EQ(first.flatten(), encoding_of(values));
  // The count, the two sealed chunks, the open one.
  ASSERT_EQ(first.chunks().size(), 4u);
  EXPECT_EQ(values_of(reg), values);

  values.push_back("late");
  reg.apply(entry(values.size(), values.back()));
  const ChunkedBytes second = reg.snapshot();
  EXPECT_EQ(second.flatten(), encoding_of(values));
  // The sealed chunks are the same objects in both snapshots: nothing of them was copied.
  ASSERT_EQ(second.chunks().size(), 4u);
  EXPECT_EQ(second.chunks()[1], first.chunks()[1]);
  EXPECT_EQ(second.chunks()[2], first.chunks()[2]);
  EXPECT_NE(second.chunks()[3], first.chunks()[3]);  // the open chunk is copied each time

  AppendRegister restored;
  ASSERT_TRUE(restored.restore(second.flatten()));
  EXPECT_EQ(restored.snapshot(), second);
  EXPECT_EQ(restored.sealed_chunks(), 2u);
}

TEST(AppendRegister, AValueLargerThanAChunkGetsAChunkOfItsOwn) {
  AppendRegister reg;
  const std::string big(AppendRegister::kChunkBytes + 10, 'x');
  reg.apply(entry(1, "small"));
  reg.apply(entry(2, big));
  reg.apply(entry(3, "after"));
  EXPECT_EQ(reg.sealed_chunks(), 2u);  // "small", then the big value alone
  EXPECT_EQ(values_of(reg), (std::vector<std::string>{"small", big, "after"}));
  EXPECT_EQ(reg.snapshot().flatten(), encoding_of({"small", big, "after"}));
}

// The cursor reads the values back from the chunks alone, across sealed chunks (cut where their
// last value ends), a value with a chunk of its own, empty values and the open chunk; a restored
// register reads the same.
TEST(AppendRegister, ItsCursorReadsEveryValueBackAcrossChunks) {
  AppendRegister reg;
  std::vector<std::string> values;
  auto add = [&](std::string value) {
    values.push_back(std::move(value));
    reg.apply(entry(values.size(), values.back()));
  };
  for (std::size_t i = 0; values.size() * 700 < AppendRegister::kChunkBytes * 3 / 2; ++i) {
    add(i % 5 == 0 ? std::string() : std::string(700 + i % 300, static_cast<char>('a' + i % 26)));
  }
  add(std::string(AppendRegister::kChunkBytes + 1, 'B'));
  add("");
  add("last");
  ASSERT_EQ(reg.sealed_chunks(), 3u);
  EXPECT_EQ(values_of(reg), values);

  AppendRegister restored;
  ASSERT_TRUE(restored.restore(reg.snapshot().flatten()));
  EXPECT_EQ(values_of(restored), values);
  EXPECT_TRUE(AppendRegister().values().done());
}

TEST(AppendRegisterDeathTest, ItsCursorStopsAtTheLastValue) {
  AppendRegister reg;
  reg.apply(entry(1, "only"));
  auto cursor = reg.values();
  EXPECT_EQ(text(cursor.next()), "only");
  EXPECT_TRUE(cursor.done());
  EXPECT_DEATH(cursor.next(), "read past the 1 values of a register");
}

}  // namespace
}  // namespace keel::node
