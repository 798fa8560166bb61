// What a remote client and a member's key-value service say to each other in node frames
// (codec::encode_node_frame), the binary client API that the simulator's clients speak (keeld adds
// HTTP on top of the same KvService). A client calls a request and gets its answer; it opens watch
// streams and receives their responses, numbered so that it can put them back in order and notice
// a loss over a best-effort transport (env/transport.h), much as gRPC's stream over TCP would.
//
// A watch stream lives while its client renews it: a member cancels a stream it has not heard of
// for kWatchStreamTimeout (the client's keep-alive; etcd relies on the gRPC connection instead).
// Each renewal is answered with a progress notification, so an idle client still hears its member.
//
// The kinds are numbered from 16 so a payload cannot be mistaken for a forwarded message
// (kv_forwarding.h) between members.
#pragma once

#include <cstdint>
#include <variant>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/kv/types.h"
#include "core/node/kv_forwarding.h"

namespace keel::node {

inline constexpr Duration kWatchStreamTimeout = std::chrono::seconds(10);

struct ClientCall {
  std::uint64_t id = 0;  // the client's, to pair the answer with the call
  ReadMode mode = ReadMode::kLinearizable;
  kv::Request request;
};

struct ClientAnswer {
  std::uint64_t id = 0;
  Result<kv::Response> result;
};

// Opens stream `stream` (the client's number for it) with `request`.
struct WatchOpen {
  std::uint64_t stream = 0;
  kv::WatchRequest request;
};

// The stream's `seq`-th response (from 0: the first says the stream is open, or canceled if it
// could not be). After a canceled response the stream is gone.
struct WatchData {
  std::uint64_t stream = 0;
  std::uint64_t seq = 0;
  kv::WatchResponse response;
};

// Keeps a stream alive (answered with a progress notification when the member can give one).
struct WatchRenew {
  std::uint64_t stream = 0;
};

struct WatchClose {
  std::uint64_t stream = 0;
};

// A lease keep-alive (etcd's LeaseKeepAlive; KvService::keep_alive) and its answer: the TTL in
// seconds, or kNotFound for a lease that is gone.
struct ClientKeepAlive {
  std::uint64_t id = 0;  // the client's, to pair the answer with the keep-alive
  kv::LeaseId lease = 0;
};

struct ClientKeepAliveAnswer {
  std::uint64_t id = 0;
  Result<std::int64_t> ttl;
};

using ClientMessage = std::variant<ClientCall, ClientAnswer, WatchOpen, WatchData, WatchRenew,
                                   WatchClose, ClientKeepAlive, ClientKeepAliveAnswer>;

Bytes encode_client(const ClientMessage& message);
// Whether a node frame's payload claims to be a client message (by its first byte alone).
bool is_client_message(ByteView payload);
// Fails (naming the field) unless the payload is exactly one valid message.
Result<ClientMessage> decode_client(ByteView payload);

}  // namespace keel::node
