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
  ASSERT_EQ(restored.values().size(), 3u);
  EXPECT_EQ(text(restored.values()[2]), "c");
  // It goes on from the restored state: its next snapshot covers old and new values.
  restored.apply(entry(4, "d"));
  reg.apply(entry(4, "d"));
  EXPECT_EQ(restored.snapshot(), reg.snapshot());
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
}

}  // namespace
}  // namespace keel::node
