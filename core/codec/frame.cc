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

// Stores `value` little-endian at `at`.
template <class T>
void store_little_endian(std::uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof value);
}

// The little-endian T at `offset` of `bytes`, which must hold it.
template <class T>
T load_little_endian(ByteView bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// Writes a frame of at most `body_bound` body bytes from `frame` on and returns where it ends:
// write_body(std::uint8_t* body) writes the body from `body` on and returns where it ends; the
// header goes in front of it.
template <class WriteBody>
std::uint8_t* write_frame(std::uint8_t* frame, std::uint32_t magic, std::uint64_t cluster,
                          WriteBody write_body) {
  std::uint8_t* const body_end = write_body(frame + kFrameHeaderBytes);
  const auto body = static_cast<std::size_t>(body_end - frame) - kFrameHeaderBytes;
  KEEL_ASSERT(body <= kMaxFrameBodyBytes, "a frame body of ", body,
              " bytes is over kMaxFrameBodyBytes");
  store_little_endian(frame, magic);
  frame[4] = kFrameVersion;
  store_little_endian(frame + 5, cluster);
  store_little_endian(frame + kCrcOffset - 4, static_cast<std::uint32_t>(body));
  store_little_endian(frame + kCrcOffset, frame_crc(ByteView(frame, kFrameHeaderBytes + body)));
  return body_end;
}

// A frame whose bound is larger than this is written in place into its own buffer rather than
// through the sender's room (encode_frames), so the room does not grow to the size of a snapshot
// chunk. The room such a frame leaves unused is a small part of it when it is one large snapshot
// chunk or a few entries; an append of thousands of small entries (max_entries_per_message up to
// kMaxEntriesPerMessage) may leave about half of it unused, kept while a follower keeps its
// entries.
constexpr std::size_t kLargestFrameThroughRoom = 64 << 10;

// The frame write_frame() writes, with at most `body_bound` body bytes. If `room` is not null it
// is written there (`room` grows as needed) and copied into a buffer of exactly its size, so that
// a receiver that keeps it (a decoded entry slices it) keeps no unused room; else, and when it is
// larger than kLargestFrameThroughRoom, it is written in place into a buffer of its bound.
template <class WriteBody>
SharedBytes build_frame(std::size_t body_bound, std::uint32_t magic, std::uint64_t cluster,
                        Bytes* room, WriteBody write_body) {
  const std::size_t bound = kFrameHeaderBytes + body_bound;
  if (room == nullptr || bound > kLargestFrameThroughRoom) {
    return SharedBytes::build(
        bound, [&](std::uint8_t* frame) { return write_frame(frame, magic, cluster, write_body); });
  }
  if (room->size() < bound) room->resize(bound);
  std::uint8_t* const frame = room->data();
  return SharedBytes(ByteView(frame, write_frame(frame, magic, cluster, write_body)));
}

// Where a frame's encoded entries (encode_entries: their count, then each) lie in it.
struct EntriesSpan {
  std::size_t offset = 0;
  std::size_t size = 0;
};

// The frame of `message`, built through `room` (see build_frame). Its entries' bytes are copied
// from `encoded_entries` if that is not null (it must be what encode_entries writes for them),
// else encoded; `where` is set to where they lie in the frame.
SharedBytes encode_raft_frame(std::uint64_t cluster, const raft::Message& message,
                              const ByteView* encoded_entries, EntriesSpan& where, Bytes* room) {
  const std::size_t entries_bound =
      encoded_entries != nullptr ? encoded_entries->size() : encoded_size_bound(message.entries);
  const std::size_t body_bound = encoded_size_bound_outside_entries(message) + entries_bound;
  return build_frame(body_bound, kFrameMagic, cluster, room, [&](std::uint8_t* body) {
    // One room for the whole body, so no byte is appended with a capacity check
    // (bounded_writer.h).
    BoundedWriter out(body, body + body_bound);
    encode_head(out, message);
    const std::uint8_t* const frame = body - kFrameHeaderBytes;
    where.offset = static_cast<std::size_t>(out.position() - frame);
    if (encoded_entries != nullptr) {
      out.put(encoded_entries->size(),
              [&](std::uint8_t* at) { return put_raw(at, *encoded_entries); });
    } else {
      encode_entries(out, message.entries, entries_bound);
    }
    where.size = static_cast<std::size_t>(out.position() - frame) - where.offset;
    encode_tail(out, message);
    return out.position();
  });
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

SharedBytes encode_frame(std::uint64_t cluster, const raft::Message& message) {
  EntriesSpan where;
  return encode_raft_frame(cluster, message, nullptr, where, nullptr);
}

std::vector<SharedBytes> encode_frames(std::uint64_t cluster,
                                       std::span<const raft::Message> messages) {
  std::vector<SharedBytes> frames;
  Bytes room;
  encode_frames(cluster, messages, frames, room);
  return frames;
}

void encode_frames(std::uint64_t cluster, std::span<const raft::Message> messages,
                   std::vector<SharedBytes>& frames, Bytes& room) {
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
      reused = frames[source_frame].view().subspan(source_span.offset, source_span.size);
    }
    EntriesSpan where;
    frames.push_back(encode_raft_frame(cluster, message, reuse ? &reused : nullptr, where, &room));
    if (!message.entries.empty() && !reuse) {
      source = &message;
      source_frame = frames.size() - 1;
      source_span = where;
    }
  }
}

Result<Frame> decode_frame(const SharedBytes& frame) {
  // Straight into the result: a Message is large, and moving it is not free.
  Result<Frame> result(std::in_place);
  if (Status decoded = decode_frame(frame, *result); !decoded) {
    return std::unexpected(decoded.error());
  }
  return result;
}

Status decode_frame(const SharedBytes& frame, Frame& into) {
  if (Status checked = check_header(frame, kFrameMagic, into.cluster); !checked) return checked;
  Reader body(frame.view().subspan(kFrameHeaderBytes));
  read(body, into.message, frame);
  if (Status done = body.finish("decode"); !done) {
    return fail(done.error().code, str("frame body: ", done.error().message));
  }
  return {};
}

SharedBytes encode_node_frame(std::uint64_t cluster, ByteView payload) {
  KEEL_ASSERT(payload.size() <= kMaxFrameBodyBytes, "node frame payload of ", payload.size(),
              " bytes is over kMaxFrameBodyBytes");
  // Its bound is its size: written in place.
  return build_frame(payload.size(), kNodeFrameMagic, cluster, nullptr,
                     [&](std::uint8_t* body) { return put_raw(body, payload); });
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
