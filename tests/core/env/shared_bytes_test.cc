#include "core/env/shared_bytes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace keel {
namespace {

TEST(SharedBytes, CopiesShareOneBufferAndOutliveTheOriginal) {
  const Bytes source{1, 2, 3};
  SharedBytes copy;
  {
    SharedBytes original(source);
    EXPECT_EQ(original.use_count(), 1u);
    copy = original;
    EXPECT_EQ(copy.data(), original.data());  // no bytes copied
    EXPECT_EQ(original.use_count(), 2u);
  }
  EXPECT_EQ(copy.use_count(), 1u);
  EXPECT_EQ(copy, SharedBytes(source));
  EXPECT_EQ(Bytes(copy.begin(), copy.end()), source);
}

TEST(SharedBytes, EmptyAllocatesNothingAndEqualsEveryEmptyOne) {
  const SharedBytes none;
  const SharedBytes from_empty(Bytes{});
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.data(), nullptr);
  EXPECT_EQ(from_empty.data(), nullptr);
  EXPECT_EQ(none.use_count(), 0u);
  EXPECT_EQ(none, from_empty);
  EXPECT_TRUE(none.view().empty());
}

TEST(SharedBytes, ComparesByContent) {
  EXPECT_EQ(SharedBytes(Bytes{7, 8}), SharedBytes(Bytes{7, 8}));
  EXPECT_NE(SharedBytes(Bytes{7, 8}), SharedBytes(Bytes{7, 9}));
  EXPECT_NE(SharedBytes(Bytes{7, 8}), SharedBytes(Bytes{7}));
  EXPECT_NE(SharedBytes(Bytes{7}), SharedBytes());
}

TEST(SharedBytes, MoveTakesTheBufferAndAssignmentReleasesTheOldOne) {
  SharedBytes a(Bytes{1});
  const SharedBytes keep = a;
  SharedBytes b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
  EXPECT_EQ(keep.use_count(), 2u);
  b = SharedBytes(Bytes{2});
  EXPECT_EQ(keep.use_count(), 1u);
  b = b;  // self-assignment keeps the bytes
  EXPECT_EQ(b, SharedBytes(Bytes{2}));
}

TEST(SharedBytes, ASliceSharesTheBufferAndKeepsItAlive) {
  SharedBytes slice;
  {
    const SharedBytes whole(Bytes{1, 2, 3, 4, 5});
    slice = whole.slice(whole.view().subspan(1, 3));
    EXPECT_EQ(slice.data(), whole.data() + 1);  // no bytes copied
    EXPECT_EQ(whole.use_count(), 2u);
    const SharedBytes inner = slice.slice(slice.view().subspan(1, 1));
    EXPECT_EQ(inner, SharedBytes(Bytes{3}));
  }
  EXPECT_EQ(slice.use_count(), 1u);
  EXPECT_EQ(slice, SharedBytes(Bytes{2, 3, 4}));
  const SharedBytes moved = std::move(slice);
  EXPECT_EQ(moved, SharedBytes(Bytes{2, 3, 4}));
  EXPECT_TRUE(slice.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
}

TEST(SharedBytes, AnEmptySliceHoldsNoBufferAndSlicesCompareByContent) {
  const SharedBytes whole(Bytes{9, 9, 8});
  const SharedBytes none = whole.slice(whole.view().first(0));
  EXPECT_EQ(none.use_count(), 0u);
  EXPECT_EQ(none.data(), nullptr);
  EXPECT_EQ(whole.slice(whole.view().first(1)), whole.slice(whole.view().subspan(1, 1)));
  EXPECT_NE(whole.slice(whole.view().first(2)), whole.slice(whole.view().last(2)));
}

TEST(SharedBytes, BuildKeepsWhatTheWriterWroteIntoItsRoom) {
  const Bytes written{4, 5, 6};
  std::uint8_t* room_seen = nullptr;
  const SharedBytes built = SharedBytes::build(10, [&](std::uint8_t* room) {
    room_seen = room;
    return std::copy(written.begin(), written.end(), room);
  });
  EXPECT_EQ(built, SharedBytes(written));
  EXPECT_EQ(built.data(), room_seen);  // built in place: nothing copied afterwards
  EXPECT_EQ(built.use_count(), 1u);
  const SharedBytes part = built.slice(built.view().subspan(1));
  EXPECT_EQ(built.use_count(), 2u);
  EXPECT_EQ(part, SharedBytes(Bytes{5, 6}));
}

TEST(SharedBytes, BuildingNothingIsEmpty) {
  EXPECT_EQ(SharedBytes::build(8, [](std::uint8_t* room) { return room; }).use_count(), 0u);
  bool called = false;
  const SharedBytes none = SharedBytes::build(0, [&](std::uint8_t* room) {
    called = true;
    return room;
  });
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(called);  // no room to write into
}

TEST(SharedBytesDeathTest, BuildingPastTheRoomIsCaught) {
  EXPECT_DEATH(SharedBytes::build(2, [](std::uint8_t* room) { return room + 3; }),
               "wrote 3 bytes into room for 2");
}

}  // namespace
}  // namespace keel
