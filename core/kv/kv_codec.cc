#include "core/kv/kv_codec.h"

#include <type_traits>
#include <utility>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/kv/limits.h"

namespace keel::kv {
namespace {

using codec::Reader;
using codec::Writer;

// Signed integers are zigzag varints, so small negative values stay short.
void i64(Writer& out, std::int64_t value) {
  out.varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}
std::int64_t i64(Reader& in, std::string_view field) {
  const std::uint64_t raw = in.varint(field);
  return static_cast<std::int64_t>(raw >> 1) ^ -static_cast<std::int64_t>(raw & 1);
}

void bytes(Writer& out, const Bytes& value) { out.bytes(value); }
void bytes(Reader& in, std::string_view field, std::size_t limit, Bytes& value) {
  const ByteView view = in.bytes(field, limit);
  value.assign(view.begin(), view.end());
}

// A variant is its alternative's index (one byte), then the alternative.
template <class V>
void encode_variant(Writer& out, const V& value) {
  out.u8(static_cast<std::uint8_t>(value.index()));
  std::visit([&](const auto& alternative) { encode(out, alternative); }, value);
}

template <class V, std::size_t I = 0>
void emplace_index(V& value, std::size_t index) {
  if constexpr (I < std::variant_size_v<V>) {
    if (index == I) {
      value.template emplace<I>();
      return;
    }
    emplace_index<V, I + 1>(value, index);
  }
}

template <class V>
void read_variant(Reader& in, std::string_view field, V& value) {
  const std::uint8_t index = in.u8(field);
  if (index >= std::variant_size_v<V>) {
    in.fail(Errc::kCorrupt, field,
            str("kind ", int{index}, " is not one of the ", std::variant_size_v<V>, " known"));
    return;
  }
  emplace_index(value, index);
  std::visit([&](auto& alternative) { read(in, alternative); }, value);
}

template <class T>
void encode_list(Writer& out, const std::vector<T>& items) {
  out.varint(items.size());
  for (const T& item : items) encode(out, item);
}

template <class T>
void read_list(Reader& in, std::string_view field, std::size_t limit, std::vector<T>& items) {
  const std::size_t n = in.count(field, limit);
  items.clear();
  items.reserve(n);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    read(in, items.emplace_back());
    if (!in.ok()) in.add_context(str(field, "[", i, "]"));
  }
}

}  // namespace

// --- KeyValue and Event ---------------------------------------------------------------------

void encode(Writer& out, const KeyValue& kv) {
  bytes(out, kv.key);
  bytes(out, kv.value);
  i64(out, kv.create_revision);
  i64(out, kv.mod_revision);
  i64(out, kv.version);
  i64(out, kv.lease);
}

void read(Reader& in, KeyValue& kv) {
  bytes(in, "KeyValue.key", kMaxKeyBytes, kv.key);
  bytes(in, "KeyValue.value", kMaxValueBytes, kv.value);
  kv.create_revision = i64(in, "KeyValue.create_revision");
  kv.mod_revision = i64(in, "KeyValue.mod_revision");
  kv.version = i64(in, "KeyValue.version");
  kv.lease = i64(in, "KeyValue.lease");
}

namespace {

void encode_optional(Writer& out, const std::optional<KeyValue>& kv) {
  out.boolean(kv.has_value());
  if (kv) encode(out, *kv);
}

void read_optional(Reader& in, std::string_view field, std::optional<KeyValue>& kv) {
  kv.reset();
  if (in.boolean(field)) read(in, kv.emplace());
}

constexpr int kErrcCount = static_cast<int>(Errc::kUnavailable) + 1;

}  // namespace

// The encodings of the parts of requests and responses: found by the variant and list helpers
// through argument-dependent lookup.

// --- requests ---------------------------------------------------------------------------------

