#include "core/node/client_protocol.h"

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/kv/kv_codec.h"

namespace keel::node {
namespace {

constexpr std::uint8_t kCall = 16;
constexpr std::uint8_t kAnswer = 17;
constexpr std::uint8_t kOpen = 18;
constexpr std::uint8_t kData = 19;
constexpr std::uint8_t kRenew = 20;
constexpr std::uint8_t kClose = 21;
constexpr std::uint8_t kKeepAlive = 22;
constexpr std::uint8_t kKeepAliveAnswer = 23;

}  // namespace

Bytes encode_client(const ClientMessage& message) {
  Bytes out;
  codec::Writer writer(out);
  if (const auto* call = std::get_if<ClientCall>(&message)) {
    writer.u8(kCall);
    writer.u64(call->id);
    writer.u8(static_cast<std::uint8_t>(call->mode));
    kv::encode(writer, call->request);
  } else if (const auto* answer = std::get_if<ClientAnswer>(&message)) {
    writer.u8(kAnswer);
    writer.u64(answer->id);
    kv::encode(writer, answer->result);
  } else if (const auto* open = std::get_if<WatchOpen>(&message)) {
    writer.u8(kOpen);
    writer.u64(open->stream);
    kv::encode(writer, open->request);
  } else if (const auto* data = std::get_if<WatchData>(&message)) {
    writer.u8(kData);
    writer.u64(data->stream);
    writer.u64(data->seq);
    kv::encode(writer, data->response);
  } else if (const auto* renew = std::get_if<WatchRenew>(&message)) {
    writer.u8(kRenew);
    writer.u64(renew->stream);
  } else if (const auto* closing = std::get_if<WatchClose>(&message)) {
    writer.u8(kClose);
    writer.u64(closing->stream);
  } else if (const auto* keep_alive = std::get_if<ClientKeepAlive>(&message)) {
    writer.u8(kKeepAlive);
    writer.u64(keep_alive->id);
    writer.u64(static_cast<std::uint64_t>(keep_alive->lease));
  } else {
    const auto& renewed = std::get<ClientKeepAliveAnswer>(message);
    writer.u8(kKeepAliveAnswer);
    writer.u64(renewed.id);
    encode_ttl(writer, renewed.ttl);
  }
  return out;
}

bool is_client_message(ByteView payload) {
  return !payload.empty() && payload[0] >= kCall && payload[0] <= kKeepAliveAnswer;
}

Result<ClientMessage> decode_client(ByteView payload) {
  codec::Reader reader(payload);
  ClientMessage message;
  const std::uint8_t kind = reader.u8("client.kind");
  if (!reader.ok()) {
    // Reported by finish() below.
  } else if (kind == kCall) {
    ClientCall call;
    call.id = reader.u64("client.id");
    call.mode = codec::read_enum<ReadMode>(reader, "client.mode", 2);
    kv::read(reader, call.request);
    message = std::move(call);
  } else if (kind == kAnswer) {
    ClientAnswer answer{0, kv::Response{}};
    answer.id = reader.u64("client.id");
    kv::read(reader, answer.result);
    message = std::move(answer);
  } else if (kind == kOpen) {
    WatchOpen open;
    open.stream = reader.u64("client.stream");
    kv::read(reader, open.request);
    message = std::move(open);
  } else if (kind == kData) {
    WatchData data;
    data.stream = reader.u64("client.stream");
    data.seq = reader.u64("client.seq");
    kv::read(reader, data.response);
    message = std::move(data);
  } else if (kind == kRenew) {
    message = WatchRenew{reader.u64("client.stream")};
  } else if (kind == kClose) {
    message = WatchClose{reader.u64("client.stream")};
  } else if (kind == kKeepAlive) {
    ClientKeepAlive keep_alive;
    keep_alive.id = reader.u64("client.id");
    keep_alive.lease = static_cast<kv::LeaseId>(reader.u64("client.lease"));
    message = keep_alive;
  } else if (kind == kKeepAliveAnswer) {
    ClientKeepAliveAnswer answer{0, 0};
    answer.id = reader.u64("client.id");
    answer.ttl = read_ttl(reader, "client");
    message = std::move(answer);
  } else {
    reader.fail(Errc::kCorrupt, "client.kind", "not a client message");
  }
  if (Status done = reader.finish("client message"); !done) return std::unexpected(done.error());
  return message;
}

}  // namespace keel::node
