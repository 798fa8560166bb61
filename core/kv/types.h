// The key-value store's data model, requests and responses (etcd v3's mvccpb and etcdserverpb, in
// plain structs): independent of any transport. kv_codec.h encodes them for Raft entries and the
// network.
//
// Ranges follow etcd's convention: `range_end` empty means the single key `key`; range_end "\0"
// (one zero byte) means every key >= `key`; otherwise the keys in [key, range_end). prefix_end()
// gives the range_end of a prefix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"

namespace keel::kv {

using Revision = std::int64_t;
using LeaseId = std::int64_t;  // 0 is "no lease" (etcd's NoLease)

struct KeyValue {
  Bytes key;
  Bytes value;
  Revision create_revision = 0;  // the revision that created the key's current generation
  Revision mod_revision = 0;     // the revision of the last change
  std::int64_t version = 0;      // changes since creation, 1 on creation; 0 for a deleted key
  LeaseId lease = 0;
  bool operator==(const KeyValue&) const = default;
};

// A change of one key (etcd's mvccpb.Event). A delete's kv has only key and mod_revision set.
struct Event {
  enum class Type : std::uint8_t { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;
  std::optional<KeyValue> prev_kv;  // the key's previous live value, when history still holds it
  bool operator==(const Event&) const = default;
};

struct RangeRequest {
  Bytes key;
  Bytes range_end;
  std::int64_t limit = 0;  // 0: no limit but the store's (kMaxRangeKeys, kMaxRangeBytes)
  Revision revision = 0;   // 0: the current revision
  bool keys_only = false;
  bool count_only = false;
  bool operator==(const RangeRequest&) const = default;
};
struct RangeResponse {
  std::vector<KeyValue> kvs;  // sorted by key
  bool more = false;          // more keys in the range than returned
  std::int64_t count = 0;     // keys in the range
  bool operator==(const RangeResponse&) const = default;
};

struct PutRequest {
  Bytes key;
  Bytes value;
  LeaseId lease = 0;
  bool prev_kv = false;
  bool ignore_value = false;  // keep the current value (the key must exist)
  bool ignore_lease = false;  // keep the current lease (the key must exist)
  bool operator==(const PutRequest&) const = default;
};
struct PutResponse {
  std::optional<KeyValue> prev_kv;
  bool operator==(const PutResponse&) const = default;
};

struct DeleteRangeRequest {
  Bytes key;
  Bytes range_end;
  bool prev_kv = false;
  bool operator==(const DeleteRangeRequest&) const = default;
};
struct DeleteRangeResponse {
  std::int64_t deleted = 0;
  std::vector<KeyValue> prev_kvs;  // sorted by key, when asked for
  bool operator==(const DeleteRangeResponse&) const = default;
};

// etcd's Compare on one key. A missing key compares as version, create, mod revision and lease 0;
// a value compare on a missing key is false (etcd's applyCompare).
struct Compare {
  enum class Target : std::uint8_t { kVersion, kCreate, kMod, kValue, kLease };
  enum class Op : std::uint8_t { kEqual, kNotEqual, kLess, kGreater };
  Target target = Target::kVersion;
  Op op = Op::kEqual;
  Bytes key;
  std::int64_t number = 0;  // version, revision or lease
  Bytes value;              // for kValue (compared as unsigned bytes)
  bool operator==(const Compare&) const = default;
};

using TxnOp = std::variant<RangeRequest, PutRequest, DeleteRangeRequest>;
using TxnOpResponse = std::variant<RangeResponse, PutResponse, DeleteRangeResponse>;

// If every compare holds, `success` runs, else `failure`; all writes share one revision.
struct TxnRequest {
  std::vector<Compare> compare;
  std::vector<TxnOp> success;
  std::vector<TxnOp> failure;
  bool operator==(const TxnRequest&) const = default;
};
struct TxnResponse {
  bool succeeded = false;
  std::vector<TxnOpResponse> responses;
  bool operator==(const TxnResponse&) const = default;
};

struct CompactRequest {
  Revision revision = 0;
  bool operator==(const CompactRequest&) const = default;
};
struct CompactResponse {
  bool operator==(const CompactResponse&) const = default;
};

struct LeaseGrantRequest {
  std::int64_t ttl = 0;  // seconds; raised to the store's minimum
  LeaseId id = 0;        // 0: the store picks one
  bool operator==(const LeaseGrantRequest&) const = default;
};
struct LeaseGrantResponse {
  LeaseId id = 0;
  std::int64_t ttl = 0;  // as granted
  bool operator==(const LeaseGrantResponse&) const = default;
};

// Revokes a lease and deletes its keys in one revision: a client's revoke, or the leader's
// decision that the lease expired (etcd's lessor proposes the same LeaseRevoke).
struct LeaseRevokeRequest {
  LeaseId id = 0;
  bool operator==(const LeaseRevokeRequest&) const = default;
};
struct LeaseRevokeResponse {
  bool operator==(const LeaseRevokeResponse&) const = default;
};

// The replicated part of a lease; the remaining TTL is the leader's Lessor's to tell.
struct LeaseTimeToLiveRequest {
  LeaseId id = 0;
  bool keys = false;
  bool operator==(const LeaseTimeToLiveRequest&) const = default;
};
struct LeaseTimeToLiveResponse {
  LeaseId id = 0;
  std::int64_t granted_ttl = 0;
  std::vector<Bytes> keys;  // sorted, when asked for
  // Seconds left before the lease expires, as the leader's Lessor counts them (etcd's TTL);
  // -1 when no leader answered (the replicated store alone does not know).
  std::int64_t ttl = -1;
  bool operator==(const LeaseTimeToLiveResponse&) const = default;
};

struct LeaseLeasesRequest {
  bool operator==(const LeaseLeasesRequest&) const = default;
};
struct LeaseLeasesResponse {
  std::vector<LeaseId> leases;  // ascending
  bool operator==(const LeaseLeasesResponse&) const = default;
};

using Operation =
    std::variant<PutRequest, RangeRequest, DeleteRangeRequest, TxnRequest, CompactRequest,
                 LeaseGrantRequest, LeaseRevokeRequest, LeaseTimeToLiveRequest, LeaseLeasesRequest>;
using OperationResult = std::variant<PutResponse, RangeResponse, DeleteRangeResponse, TxnResponse,
                                     CompactResponse, LeaseGrantResponse, LeaseRevokeResponse,
                                     LeaseTimeToLiveResponse, LeaseLeasesResponse>;

// One client request. `client` 0 means no session (no exactly-once: the leader's own lease
// revokes, tests); otherwise `seq` numbers the client's requests from 1 (see sessions.h).
struct Request {
  std::uint64_t client = 0;
  std::uint64_t seq = 0;
  Operation op;
  bool operator==(const Request&) const = default;
};

struct Response {
  Revision revision = 0;  // the store's revision after the request (etcd's header.revision)
  OperationResult result;
  bool operator==(const Response&) const = default;
};

// What one Raft entry carries: requests and the proposing leader's clock reading in milliseconds,
// the only time the state machine knows (session expiry is measured in it).
struct Batch {
  std::int64_t now_ms = 0;
  std::vector<Request> requests;
  bool operator==(const Batch&) const = default;
};

// The range_end that selects every key starting with `prefix` (etcd's clientv3.GetPrefixRangeEnd):
// the prefix with its last byte below 0xff incremented and the rest cut; "\0" if all are 0xff.
Bytes prefix_end(ByteView prefix);

// Whether `key` is in the range [begin, end) under the convention above.
bool in_range(ByteView key, ByteView begin, ByteView end);

// A watch on a key, a prefix or a range (etcd's WatchCreateRequest), from `start_revision`
// (0: changes after the current revision).
struct WatchRequest {
  Bytes key;
  Bytes range_end;
  Revision start_revision = 0;
  bool prev_kv = false;
  bool operator==(const WatchRequest&) const = default;
};

using WatchId = std::int64_t;

// What a watcher is told (etcd's WatchResponse): events in revision order, or a progress
// notification (no events: every change up to `revision` has been sent), or that it was canceled.
struct WatchResponse {
  WatchId watch_id = 0;
  Revision revision = 0;  // the last event's revision, or the progress revision
  std::vector<Event> events;
  bool canceled = false;
  std::string cancel_reason;
  Revision compact_revision = 0;  // set when canceled because history was compacted
  bool operator==(const WatchResponse&) const = default;
};

// Byte helpers for tests and callers.
Bytes to_bytes(std::string_view text);
std::string to_string(ByteView bytes);

}  // namespace keel::kv