void encode(Writer& out, const RangeRequest& r) {
  bytes(out, r.key);
  bytes(out, r.range_end);
  i64(out, r.limit);
  i64(out, r.revision);
  out.boolean(r.keys_only);
  out.boolean(r.count_only);
}
void read(Reader& in, RangeRequest& r) {
  bytes(in, "RangeRequest.key", kMaxKeyBytes, r.key);
  bytes(in, "RangeRequest.range_end", kMaxKeyBytes, r.range_end);
  r.limit = i64(in, "RangeRequest.limit");
  r.revision = i64(in, "RangeRequest.revision");
  r.keys_only = in.boolean("RangeRequest.keys_only");
  r.count_only = in.boolean("RangeRequest.count_only");
}

void encode(Writer& out, const PutRequest& r) {
  bytes(out, r.key);
  bytes(out, r.value);
  i64(out, r.lease);
  out.boolean(r.prev_kv);
  out.boolean(r.ignore_value);
  out.boolean(r.ignore_lease);
}
void read(Reader& in, PutRequest& r) {
  bytes(in, "PutRequest.key", kMaxKeyBytes, r.key);
  bytes(in, "PutRequest.value", kMaxValueBytes, r.value);
  r.lease = i64(in, "PutRequest.lease");
  r.prev_kv = in.boolean("PutRequest.prev_kv");
  r.ignore_value = in.boolean("PutRequest.ignore_value");
  r.ignore_lease = in.boolean("PutRequest.ignore_lease");
}

void encode(Writer& out, const DeleteRangeRequest& r) {
  bytes(out, r.key);
  bytes(out, r.range_end);
  out.boolean(r.prev_kv);
}
void read(Reader& in, DeleteRangeRequest& r) {
  bytes(in, "DeleteRangeRequest.key", kMaxKeyBytes, r.key);
  bytes(in, "DeleteRangeRequest.range_end", kMaxKeyBytes, r.range_end);
  r.prev_kv = in.boolean("DeleteRangeRequest.prev_kv");
}

void encode(Writer& out, const Compare& c) {
  out.u8(static_cast<std::uint8_t>(c.target));
  out.u8(static_cast<std::uint8_t>(c.op));
  bytes(out, c.key);
  i64(out, c.number);
  bytes(out, c.value);
}
void read(Reader& in, Compare& c) {
  c.target = read_enum<Compare::Target>(in, "Compare.target", 5);
  c.op = read_enum<Compare::Op>(in, "Compare.op", 4);
  bytes(in, "Compare.key", kMaxKeyBytes, c.key);
  c.number = i64(in, "Compare.number");
  bytes(in, "Compare.value", kMaxValueBytes, c.value);
}

void encode(Writer& out, const TxnOp& op) { encode_variant(out, op); }
void read(Reader& in, TxnOp& op) { read_variant(in, "TxnOp.kind", op); }

void encode(Writer& out, const TxnRequest& r) {
  encode_list(out, r.compare);
  encode_list(out, r.success);
  encode_list(out, r.failure);
}
void read(Reader& in, TxnRequest& r) {
  read_list(in, "TxnRequest.compare", kMaxTxnOps, r.compare);
  read_list(in, "TxnRequest.success", kMaxTxnOps, r.success);
  read_list(in, "TxnRequest.failure", kMaxTxnOps, r.failure);
}

void encode(Writer& out, const CompactRequest& r) { i64(out, r.revision); }
void read(Reader& in, CompactRequest& r) { r.revision = i64(in, "CompactRequest.revision"); }

void encode(Writer& out, const LeaseGrantRequest& r) {
  i64(out, r.ttl);
  i64(out, r.id);
}
void read(Reader& in, LeaseGrantRequest& r) {
  r.ttl = i64(in, "LeaseGrantRequest.ttl");
  r.id = i64(in, "LeaseGrantRequest.id");
}

void encode(Writer& out, const LeaseRevokeRequest& r) { i64(out, r.id); }
void read(Reader& in, LeaseRevokeRequest& r) { r.id = i64(in, "LeaseRevokeRequest.id"); }

