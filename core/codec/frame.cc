#include "core/codec/frame.h"

#include <bit>
#include <cstring>
#include <iomanip>

#include "core/codec/bounded_writer.h"
#include "core/codec/crc32c.h"
#include "core/codec/limits.h"
#include "core/codec/raft_codec.h"
#include "core/codec/reader.h"
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
  return crc32c(frame.first(kCrcOffset), frame.subspan(kFrameHeaderBytes));
}

static_assert(std::endian::native == std::endian::little,
              "header fields are stored and loaded in place as little-endian words");

// Stores `value` little-endian at `offset` of `frame`, which must hold its bytes.
template <class T>
void store_little_endian(Bytes& frame, std::size_t offset, T value) {
  std::memcpy(frame.data() + offset, &value, sizeof value);
}

// The little-endian T at `offset` of `bytes`, which must hold it.
template <class T>
T load_little_endian(ByteView bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// Starts a frame of at most `body_bound` body bytes: the header's room and the body's, zeroed;
// finish_frame() trims the body to where it ends and writes the header in front of it.
Bytes start_frame(std::size_t body_bound) { return Bytes(kFrameHeaderBytes + body_bound); }

void finish_frame(Bytes& frame, const std::uint8_t* body_end, std::uint32_t magic,
                  std::uint64_t cluster) {
  frame.resize(static_cast<std::size_t>(body_end - frame.data()));
  const std::size_t body = frame.size() - kFrameHeaderBytes;
  KEEL_ASSERT(body <= kMaxFrameBodyBytes, "a frame body of ", body,
              " bytes is over kMaxFrameBodyBytes");
  store_little_endian(frame, 0, magic);
  frame[4] = kFrameVersion;
  store_little_endian(frame, 5, cluster);
  store_little_endian(frame, kCrcOffset - 4, static_cast<std::uint32_t>(body));
  store_little_endian(frame, kCrcOffset, frame_crc(frame));
}

// Where a frame's encoded entries (encode_entries: their count, then each) lie in it.
struct EntriesSpan {
  std::size_t offset = 0;
  std::size_t size = 0;
};

// The frame of `message`. Its entries' bytes are copied from `encoded_entries` if that is not
// null (it must be what encode_entries writes for them), else encoded; `where` is set to where
// they lie in the frame.
Bytes encode_raft_frame(std::uint64_t cluster, const raft::Message& message,
                        const ByteView* encoded_entries, EntriesSpan& where) {
  const std::size_t entries_bound =
      encoded_entries != nullptr ? encoded_entries->size() : encoded_size_bound(message.entries);
  Bytes frame = start_frame(encoded_size_bound_outside_entries(message) + entries_bound);
  // One room for the whole body, so no byte is appended with a capacity check (bounded_writer.h).
  BoundedWriter out(frame.data() + kFrameHeaderBytes, frame.data() + frame.size());
  encode_head(out, message);
  where.offset = static_cast<std::size_t>(out.position() - frame.data());
  if (encoded_entries != nullptr) {
    out.put(encoded_entries->size(),
            [&](std::uint8_t* at) { return put_raw(at, *encoded_entries); });
  } else {
    encode_entries(out, message.entries);
  }
  where.size = static_cast<std::size_t>(out.position() - frame.data()) - where.offset;
  encode_tail(out, message);
  finish_frame(frame, out.position(), kFrameMagic, cluster);
  return frame;
}

// Whether `a` and `b` are the same entries, copies from one log: same places and terms, and data
// sharing the same bytes. Comparing where the data lies rather than what it holds is enough while
// both are alive (SharedBytes never change), and costs nothing per byte.
bool same_entries(std::span<const raft::Entry> a, std::span<const raft::Entry> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].index != b[i].index || a[i].term != b[i].term || a[i].type != b[i].type ||
        a[i].data.data() != b[i].data.data() || a[i].data.size() != b[i].data.size()) {
      return false;
    }
  }
  return true;
}

