#include "core/node/kv_forwarding.h"

#include <algorithm>

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/str.h"
#include "core/kv/kv_codec.h"
#include "core/kv/limits.h"

namespace keel::node {
namespace {

constexpr std::uint8_t kRequest = 0;
constexpr std::uint8_t kResponse = 1;
constexpr std::uint8_t kKeepAlive = 2;
constexpr std::uint8_t kKeepAliveResponse = 3;
constexpr int kErrcCount = static_cast<int>(Errc::kUnavailable) + 1;

}  // namespace

void encode_ttl(codec::Writer& writer, const Result<std::int64_t>& ttl) {
  writer.boolean(ttl.has_value());
  if (ttl) {
    writer.u64(static_cast<std::uint64_t>(*ttl));
    return;
  }
  writer.u8(static_cast<std::uint8_t>(ttl.error().code));
  const std::string& text = ttl.error().message;
  const std::size_t length = std::min(text.size(), kv::kMaxMessageBytes);
  writer.bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), length));
}

Result<std::int64_t> read_ttl(codec::Reader& reader, std::string_view place) {
  if (reader.boolean(str(place, ".ok"))) {
    return static_cast<std::int64_t>(reader.u64(str(place, ".ttl")));
  }
  const Errc code = codec::read_enum<Errc>(reader, str(place, ".error.code"), kErrcCount);
  const ByteView text = reader.bytes(str(place, ".error.message"), kv::kMaxMessageBytes);
  return std::unexpected(Error{code, std::string(text.begin(), text.end())});
}

Bytes encode_forward(const ForwardMessage& message) {
  Bytes out;
  codec::Writer writer(out);
  if (const auto* request = std::get_if<ForwardedRequest>(&message)) {
    writer.u8(kRequest);
    writer.u64(request->id);
    writer.u8(static_cast<std::uint8_t>(request->mode));
    kv::encode(writer, request->request);
  } else if (const auto* response = std::get_if<ForwardedResponse>(&message)) {
    writer.u8(kResponse);
    writer.u64(response->id);
    kv::encode(writer, response->result);
  } else if (const auto* keep_alive = std::get_if<ForwardedKeepAlive>(&message)) {
    writer.u8(kKeepAlive);
    writer.u64(keep_alive->id);
    writer.u64(static_cast<std::uint64_t>(keep_alive->lease));
  } else {
    const auto& answer = std::get<ForwardedKeepAliveResponse>(message);
    writer.u8(kKeepAliveResponse);
    writer.u64(answer.id);
    encode_ttl(writer, answer.ttl);
  }
  return out;
}

Result<ForwardMessage> decode_forward(ByteView payload) {
  codec::Reader reader(payload);
  ForwardMessage message;
  const std::uint8_t kind = reader.u8("forward.kind");
  if (reader.ok() && kind == kRequest) {
    ForwardedRequest request;
    request.id = reader.u64("forward.id");
    request.mode = codec::read_enum<ReadMode>(reader, "forward.mode", 2);
    kv::read(reader, request.request);
    message = std::move(request);
  } else if (reader.ok() && kind == kResponse) {
    ForwardedResponse response{0, kv::Response{}};
    response.id = reader.u64("forward.id");
    kv::read(reader, response.result);
    message = std::move(response);
  } else if (reader.ok() && kind == kKeepAlive) {
    ForwardedKeepAlive keep_alive;
    keep_alive.id = reader.u64("forward.id");
    keep_alive.lease = static_cast<kv::LeaseId>(reader.u64("forward.lease"));
    message = keep_alive;
  } else if (reader.ok() && kind == kKeepAliveResponse) {
    ForwardedKeepAliveResponse answer{0, 0};
    answer.id = reader.u64("forward.id");
    answer.ttl = read_ttl(reader, "forward");
    message = std::move(answer);
  } else if (reader.ok()) {
    reader.fail(Errc::kCorrupt, "forward.kind", "not a request or a response");
  }
  if (Status done = reader.finish("forwarded message"); !done) {
    return std::unexpected(done.error());
  }
  return message;
}

}  // namespace keel::node