void encode(Writer& out, const LeaseTimeToLiveRequest& r) {
  i64(out, r.id);
  out.boolean(r.keys);
}
void read(Reader& in, LeaseTimeToLiveRequest& r) {
  r.id = i64(in, "LeaseTimeToLiveRequest.id");
  r.keys = in.boolean("LeaseTimeToLiveRequest.keys");
}

void encode(Writer&, const LeaseLeasesRequest&) {}
void read(Reader&, LeaseLeasesRequest&) {}

// --- responses --------------------------------------------------------------------------------

void encode(Writer& out, const RangeResponse& r) {
  encode_list(out, r.kvs);
  out.boolean(r.more);
  i64(out, r.count);
}
void read(Reader& in, RangeResponse& r) {
  read_list(in, "RangeResponse.kvs", kMaxRangeKeys, r.kvs);
  r.more = in.boolean("RangeResponse.more");
  r.count = i64(in, "RangeResponse.count");
}

void encode(Writer& out, const PutResponse& r) { encode_optional(out, r.prev_kv); }
void read(Reader& in, PutResponse& r) { read_optional(in, "PutResponse.prev_kv", r.prev_kv); }

void encode(Writer& out, const DeleteRangeResponse& r) {
  i64(out, r.deleted);
  encode_list(out, r.prev_kvs);
}
void read(Reader& in, DeleteRangeResponse& r) {
  r.deleted = i64(in, "DeleteRangeResponse.deleted");
  read_list(in, "DeleteRangeResponse.prev_kvs", kMaxKeysCeiling, r.prev_kvs);
}

void encode(Writer& out, const TxnOpResponse& r) { encode_variant(out, r); }
void read(Reader& in, TxnOpResponse& r) { read_variant(in, "TxnOpResponse.kind", r); }

void encode(Writer& out, const TxnResponse& r) {
  out.boolean(r.succeeded);
  encode_list(out, r.responses);
}
void read(Reader& in, TxnResponse& r) {
  r.succeeded = in.boolean("TxnResponse.succeeded");
  read_list(in, "TxnResponse.responses", kMaxTxnOps, r.responses);
}

void encode(Writer&, const CompactResponse&) {}
void read(Reader&, CompactResponse&) {}

void encode(Writer& out, const LeaseGrantResponse& r) {
  i64(out, r.id);
  i64(out, r.ttl);
}
void read(Reader& in, LeaseGrantResponse& r) {
  r.id = i64(in, "LeaseGrantResponse.id");
  r.ttl = i64(in, "LeaseGrantResponse.ttl");
}

void encode(Writer&, const LeaseRevokeResponse&) {}
void read(Reader&, LeaseRevokeResponse&) {}

void encode(Writer& out, const LeaseTimeToLiveResponse& r) {
  i64(out, r.id);
  i64(out, r.granted_ttl);
  out.varint(r.keys.size());
  for (const Bytes& key : r.keys) bytes(out, key);
  i64(out, r.ttl);
}
void read(Reader& in, LeaseTimeToLiveResponse& r) {
  r.id = i64(in, "LeaseTimeToLiveResponse.id");
  r.granted_ttl = i64(in, "LeaseTimeToLiveResponse.granted_ttl");
  const std::size_t n = in.count("LeaseTimeToLiveResponse.keys", kMaxKeysCeiling);
  r.keys.assign(n, Bytes{});
  for (Bytes& key : r.keys) bytes(in, "LeaseTimeToLiveResponse.keys", kMaxKeyBytes, key);
  r.ttl = i64(in, "LeaseTimeToLiveResponse.ttl");
}

void encode(Writer& out, const LeaseLeasesResponse& r) {
  out.varint(r.leases.size());
  for (LeaseId id : r.leases) i64(out, id);
}
void read(Reader& in, LeaseLeasesResponse& r) {
  const std::size_t n = in.count("LeaseLeasesResponse.leases", kMaxLeasesCeiling);
  r.leases.assign(n, 0);
  for (LeaseId& id : r.leases) id = i64(in, "LeaseLeasesResponse.leases");
}

