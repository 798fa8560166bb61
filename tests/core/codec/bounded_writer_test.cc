// BoundedWriter (core/codec/bounded_writer.h): the same bytes as a Writer, and its two assertions
// (a value whose bound does not fit the room left, a value written past its bound).
#include "core/codec/bounded_writer.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/codec/writer.h"

namespace keel::codec {
namespace {

// Every field kind, through put_* in bounded room and through a Writer: the same bytes.
RC_GTEST_PROP(CodecBoundedWriter, WritesWhatAWriterWrites,
              (std::uint64_t number, std::uint8_t byte, bool flag, const Bytes& data)) {
  Bytes expected;
  Writer writer(expected);
  writer.varint(number);
  writer.u8(byte);
  writer.boolean(flag);
  writer.bytes(data);
  writer.raw(data);

  Bytes written;
  const std::size_t bound = 2 * kMaxVarintBytes + 2 + 2 * data.size();
  Writer(written).bounded(bound, [&](BoundedWriter& out) {
    out.put(bound, [&](std::uint8_t* at) {
      at = put_varint(at, number);
      at = put_u8(at, byte);
      at = put_boolean(at, flag);
      at = put_bytes(at, data);
      return put_raw(at, data);
    });
  });
  RC_ASSERT(written == expected);
}

// Writer::bounded appends after what the buffer held and ends the buffer where the writing did.
TEST(CodecBoundedWriter, BoundedAppendsAndTrimsTheRoom) {
  Bytes out{7, 7};
  Writer(out).bounded(3 * kMaxVarintBytes, [](BoundedWriter& room) {
    room.put(kMaxVarintBytes, [](std::uint8_t* at) { return put_varint(at, 300); });
    room.put(kMaxVarintBytes, [](std::uint8_t* at) { return put_varint(at, 1); });
  });
  EXPECT_EQ(out, (Bytes{7, 7, 0xAC, 0x02, 0x01}));
}

TEST(CodecBoundedWriter, AValueWhoseBoundExceedsTheRoomIsABug) {
  Bytes room(12);
  BoundedWriter out(room.data(), room.data() + room.size());
  out.put(kMaxVarintBytes, [](std::uint8_t* at) { return put_varint(at, 5); });  // 11 left
  EXPECT_DEATH(out.put(12, [](std::uint8_t* at) { return at; }),
               "a value of up to 12 bytes with 11 bytes of room left");
}

TEST(CodecBoundedWriter, AValueWrittenPastItsBoundIsABug) {
  Bytes room(kMaxVarintBytes);
  BoundedWriter out(room.data(), room.data() + room.size());
  // A bound of 1 for a varint that takes 2 bytes: the room holds them, the bound is wrong.
  EXPECT_DEATH(out.put(1, [](std::uint8_t* at) { return put_varint(at, 300); }),
               "a value of 2 bytes is over its bound of 1");
}

}  // namespace
}  // namespace keel::codec
