#include "core/node/append_register.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/codec/writer.h"

namespace keel::node {
namespace {

raft::Entry entry(raft::Index index, std::string_view value) {
  return raft::Entry{1, index, raft::EntryType::kNormal, Bytes(value.begin(), value.end())};
}

std::string text(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

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
  EXPECT_EQ(reg.snapshot(), expected);

  AppendRegister restored;
  ASSERT_TRUE(restored.restore(reg.snapshot()));
  ASSERT_EQ(restored.size(), 3u);
  EXPECT_EQ(text(restored.value(0)), "a");
  EXPECT_EQ(text(restored.value(1)), std::string(200, 'b'));
  EXPECT_EQ(text(restored.value(2)), "c");
  // It goes on from the restored state: its next snapshot covers old and new values.
  restored.apply(entry(4, "d"));
  reg.apply(entry(4, "d"));
  EXPECT_EQ(restored.snapshot(), reg.snapshot());
  ASSERT_EQ(restored.size(), 4u);
  EXPECT_EQ(text(restored.value(3)), "d");
}

TEST(AppendRegister, KeepsNoBytesOfTheEntriesItApplies) {
  AppendRegister reg;
  const raft::Entry applied = entry(1, "value");
  reg.apply(applied);
  EXPECT_EQ(applied.data.use_count(), 1u);  // the register copied the value into its image
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(text(reg.value(0)), "value");
}

TEST(AppendRegister, ARestoreReplacesEverythingAndABadSnapshotChangesNothing) {
  AppendRegister reg;
  reg.apply(entry(1, "old"));
  AppendRegister other;
  other.apply(entry(1, "new"));
  ASSERT_TRUE(reg.restore(other.snapshot()));
  EXPECT_EQ(reg.snapshot(), other.snapshot());

  Bytes truncated = other.snapshot();
  truncated.pop_back();
  EXPECT_FALSE(reg.restore(truncated));
  Bytes trailing = other.snapshot();
  trailing.push_back(0);
  EXPECT_FALSE(reg.restore(trailing));
  EXPECT_EQ(reg.snapshot(), other.snapshot());
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(text(reg.value(0)), "new");
}

}  // namespace
}  // namespace keel::node
