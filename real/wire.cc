#include "real/wire.h"

#include "core/codec/crc32c.h"
#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::real {
namespace {
constexpr std::size_t kHelloCrcOffset = kHelloBytes - 4;
}  // namespace

Bytes encode_hello(const Hello& hello) {
  Bytes out;
  codec::Writer writer(out);
  writer.u32(kHelloMagic);
  writer.u8(kWireVersion);
  writer.u64(hello.cluster);
  writer.u64(hello.from);
  writer.u64(hello.to);
  writer.u32(codec::crc32c(out));
  KEEL_ASSERT(out.size() == kHelloBytes, "hello encodes to ", out.size(), " bytes");
  return out;
}

Result<Hello> decode_hello(ByteView bytes) {
  if (bytes.size() != kHelloBytes) {
    return fail(Errc::kCorrupt,
                str("hello: ", bytes.size(), " bytes, expected exactly ", kHelloBytes));
  }
  codec::Reader reader(bytes);
  const std::uint32_t magic = reader.u32("hello.magic");
  const std::uint8_t version = reader.u8("hello.version");
  Hello hello;
  hello.cluster = reader.u64("hello.cluster");
  hello.from = reader.u64("hello.from");
  hello.to = reader.u64("hello.to");
  const std::uint32_t crc = reader.u32("hello.crc");
  if (auto done = reader.finish("hello"); !done) return std::unexpected(done.error());
  if (magic != kHelloMagic) {
    return fail(Errc::kCorrupt, str("hello.magic: ", magic, " is not ", kHelloMagic,
                                    " (not a keel transport peer)"));
  }
  if (const std::uint32_t actual = codec::crc32c(bytes.first(kHelloCrcOffset)); actual != crc) {
    return fail(Errc::kCorrupt, str("hello.crc: stored ", crc, ", computed ", actual));
  }
  if (version != kWireVersion) {
    return fail(Errc::kCorrupt, str("hello.version: ", int{version}, ", this build speaks only ",
                                    int{kWireVersion}));
  }
  return hello;
}

Status check_hello(const Hello& hello, std::uint64_t cluster, NodeId self, bool sender_expected) {
  const auto ids = [&] {
    return str(" (ours: cluster ", cluster, " node ", self, "; theirs: cluster ", hello.cluster,
               " node ", hello.from, " addressed to node ", hello.to, ")");
  };
  if (hello.cluster != cluster) {
    return fail(Errc::kInvalidArgument, str("hello from another cluster", ids()));
  }
  if (hello.to != self) {
    return fail(Errc::kInvalidArgument, str("hello addressed to another node", ids()));
  }
  if (!sender_expected || hello.from == self || hello.from == kNoNode) {
    return fail(Errc::kInvalidArgument, str("hello from an unexpected node", ids()));
  }
  return {};
}

void encode_length_prefix(std::size_t length, std::uint8_t out[kLengthPrefixBytes]) {
  KEEL_ASSERT(length <= kMaxStreamFrameBytes, "frame of ", length, " bytes exceeds ",
              kMaxStreamFrameBytes);
  for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) {
    out[i] = static_cast<std::uint8_t>(length >> (8 * i));
  }
}

std::uint32_t decode_length_prefix(const std::uint8_t in[kLengthPrefixBytes]) {
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) {
    length |= static_cast<std::uint32_t>(in[i]) << (8 * i);
  }
  return length;
}

}  // namespace keel::real
