// Network frames, as env::Transport carries them: a Raft frame holds one raft::Message; a node
// frame (magic "KEEN") holds an opaque payload for a service on the node (the key-value service's
// forwarded client requests and their responses). Both have the same header, CRC and limits.
//
// Layout (little-endian):
//   magic u32 "KEEL" | version u8 | cluster u64 | body length u32 | crc32c u32 | body
// The CRC covers everything but itself (header fields and body), so a flipped cluster id or length
// is caught too. The body is codec::encode(message) and at most kMaxFrameBodyBytes long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/env/error.h"
#include "core/env/shared_bytes.h"
#include "core/env/types.h"
#include "core/raft/types.h"

namespace keel::codec {

inline constexpr std::uint32_t kFrameMagic = 0x4C45454B;  // "KEEL" in file order
inline constexpr std::uint8_t kFrameVersion = 1;
inline constexpr std::size_t kFrameHeaderBytes = 4 + 1 + 8 + 4 + 4;

struct Frame {
  std::uint64_t cluster = 0;  // the sender's cluster id; the receiver drops frames not its own
  raft::Message message;
};

// Frames are encoded into the SharedBytes the transport carries (one allocation each), and decoded
// into messages whose entries' data are slices of the received frame.

// Asserts the message is within limits.h (see raft_codec.h).
SharedBytes encode_frame(std::uint64_t cluster, const raft::Message& message);

// The frames of a batch of messages (one Ready's), in order: byte for byte encode_frame() of each.
// Entries that an earlier message of the batch carried too (a leader sends the same new entries
// to each follower) are encoded once, and their bytes copied into the later frames.
std::vector<SharedBytes> encode_frames(std::uint64_t cluster,
                                       std::span<const raft::Message> messages);
// The same, into `frames` (its old contents are replaced; its capacity is kept), each frame written
// in `room` first (it grows as needed, up to a frame's bound or 64 KiB; what it holds after is
// unspecified) and copied into a buffer of exactly its size: a sender that passes the same vector
// and room for every batch allocates only the frames themselves, and a receiver that keeps a frame
// (the decoded entries of an append do, in its log) keeps no unused room.
void encode_frames(std::uint64_t cluster, std::span<const raft::Message> messages,
                   std::vector<SharedBytes>& frames, Bytes& room);

// Rejects a frame with a bad magic, version, length (short, long or over kMaxFrameBodyBytes) or
// CRC, or whose body is not exactly one valid message. The error message names the field. The
// message's entries' data are slices of `frame` (they keep its buffer alive, and copy nothing); a
// caller holding the bytes in another form converts them to SharedBytes, which copies them once.
Result<Frame> decode_frame(const SharedBytes& frame);
// The same, into `into`: every field is overwritten, and its message's vectors keep their
// capacity, so a receiver that decodes every frame into one Frame allocates less per frame. On
// an error `into` holds an unspecified mix of old and new fields.
Status decode_frame(const SharedBytes& frame, Frame& into);

inline constexpr std::uint32_t kNodeFrameMagic = 0x4E45454B;  // "KEEN" in file order

struct NodeFrame {
  std::uint64_t cluster = 0;
  Bytes payload;
};

// Asserts the payload is at most kMaxFrameBodyBytes long.
SharedBytes encode_node_frame(std::uint64_t cluster, ByteView payload);
// The CRC32C a frame's header claims, when its magic is a frame's (Raft or node) and its body
// length field equals the bytes that follow the header; nullopt otherwise. Nothing is verified:
// this is a digest of what a sender wrote (the simulator's trace hash uses it), not a check.
std::optional<std::uint32_t> claimed_frame_crc(ByteView frame);

// Whether a frame claims to be a node frame (by its magic alone; nothing else is checked).
bool is_node_frame(ByteView frame);
// Rejects a node frame with a bad magic, version, length or CRC, like decode_frame(); the payload
// is the service's to check.
Result<NodeFrame> decode_node_frame(ByteView frame);

}  // namespace keel::codec
