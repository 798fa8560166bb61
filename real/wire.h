// The TCP transport's wire format. A connection carries frames one way only: the node that dials
// sends, the node that accepts receives (each pair of nodes has two connections, one per
// direction, so no connection is ever shared and no dial race needs resolving).
//
//   dialer   -> acceptor: hello (the dialer's)
//   acceptor -> dialer:   hello (the acceptor's), only if it accepted the dialer's
//   dialer   -> acceptor: { length u32 | frame }*
//   acceptor -> dialer:   { 0 u32 }*                (keep-alives; the acceptor sends nothing else)
//
// A length of 0 is a keep-alive, never a frame: it tells the other end that this one is alive
// (real/liveness_check.h). The dialer sends one only when it has had no frame to send for a
// keep-alive interval; the acceptor, which has nothing else to say, sends one every interval.
// Version 2 added keep-alives: a version 1 peer would take them for a broken stream.
//
// Hello, 33 bytes, little-endian:
//   magic u32 "KEHI" | version u8 | cluster u64 | from u64 | to u64 | crc32c u32
// The CRC covers the 29 bytes before it, so line noise is told apart from a foreign cluster.
// `to` is the node the sender meant to reach: an address that now belongs to another node is
// caught before any frame is sent to it.
//
// A frame's length prefix is checked against kMaxStreamFrameBytes before anything is allocated: a
// frame is at most a codec frame header plus codec::kMaxFrameBodyBytes (core/codec/limits.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/codec/frame.h"
#include "core/codec/limits.h"
#include "core/env/error.h"
#include "core/env/types.h"

namespace keel::real {

inline constexpr std::uint32_t kHelloMagic = 0x4948454B;  // "KEHI" in wire order
inline constexpr std::uint8_t kWireVersion = 2;
inline constexpr std::size_t kHelloBytes = 4 + 1 + 8 + 8 + 8 + 4;
inline constexpr std::size_t kLengthPrefixBytes = 4;
inline constexpr std::size_t kMaxStreamFrameBytes =
    codec::kFrameHeaderBytes + codec::kMaxFrameBodyBytes;

struct Hello {
  std::uint64_t cluster = 0;
  NodeId from = kNoNode;
  NodeId to = kNoNode;
};

Bytes encode_hello(const Hello& hello);

// Rejects (kCorrupt) a hello of the wrong size, magic, version or CRC; the message names the field.
Result<Hello> decode_hello(ByteView bytes);

// Whether this node (`self`, in `cluster`) takes a decoded hello: it must come from our cluster, be
// addressed to us, and come from a sender we expect (`sender_expected`: the acceptor expects any
// configured peer, the dialer exactly the peer it dialed). A refusal (kInvalidArgument) names both
// sides' ids.
Status check_hello(const Hello& hello, std::uint64_t cluster, NodeId self, bool sender_expected);

// The 4-byte little-endian length prefix of a frame of `length` bytes (at most
// kMaxStreamFrameBytes).
void encode_length_prefix(std::size_t length, std::uint8_t out[kLengthPrefixBytes]);
std::uint32_t decode_length_prefix(const std::uint8_t in[kLengthPrefixBytes]);

}  // namespace keel::real