// Checks a frame's header and CRC against `magic` and returns its cluster id.
Status check_header(ByteView frame, std::uint32_t expected_magic, std::uint64_t& cluster) {
  if (frame.size() < kFrameHeaderBytes) {
    return fail(Errc::kCorrupt, str("frame: ", frame.size(), " bytes, shorter than the ",
                                    kFrameHeaderBytes, "-byte header"));
  }
  // The header is all there: its fields are read in place.
  const auto magic = load_little_endian<std::uint32_t>(frame, 0);
  const std::uint8_t version = frame[4];
  cluster = load_little_endian<std::uint64_t>(frame, 5);
  const auto length = load_little_endian<std::uint32_t>(frame, 13);
  const auto crc = load_little_endian<std::uint32_t>(frame, kCrcOffset);
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
  EntriesSpan where;
  return encode_raft_frame(cluster, message, nullptr, where);
}

std::vector<Bytes> encode_frames(std::uint64_t cluster, std::span<const raft::Message> messages) {
  std::vector<Bytes> frames;
  encode_frames(cluster, messages, frames);
  return frames;
}

void encode_frames(std::uint64_t cluster, std::span<const raft::Message> messages,
                   std::vector<Bytes>& frames) {
  frames.clear();
  frames.reserve(messages.size());
  // The latest message with entries whose encoding was not copied, and where that encoding is.
  const raft::Message* source = nullptr;
  std::size_t source_frame = 0;
  EntriesSpan source_span;
  for (const raft::Message& message : messages) {
    ByteView reused;
    const bool reuse = !message.entries.empty() && source != nullptr &&
                       same_entries(source->entries, message.entries);
    if (reuse) {
      reused = ByteView(frames[source_frame]).subspan(source_span.offset, source_span.size);
    }
    EntriesSpan where;
    frames.push_back(encode_raft_frame(cluster, message, reuse ? &reused : nullptr, where));
    if (!message.entries.empty() && !reuse) {
      source = &message;
      source_frame = frames.size() - 1;
      source_span = where;
    }
  }
}

Result<Frame> decode_frame(ByteView frame) {
  // Straight into the result: a Message is large, and moving it is not free.
  Result<Frame> result(std::in_place);
  if (Status decoded = decode_frame(frame, *result); !decoded) {
    return std::unexpected(decoded.error());
  }
  return result;
}

Status decode_frame(ByteView frame, Frame& into) {
  if (Status checked = check_header(frame, kFrameMagic, into.cluster); !checked) return checked;
  Reader body(frame.subspan(kFrameHeaderBytes));
  read(body, into.message);
  if (Status done = body.finish("decode"); !done) {
    return fail(done.error().code, str("frame body: ", done.error().message));
  }
  return {};
}

Bytes encode_node_frame(std::uint64_t cluster, ByteView payload) {
  KEEL_ASSERT(payload.size() <= kMaxFrameBodyBytes, "node frame payload of ", payload.size(),
              " bytes is over kMaxFrameBodyBytes");
  Bytes frame = start_frame(payload.size());
  put_raw(frame.data() + kFrameHeaderBytes, payload);
  finish_frame(frame, frame.data() + frame.size(), kNodeFrameMagic, cluster);
  return frame;
}

std::optional<std::uint32_t> claimed_frame_crc(ByteView frame) {
  if (frame.size() < kFrameHeaderBytes) return std::nullopt;
  const auto magic = load_little_endian<std::uint32_t>(frame, 0);
  const auto length = load_little_endian<std::uint32_t>(frame, kCrcOffset - 4);
  if ((magic != kFrameMagic && magic != kNodeFrameMagic) ||
      length != frame.size() - kFrameHeaderBytes) {
    return std::nullopt;
  }
  return load_little_endian<std::uint32_t>(frame, kCrcOffset);
}

bool is_node_frame(ByteView frame) {
  return frame.size() >= 4 && load_little_endian<std::uint32_t>(frame, 0) == kNodeFrameMagic;
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
