#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/codec/reader.h"
#include "core/codec/writer.h"

namespace keel::codec {
namespace {

TEST(CodecWriter, FixedWidthIsLittleEndian) {
  Bytes out;
  Writer w(out);
  w.u8(0x01);
  w.u16(0x0302);
  w.u32(0x07060504);
  w.u64(0x0F0E0D0C0B0A0908);
  EXPECT_EQ(out, (Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
  Reader r(out);
  EXPECT_EQ(r.u8("a"), 0x01);
  EXPECT_EQ(r.u16("b"), 0x0302);
  EXPECT_EQ(r.u32("c"), 0x07060504u);
  EXPECT_EQ(r.u64("d"), 0x0F0E0D0C0B0A0908u);
  EXPECT_TRUE(r.finish("test"));
}

TEST(CodecWriter, VarintLengths) {
  const std::pair<std::uint64_t, std::size_t> cases[] = {
      {0, 1}, {127, 1}, {128, 2}, {16383, 2}, {16384, 3}, {~0ull >> 1, 9}, {~0ull, 10}};
  for (auto [value, length] : cases) {
    Bytes out;
    Writer(out).varint(value);
    EXPECT_EQ(out.size(), length) << value;
    Reader r(out);
    EXPECT_EQ(r.varint("v"), value);
    EXPECT_TRUE(r.finish("test"));
  }
}

RC_GTEST_PROP(CodecReader, VarintRoundTrip, (std::uint64_t value)) {
  Bytes out;
  Writer(out).varint(value);
  Reader r(out);
  RC_ASSERT(r.varint("v") == value);
  RC_ASSERT(r.finish("test").has_value());
}

RC_GTEST_PROP(CodecReader, BytesRoundTrip, (const Bytes& data, const std::string& text)) {
  Bytes out;
  Writer w(out);
  w.bytes(data);
  w.string(text);
  Reader r(out);
  const ByteView got = r.bytes("data", data.size());
  RC_ASSERT(Bytes(got.begin(), got.end()) == data);
  const ByteView got_text = r.bytes("text", text.size());
  RC_ASSERT(std::string(got_text.begin(), got_text.end()) == text);
  RC_ASSERT(r.finish("test").has_value());
}

TEST(CodecReader, RejectsNonCanonicalAndOverlongVarints) {
  {
    const Bytes input{0x80, 0x00};
    Reader r(input);
    r.varint("term");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "term: varint is not in its shortest form (at offset 0)");
  }
  {
    Bytes eleven(10, 0xFF);
    eleven.push_back(0x01);
    Reader r(eleven);
    r.varint("index");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kCorrupt);
    EXPECT_NE(r.error().message.find("overflows 64 bits"), std::string::npos);
  }
  {
    Bytes ten(9, 0xFF);
    ten.push_back(0x02);  // bit 64
    Reader r(ten);
    r.varint("index");
    EXPECT_FALSE(r.ok());
  }
  {
    const Bytes input{0x80};
    Reader r(input);
    r.varint("commit");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("commit: varint runs past the end"), std::string::npos);
  }
}

TEST(CodecReader, FailuresAreStickyAndNameTheFirstField) {
  const Bytes input{0x05};
  Reader r(input);
  EXPECT_EQ(r.u32("first"), 0u);
  EXPECT_EQ(r.u8("second"), 0);  // the byte is there, but the reader has failed
  EXPECT_EQ(r.offset(), 0u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "first: needs 4 bytes, 1 left (at offset 0)");
  EXPECT_FALSE(r.finish("test"));
}

TEST(CodecReader, LengthPrefixPastTheInputOrTheLimitIsAnError) {
  Bytes out;
  Writer w(out);
  w.varint(1000);
  w.u8(7);
  {
    Reader r(out);
    r.bytes("Entry.data", 1u << 20);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kCorrupt);
    EXPECT_NE(r.error().message.find("Entry.data: length 1000 exceeds what the 1 bytes left"),
              std::string::npos)
        << r.error().message;
  }
  {
    Reader r(out);
    r.bytes("Entry.data", 999);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kLimitExceeded);
    EXPECT_NE(r.error().message.find("Entry.data: length 1000 exceeds the limit 999"),
              std::string::npos)
        << r.error().message;
  }
  {
    Reader r(out);
    EXPECT_EQ(r.count("Message.entries", 5000, 4), 0u);  // 1 byte left cannot hold 1000 entries
    EXPECT_FALSE(r.ok());
  }
}

TEST(CodecReader, BooleansAreZeroOrOne) {
  const Bytes input{0, 1, 2};
  Reader r(input);
  EXPECT_FALSE(r.boolean("a"));
  EXPECT_TRUE(r.boolean("b"));
  r.boolean("c");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("c: boolean is 2"), std::string::npos);
}

TEST(CodecReader, FinishRejectsTrailingBytes) {
  const Bytes input{1, 2};
  Reader r(input);
  r.u8("a");
  const Status done = r.finish("thing");
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message, "thing: 1 trailing bytes after offset 1");
}

TEST(CodecReader, RestAndSkip) {
  const Bytes input{1, 2, 3, 4};
  Reader r(input);
  r.u8("a");
  ASSERT_EQ(r.rest().size(), 3u);
  EXPECT_EQ(r.rest()[0], 2);
  r.skip(2);
  EXPECT_EQ(r.u8("b"), 4);
  EXPECT_TRUE(r.rest().empty());
  EXPECT_TRUE(r.finish("thing"));
}

TEST(CodecReader, SkippingPastTheEndIsABug) {
  const Bytes input{1, 2};
  Reader r(input);
  EXPECT_DEATH(r.skip(3), "skipping 3 bytes of the 2 left");
}

}  // namespace
}  // namespace keel::codec
