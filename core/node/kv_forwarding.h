// What the key-value services of two members say to each other in node frames
// (codec::encode_node_frame): a follower forwards a client request to the leader, which answers
// with the result (etcd forwards proposals to the leader the same way). Ids pair a response with
// its request on the follower; the leader treats each request like its own client's. Lease
// keep-alives travel the same way.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/kv/types.h"

namespace keel::codec {
class Reader;
class Writer;
}  // namespace keel::codec

namespace keel::node {

enum class ReadMode : std::uint8_t { kLinearizable, kSerializable };

struct ForwardedRequest {
  std::uint64_t id = 0;
  ReadMode mode = ReadMode::kLinearizable;
  kv::Request request;
};

struct ForwardedResponse {
  std::uint64_t id = 0;
  Result<kv::Response> result;
};

// A lease keep-alive (answered by the leader's Lessor alone) and its answer: the TTL in seconds.
struct ForwardedKeepAlive {
  std::uint64_t id = 0;
  kv::LeaseId lease = 0;
};

struct ForwardedKeepAliveResponse {
  std::uint64_t id = 0;
  Result<std::int64_t> ttl;
};

using ForwardMessage = std::variant<ForwardedRequest, ForwardedResponse, ForwardedKeepAlive,
                                    ForwardedKeepAliveResponse>;

// A keep-alive's answer (the TTL or the error), as both this protocol and the client protocol
// (client_protocol.h) carry it; `place` prefixes the names of the fields in decoding errors.
void encode_ttl(codec::Writer& writer, const Result<std::int64_t>& ttl);
Result<std::int64_t> read_ttl(codec::Reader& reader, std::string_view place);

Bytes encode_forward(const ForwardMessage& message);
// Fails (naming the field) unless the payload is exactly one valid message.
Result<ForwardMessage> decode_forward(ByteView payload);

}  // namespace keel::node
