#include "core/codec/frame.h"

#include <iomanip>

#include "core/codec/crc32c.h"
#include "core/codec/limits.h"
#include "core/codec/raft_codec.h"
#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::codec {
namespace {

constexpr std::size_t kCrcOffset = 4 + 1 + 8 + 4;

std::string hex(std::uint64_t value) {
  return str("0x", std::hex, std::setw(8), std::setfill('0'), value);
}

// The CRC of a frame: its header up to the CRC field, then its body.
std::uint32_t frame_crc(ByteView frame) {
  return crc32c_extend(crc32c(frame.first(kCrcOffset)), frame.subspan(kFrameHeaderBytes));
}

// Starts a frame: its header with the length and CRC left to finish_frame().
void start_frame(Writer& out, std::uint32_t magic, std::uint64_t cluster) {
  out.u32(magic);
  out.u8(kFrameVersion);
  out.u64(cluster);
  out.u32(0);  // body length, filled in by finish_frame
  out.u32(0);  // crc, filled in by finish_frame
}

void finish_frame(Bytes& frame, Writer& out) {
  out.patch_u32(kCrcOffset - 4, static_cast<std::uint32_t>(frame.size() - kFrameHeaderBytes));
  out.patch_u32(kCrcOffset, frame_crc(frame));
}

// `width` bytes at `offset` (inside `bytes`), little-endian.
std::uint64_t little_endian(ByteView bytes, std::size_t offset, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value |= std::uint64_t{bytes[offset + i]} << (8 * i);
  return value;
}

// Checks a frame's header and CRC against `magic` and returns its cluster id.
Status check_header(ByteView frame, std::uint32_t expected_magic, std::uint64_t& cluster) {
  if (frame.size() < kFrameHeaderBytes) {
    return fail(Errc::kCorrupt, str("frame: ", frame.size(), " bytes, shorter than the ",
                                    kFrameHeaderBytes, "-byte header"));
  }
  // The header is all there: its fields are read in place.
  const auto magic = static_cast<std::uint32_t>(little_endian(frame, 0, 4));
  const auto version = static_cast<std::uint8_t>(little_endian(frame, 4, 1));
  cluster = little_endian(frame, 5, 8);
  const auto length = static_cast<std::uint32_t>(little_endian(frame, 13, 4));
  const auto crc = static_cast<std::uint32_t>(little_endian(frame, kCrcOffset, 4));
  if (magic != expected_magic) {
    return fail(Errc::kCorrupt, str("frame.magic: ", hex(magic), " is not ", hex(expected_magic)));
  }
  if (version != kFrameVersion) {
    return fail(Errc::kCorrupt, str("frame.version: ", int{version}, ", this build reads only ",
                                    int{kFrameVersion}));
  }
  if (length > kMaxFrameBodyBytes) {
    return fail(
        Errc::kLimitExceeded,
        str("frame.length: ", length, " bytes exceeds kMaxFrameBodyBytes ", kMaxFrameBodyBytes));
  }
  if (length != frame.size() - kFrameHeaderBytes) {
    return fail(Errc::kCorrupt, str("frame.length: says ", length, " body bytes, ",
                                    frame.size() - kFrameHeaderBytes, " arrived"));
  }
  if (const std::uint32_t actual = frame_crc(frame); actual != crc) {
    return fail(Errc::kCorrupt, str("frame.crc: stored ", hex(crc), ", computed ", hex(actual)));
  }
  return {};
}

}  // namespace

Bytes encode_frame(std::uint64_t cluster, const raft::Message& message) {
  Bytes frame;
  frame.reserve(kFrameHeaderBytes + encoded_size_bound(message));
  Writer out(frame);
  start_frame(out, kFrameMagic, cluster);
  encode(out, message);
  const std::size_t body = frame.size() - kFrameHeaderBytes;
  KEEL_ASSERT(body <= kMaxFrameBodyBytes, to_string(message.type), " message encodes to ", body,
              " bytes, over kMaxFrameBodyBytes");
  finish_frame(frame, out);
  return frame;
}

Result<Frame> decode_frame(ByteView frame) {
  Result<Frame> result(std::in_place);
  if (Status checked = check_header(frame, kFrameMagic, result->cluster); !checked) {
    return std::unexpected(checked.error());
  }
  // Straight into the result: a Message is large, and moving it is not free.
  Reader body(frame.subspan(kFrameHeaderBytes));
  read(body, result->message);
  if (Status done = body.finish("decode"); !done) {
    return fail(done.error().code, str("frame body: ", done.error().message));
  }
  return result;
}

Bytes encode_node_frame(std::uint64_t cluster, ByteView payload) {
  KEEL_ASSERT(payload.size() <= kMaxFrameBodyBytes, "node frame payload of ", payload.size(),
              " bytes is over kMaxFrameBodyBytes");
  Bytes frame;
  Writer out(frame);
  start_frame(out, kNodeFrameMagic, cluster);
  frame.insert(frame.end(), payload.begin(), payload.end());
  finish_frame(frame, out);
  return frame;
}

bool is_node_frame(ByteView frame) {
  if (frame.size() < 4) return false;
  Reader reader(frame.first(4));
  return reader.u32("frame.magic") == kNodeFrameMagic;
}

Result<NodeFrame> decode_node_frame(ByteView frame) {
  NodeFrame result;
  if (Status checked = check_header(frame, kNodeFrameMagic, result.cluster); !checked) {
    return std::unexpected(checked.error());
  }
  const ByteView payload = frame.subspan(kFrameHeaderBytes);
  result.payload.assign(payload.begin(), payload.end());
  return result;
}

}  // namespace keel::codec
