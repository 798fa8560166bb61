// The Reader's inline fast paths (reader.h) and its out-of-line varint decoder must accept and
// reject exactly what the contract says, at every varint length and at the very end of the input,
// and must stay stuck after a failure even when well-formed bytes follow.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/codec/reader.h"
#include "core/codec/writer.h"

namespace keel::codec {
namespace {

// The canonical encoding of a value that takes `length` bytes (1 to 10): all ones in each byte.
Bytes varint_of_length(std::size_t length) {
  Bytes out(length - 1, 0xFF);
  out.push_back(length == kMaxVarintBytes ? 0x01 : 0x7F);
  return out;
}

std::string error_of(const Bytes& input) {
  Reader r(input);
  r.varint("v");
  return r.ok() ? "accepted" : r.error().message;
}

TEST(CodecReaderFastPath, EveryVarintLengthIsReadAtTheEndOfTheInputAndBeforeMore) {
  for (std::size_t length = 1; length <= kMaxVarintBytes; ++length) {
    Bytes input = varint_of_length(length);
    const std::uint64_t expected =
        length == kMaxVarintBytes ? ~0ull : (std::uint64_t{1} << (7 * length)) - 1;
    {
      Reader r(input);
      EXPECT_EQ(r.varint("v"), expected) << length;
      EXPECT_TRUE(r.finish("test")) << length;
    }
    input.push_back(0x05);
    Reader r(input);
    EXPECT_EQ(r.varint("v"), expected) << length;
    EXPECT_EQ(r.u8("after"), 0x05) << length;
    EXPECT_TRUE(r.finish("test")) << length;
  }
}

// The inline paths read values of one, two and three bytes: each of them (all values below 2^21)
// and the first values past them must read back as the Writer wrote them, consuming exactly their
// encoding.
TEST(CodecReaderFastPath, EveryValueOfUpToThreeBytesReadsBack) {
  for (std::uint64_t value = 0; value < (std::uint64_t{1} << 21) + 300; ++value) {
    Bytes input;
    Writer w(input);
    w.varint(value);
    w.u8(0x2A);
    Reader r(input);
    ASSERT_EQ(r.varint("v"), value);
    ASSERT_EQ(r.u8("after"), 0x2A) << value;
    ASSERT_TRUE(r.finish("test")) << value;
  }
}

TEST(CodecReaderFastPath, EveryTruncatedVarintIsRejected) {
  for (std::size_t length = 2; length <= kMaxVarintBytes; ++length) {
    const Bytes whole = varint_of_length(length);
    for (std::size_t cut = 1; cut < length; ++cut) {
      const Bytes input(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
      EXPECT_EQ(error_of(input), "v: varint runs past the end of the input (at offset 0)")
          << length << " cut to " << cut;
    }
  }
}

TEST(CodecReaderFastPath, AZeroLastByteIsRejectedAtEveryPosition) {
  for (std::size_t zero_at = 1; zero_at < kMaxVarintBytes; ++zero_at) {
    Bytes input(zero_at, 0x80);
    input.push_back(0x00);
    input.push_back(0x01);  // more input after it changes nothing
    EXPECT_EQ(error_of(input), "v: varint is not in its shortest form (at offset 0)") << zero_at;
  }
}

TEST(CodecReaderFastPath, ATenthByteOverOneOverflows) {
  for (std::uint8_t last : {0x02, 0x7F, 0x80, 0x81, 0xFF}) {
    Bytes input(kMaxVarintBytes - 1, 0xFF);
    input.push_back(last);
    EXPECT_EQ(error_of(input), "v: varint overflows 64 bits (at offset 0)") << int{last};
  }
}

TEST(CodecReaderFastPath, AFailedReaderReadsNothingMoreThoughBytesRemain) {
  Bytes input{0x80, 0x00};  // a non-canonical varint, then well-formed bytes of every kind
  Writer w(input);
  w.varint(7);
  w.boolean(true);
  w.bytes(Bytes{1, 2, 3});
  w.varint(2);
  Reader r(input);
  r.varint("bad");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.varint("v"), 0u);
  EXPECT_FALSE(r.boolean("b"));
  EXPECT_TRUE(r.bytes("data", 10).empty());
  EXPECT_EQ(r.count("n", 10), 0u);
  EXPECT_EQ(r.u8("byte"), 0);
  EXPECT_EQ(r.offset(), 0u);
  EXPECT_EQ(r.error().message, "bad: varint is not in its shortest form (at offset 0)");
}

TEST(CodecReaderFastPath, BooleansOverOneOrPastTheEndAreRejected) {
  for (std::uint8_t bad : {0x02, 0x7F, 0x80, 0xFF}) {
    const Bytes input{bad};
    Reader r(input);
    EXPECT_FALSE(r.boolean("flag"));
    ASSERT_FALSE(r.ok()) << int{bad};
    // The offset is past the byte, as before the fast path: it was read, then found bad.
    EXPECT_EQ(r.error().message,
              "flag: boolean is " + std::to_string(int{bad}) + ", not 0 or 1 (at offset 1)");
  }
  const Bytes empty;
  Reader r(empty);
  r.boolean("flag");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "flag: needs 1 bytes, 0 left (at offset 0)");
}

TEST(CodecReaderFastPath, LengthsAndCountsUpToTheLastByte) {
  const Bytes input{3, 0xA, 0xB, 0xC};
  {
    Reader r(input);
    EXPECT_EQ(r.bytes("data", 3).size(), 3u);
    EXPECT_TRUE(r.finish("test"));
  }
  {
    Reader r(input);
    EXPECT_EQ(r.count("n", 3), 3u);  // three 1-byte elements fit
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.count("m", 3, 2), 0u);  // 0xA as a count: 10 over the limit 3
    EXPECT_EQ(r.error().code, Errc::kLimitExceeded);
  }
  const Bytes short_input{4, 0xA, 0xB, 0xC};
  {
    Reader r(short_input);
    EXPECT_TRUE(r.bytes("data", 4).empty());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kCorrupt);
  }
  {
    Reader r(short_input);
    EXPECT_EQ(r.count("n", 4), 0u);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kCorrupt);
  }
}

TEST(CodecReaderFastPath, ALengthNearTwoToThe64IsBoundedByTheInputUnderAnyLimit) {
  // offset + length wraps around to a small number: the check must not be written that way.
  Bytes input;
  Writer w(input);
  w.varint(~std::uint64_t{0} - 4);
  w.u8(1);
  w.u8(2);
  {
    Reader r(input);
    EXPECT_TRUE(r.bytes("data", SIZE_MAX).empty());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kCorrupt);
  }
  Reader r(input);
  EXPECT_EQ(r.count("n", SIZE_MAX), 0u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kCorrupt);
}

}  // namespace
}  // namespace keel::codec
