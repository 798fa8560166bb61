#include "core/node/kv_forwarding.h"

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/kv/kv_codec.h"

namespace keel::node {
namespace {

constexpr std::uint8_t kRequest = 0;
constexpr std::uint8_t kResponse = 1;

}  // namespace

Bytes encode_forward(const ForwardMessage& message) {
  Bytes out;
  codec::Writer writer(out);
  if (const auto* request = std::get_if<ForwardedRequest>(&message)) {
    writer.u8(kRequest);
    writer.u64(request->id);
    writer.u8(static_cast<std::uint8_t>(request->mode));
    kv::encode(writer, request->request);
  } else {
    const auto& response = std::get<ForwardedResponse>(message);
    writer.u8(kResponse);
    writer.u64(response.id);
    kv::encode(writer, response.result);
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
  } else if (reader.ok()) {
    reader.fail(Errc::kCorrupt, "forward.kind", "not a request or a response");
  }
  if (Status done = reader.finish("forwarded message"); !done) {
    return std::unexpected(done.error());
  }
  return message;
}

}  // namespace keel::node