void encode(Writer& out, const Event& event) {
  out.u8(static_cast<std::uint8_t>(event.type));
  encode(out, event.kv);
  encode_optional(out, event.prev_kv);
}

void read(Reader& in, Event& event) {
  event.type = read_enum<Event::Type>(in, "Event.type", 2);
  read(in, event.kv);
  read_optional(in, "Event.prev_kv", event.prev_kv);
}

void encode(Writer& out, const Request& request) {
  out.varint(request.client);
  out.varint(request.seq);
  encode_variant(out, request.op);
}

void read(Reader& in, Request& request) {
  request.client = in.varint("Request.client");
  request.seq = in.varint("Request.seq");
  read_variant(in, "Request.kind", request.op);
}

void encode(Writer& out, const Result<Response>& response) {
  out.boolean(response.has_value());
  if (!response) {
    out.u8(static_cast<std::uint8_t>(response.error().code));
    const std::string& message = response.error().message;
    out.string(message.size() <= kMaxMessageBytes
                   ? std::string_view(message)
                   : std::string_view(message).substr(0, kMaxMessageBytes));
    return;
  }
  i64(out, response->revision);
  encode_variant(out, response->result);
}

void read(Reader& in, Result<Response>& response) {
  if (!in.boolean("Response.ok")) {
    const Errc code = read_enum<Errc>(in, "Response.error.code", kErrcCount);
    const ByteView message = in.bytes("Response.error.message", kMaxMessageBytes);
    response = std::unexpected(Error{code, std::string(message.begin(), message.end())});
    return;
  }
  Response value;
  value.revision = i64(in, "Response.revision");
  read_variant(in, "Response.kind", value.result);
  response = std::move(value);
}

void encode(Writer& out, const Batch& batch) {
  KEEL_ASSERT(batch.requests.size() <= kMaxBatchRequests, "batch of ", batch.requests.size(),
              " requests is over kMaxBatchRequests");
  i64(out, batch.now_ms);
  encode_list(out, batch.requests);
}

void read(Reader& in, Batch& batch) {
  batch.now_ms = i64(in, "Batch.now_ms");
  read_list(in, "Batch.requests", kMaxBatchRequests, batch.requests);
}

void encode(Writer& out, const WatchRequest& request) {
  bytes(out, request.key);
  bytes(out, request.range_end);
  i64(out, request.start_revision);
  out.boolean(request.prev_kv);
}

void read(Reader& in, WatchRequest& request) {
  bytes(in, "WatchRequest.key", kMaxKeyBytes, request.key);
  bytes(in, "WatchRequest.range_end", kMaxKeyBytes, request.range_end);
  request.start_revision = i64(in, "WatchRequest.start_revision");
  request.prev_kv = in.boolean("WatchRequest.prev_kv");
}

void encode(Writer& out, const WatchResponse& response) {
  KEEL_ASSERT(response.events.size() <= kMaxWatchEvents, "watch response of ",
              response.events.size(), " events is over kMaxWatchEvents");
  i64(out, response.watch_id);
  i64(out, response.revision);
  encode_list(out, response.events);
  out.boolean(response.canceled);
  out.string(response.cancel_reason);
  i64(out, response.compact_revision);
}

void read(Reader& in, WatchResponse& response) {
  response.watch_id = i64(in, "WatchResponse.watch_id");
  response.revision = i64(in, "WatchResponse.revision");
  read_list(in, "WatchResponse.events", kMaxWatchEvents, response.events);
  response.canceled = in.boolean("WatchResponse.canceled");
  const ByteView reason = in.bytes("WatchResponse.cancel_reason", kMaxMessageBytes);
  response.cancel_reason.assign(reason.begin(), reason.end());
  response.compact_revision = i64(in, "WatchResponse.compact_revision");
}

}  // namespace keel::kv
