#include "core/kv/store.h"

#include <algorithm>
#include <utility>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/kv/validate.h"

namespace keel::kv {

// The writes of one request: all at revision `revision`, the store's next (etcd's storeTxnWrite:
// the revision is raised once, at the end, and only if something changed).
struct Store::Write {
  Revision revision;
  bool changed = false;
};

namespace {

bool is_read(const Operation& op) {
  return std::holds_alternative<RangeRequest>(op) ||
         std::holds_alternative<LeaseTimeToLiveRequest>(op) ||
         std::holds_alternative<LeaseLeasesRequest>(op);
}

template <class T>
bool holds(const Compare::Op op, const T& actual, const T& expected) {
  switch (op) {
    case Compare::Op::kEqual:
      return actual == expected;
    case Compare::Op::kNotEqual:
      return actual != expected;
    case Compare::Op::kLess:
      return actual < expected;
    case Compare::Op::kGreater:
      return actual > expected;
  }
  KEEL_UNREACHABLE("compare op ", static_cast<int>(op));
}

}  // namespace

Store::Store(StoreLimits limits)
    : limits_(limits), sessions_(limits.max_sessions, limits.session_timeout_ms) {}

Result<Response> Store::apply(const Request& request, std::uint64_t index,
                              std::int64_t leader_time_ms) {
  KEEL_ASSERT(index >= applied_index_, "applying index ", index, " after index ", applied_index_);
  applied_index_ = index;
  clock_ms_ = std::max(clock_ms_, leader_time_ms);
  sessions_.expire(clock_ms_);
  if (request.client == 0) return execute(request);
  switch (sessions_.check(request.client, request.seq)) {
    case Sessions::Verdict::kInvalid:
      return fail(Errc::kInvalidArgument, str("client ", request.client, ": seq 0 is not valid"));
    case Sessions::Verdict::kStale:
      return fail(Errc::kInvalidArgument,
                  str("stale request: client ", request.client, " seq ", request.seq,
                      " is below its last seq ", sessions_.all().at(request.client).last_seq));
    case Sessions::Verdict::kUnknown:
      return fail(Errc::kNotFound, str("unknown or expired session of client ", request.client,
                                       " (seq ", request.seq, "): start a new session at seq 1"));
    case Sessions::Verdict::kReplay:
      return sessions_.reply(request.client);
    case Sessions::Verdict::kRerun:
    case Sessions::Verdict::kApply:
      break;
  }
  Result<Response> result = execute(request);
  std::optional<Result<Response>> reply;
  if (!is_read(request.op)) reply = result;
  sessions_.record(request.client, request.seq, clock_ms_, std::move(reply));
  return result;
}

std::vector<Result<Response>> Store::apply(const Batch& batch, std::uint64_t index) {
  std::vector<Result<Response>> results;
  results.reserve(batch.requests.size());
  for (const Request& request : batch.requests) {
    results.push_back(apply(request, index, batch.now_ms));
  }
  return results;
}

Result<Response> Store::execute(const Request& request) {
  if (Status valid = validate(request.op); !valid) return std::unexpected(valid.error());
  Write write{revision_ + 1};
  Result<OperationResult> result = std::visit(
      [&](const auto& op) -> Result<OperationResult> {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, PutRequest>) {
          return put(op, write);
        } else if constexpr (std::is_same_v<T, RangeRequest>) {
          return range_at(op, revision_);
        } else if constexpr (std::is_same_v<T, DeleteRangeRequest>) {
          return delete_range(op, write);
        } else if constexpr (std::is_same_v<T, TxnRequest>) {
          return txn(op, write);
        } else if constexpr (std::is_same_v<T, CompactRequest>) {
          if (Status s = compact(op); !s) return std::unexpected(s.error());
          return CompactResponse{};
        } else if constexpr (std::is_same_v<T, LeaseGrantRequest>) {
          return lease_grant(op);
        } else if constexpr (std::is_same_v<T, LeaseRevokeRequest>) {
          if (Status s = lease_revoke(op, write); !s) return std::unexpected(s.error());
          return LeaseRevokeResponse{};
        } else if constexpr (std::is_same_v<T, LeaseTimeToLiveRequest>) {
          return lease_time_to_live(op);
        } else {
          return lease_leases();
        }
      },
      request.op);
  if (write.changed) {
    KEEL_ASSERT(result.has_value(), "a request that failed wrote at revision ", write.revision);
    revision_ = write.revision;
    auto_compact();
  }
  if (!result) return std::unexpected(std::move(result.error()));
  return Response{revision_, std::move(*result)};
}

Status Store::check_put(const PutRequest& request) const {
  // etcd: "etcdserver: requested lease not found".
  if (request.lease != 0 && !leases_.contains(request.lease)) {
    return fail(Errc::kNotFound, str("requested lease not found: ", request.lease));
  }
  if ((request.ignore_value || request.ignore_lease) &&
      index_.get(request.key, revision_) == nullptr) {
    return fail(Errc::kNotFound, str("key not found: ", to_string(request.key),
                                     " (ignore_value or ignore_lease needs an existing key)"));
  }
  return {};
}

Result<PutResponse> Store::put(const PutRequest& request, Write& write) {
  if (Status s = check_put(request); !s) return std::unexpected(s.error());
  const ByteView value(request.value);
  PutResponse response;
  KeyValue prev;
  const KeyIndex::WriteOutcome outcome =
      index_.put(request.key, request.ignore_value ? nullptr : &value,
                 request.ignore_lease ? nullptr : &request.lease, write.revision,
                 request.prev_kv ? &prev : nullptr);
  leases_.reattach(request.key, outcome.old_lease, outcome.new_lease);
  if (request.prev_kv && outcome.replaced) response.prev_kv = std::move(prev);
  write.changed = true;
  return response;
}

Result<DeleteRangeResponse> Store::delete_range(const DeleteRangeRequest& request, Write& write) {
  std::vector<Bytes> keys;
  index_.scan(request.key, request.range_end, write.revision, [&](ByteView key, const auto&) {
    keys.emplace_back(key.begin(), key.end());
    return true;
  });
  DeleteRangeResponse response;
  for (const Bytes& key : keys) {
    KeyValue prev;
    const KeyIndex::WriteOutcome outcome =
        index_.remove(key, write.revision, request.prev_kv ? &prev : nullptr);
    leases_.reattach(key, outcome.old_lease, 0);
    if (request.prev_kv) response.prev_kvs.push_back(std::move(prev));
  }
  response.deleted = static_cast<std::int64_t>(keys.size());
  if (!keys.empty()) write.changed = true;
  return response;
}

Status Store::check_range_revision(Revision revision) const {
  // etcd's mvcc ErrCompacted and ErrFutureRev.
  if (revision > revision_) {
    return fail(Errc::kInvalidArgument, str("required revision ", revision,
                                            " is a future revision (current ", revision_, ")"));
  }
  if (revision < compact_revision_) {
    return fail(Errc::kNotFound,
                str("required revision ", revision, " has been compacted (compaction revision ",
                    compact_revision_, ")"));
  }
  return {};
}

Result<RangeResponse> Store::range(const RangeRequest& request) const {
  if (Status valid = validate_range(request); !valid) return std::unexpected(valid.error());
  return range_at(request, revision_);
}

Result<RangeResponse> Store::range_at(const RangeRequest& request, Revision current) const {
  Revision at = current;
  if (request.revision != 0) {
    if (Status s = check_range_revision(request.revision); !s) return std::unexpected(s.error());
    at = request.revision;
  }
  const auto max_keys = static_cast<std::size_t>(
      request.limit == 0
          ? kMaxRangeKeys
          : std::min<std::uint64_t>(static_cast<std::uint64_t>(request.limit), kMaxRangeKeys));
  RangeResponse response;
  std::size_t bytes = 0;
  index_.scan(request.key, request.range_end, at, [&](ByteView key, const auto& version) {
    ++response.count;
    if (request.count_only) return true;
    if (response.kvs.size() >= max_keys || bytes >= kMaxRangeBytes) {
      response.more = true;
      return true;  // etcd counts every key of the range
    }
    response.kvs.push_back(KeyIndex::to_key_value(key, version, !request.keys_only));
    bytes += key.size() + response.kvs.back().value.size();
    return true;
  });
  return response;
}

bool Store::compare(const Compare& compare) const {
  const KeyIndex::Version* version = index_.get(compare.key, revision_);
  if (compare.target == Compare::Target::kValue) {
    // etcd: a value compare on a missing key is false.
    if (version == nullptr) return false;
    const int c = compare_bytes(version->value.view(), compare.value);
    return holds(compare.op, c, 0);
  }
  // etcd: a missing key compares as version, revisions and lease 0.
  std::int64_t actual = 0;
  if (version != nullptr) {
    switch (compare.target) {
      case Compare::Target::kVersion:
        actual = version->version;
        break;
      case Compare::Target::kCreate:
        actual = version->create;
        break;
      case Compare::Target::kMod:
        actual = version->mod;
        break;
      case Compare::Target::kLease:
        actual = version->lease;
        break;
      case Compare::Target::kValue:
        KEEL_UNREACHABLE("value compare");
    }
  }
  return holds(compare.op, actual, compare.number);
}

Result<TxnResponse> Store::txn(const TxnRequest& request, Write& write) {
  TxnResponse response;
  response.succeeded =
      std::ranges::all_of(request.compare, [&](const Compare& c) { return compare(c); });
  const std::vector<TxnOp>& ops = response.succeeded ? request.success : request.failure;
  // Every check that depends on the state runs before the first write (etcd's checkRequests), so
  // a txn applies whole or not at all.
  for (const TxnOp& op : ops) {
    Status s;
    if (const auto* put_op = std::get_if<PutRequest>(&op)) s = check_put(*put_op);
    if (const auto* range_op = std::get_if<RangeRequest>(&op);
        range_op && range_op->revision != 0) {
      s = check_range_revision(range_op->revision);
    }
    if (!s) return std::unexpected(s.error());
  }
  for (const TxnOp& op : ops) {
    // Reads see the txn's earlier writes (etcd's storeTxnWrite.Range).
    if (const auto* put_op = std::get_if<PutRequest>(&op)) {
      Result<PutResponse> r = put(*put_op, write);
      KEEL_ASSERT(r.has_value(), "checked txn put failed: ", r.error().message);
      response.responses.emplace_back(std::move(*r));
    } else if (const auto* range_op = std::get_if<RangeRequest>(&op)) {
      Result<RangeResponse> r = range_at(*range_op, write.changed ? write.revision : revision_);
      KEEL_ASSERT(r.has_value(), "checked txn range failed: ", r.error().message);
      response.responses.emplace_back(std::move(*r));
    } else {
      Result<DeleteRangeResponse> r = delete_range(std::get<DeleteRangeRequest>(op), write);
      KEEL_ASSERT(r.has_value(), "txn delete failed: ", r.error().message);
      response.responses.emplace_back(std::move(*r));
    }
  }
  return response;
}

Status Store::compact(const CompactRequest& request) {
  // etcd's mvcc store.Compact: ErrCompacted at or below the compaction, ErrFutureRev above the
  // current revision.
  if (request.revision <= compact_revision_) {
    return fail(Errc::kInvalidArgument,
                str("required revision ", request.revision,
                    " has been compacted (compaction revision ", compact_revision_, ")"));
  }
  if (request.revision > revision_) {
    return fail(Errc::kInvalidArgument, str("required revision ", request.revision,
                                            " is a future revision (current ", revision_, ")"));
  }
  index_.compact(request.revision);
  compact_revision_ = request.revision;
  return {};
}

void Store::auto_compact() {
  const bool over_revisions = revision_ - compact_revision_ > limits_.max_history_revisions;
  const bool over_bytes = index_.history_bytes() > limits_.max_history_bytes;
  if (!over_revisions && !over_bytes) return;
  Revision target = compact_revision_;
  if (over_revisions) target = revision_ - limits_.max_history_revisions / 2;
  if (over_bytes) {
    std::uint64_t remaining = index_.history_bytes();
    Revision by_bytes = revision_;
    for (const KeyIndex::Change& change : index_.log()) {
      if (remaining <= limits_.max_history_bytes / 2) {
        by_bytes = change.revision;
        break;
      }
      remaining -= change.bytes;
    }
    target = std::max(target, by_bytes);
  }
  target = std::min(target, revision_);
  if (target <= compact_revision_) return;
  index_.compact(target);
  compact_revision_ = target;
}

Result<LeaseGrantResponse> Store::lease_grant(const LeaseGrantRequest& request) {
  // etcd's lessor.Grant: ErrLeaseTTLTooLarge, ErrLeaseExists; a TTL below the minimum is raised.
  if (request.ttl > kMaxLeaseTtlSeconds) {
    return fail(Errc::kInvalidArgument,
                str("too large lease TTL: ", request.ttl, " s, over kMaxLeaseTtlSeconds (",
                    kMaxLeaseTtlSeconds, ")"));
  }
  if (request.id < 0) return fail(Errc::kInvalidArgument, str("lease id: negative ", request.id));
  if (request.id != 0 && leases_.contains(request.id)) {
    return fail(Errc::kAlreadyExists, str("lease already exists: ", request.id));
  }
  if (leases_.size() >= limits_.max_leases) {
    return fail(Errc::kLimitExceeded,
                str("too many leases: max_leases (", limits_.max_leases, ") are granted"));
  }
  const LeaseId id = request.id != 0 ? request.id : leases_.next_id();
  const std::int64_t ttl = std::max(request.ttl, limits_.min_lease_ttl_seconds);
  leases_.grant(id, ttl);
  return LeaseGrantResponse{id, ttl};
}

Status Store::lease_revoke(const LeaseRevokeRequest& request, Write& write) {
  const LeaseStore::Lease* lease = leases_.find(request.id);
  if (lease == nullptr) {
    return fail(Errc::kNotFound, str("requested lease not found: ", request.id));
  }
  // etcd's lessor.Revoke deletes the lease's keys in one txn: one revision, in key order.
  const std::vector<Bytes> keys(lease->keys.begin(), lease->keys.end());
  for (const Bytes& key : keys) {
    const KeyIndex::WriteOutcome outcome = index_.remove(key, write.revision, nullptr);
    KEEL_ASSERT(outcome.old_lease == request.id, "key ", to_string(key), " of lease ", request.id,
                " had lease ", outcome.old_lease);
    leases_.reattach(key, outcome.old_lease, 0);
  }
  if (!keys.empty()) write.changed = true;
  leases_.revoke(request.id);
  return {};
}

Result<LeaseTimeToLiveResponse> Store::lease_time_to_live(
    const LeaseTimeToLiveRequest& request) const {
  const LeaseStore::Lease* lease = leases_.find(request.id);
  if (lease == nullptr) {
    return fail(Errc::kNotFound, str("requested lease not found: ", request.id));
  }
  LeaseTimeToLiveResponse response{request.id, lease->ttl, {}};
  if (request.keys) response.keys.assign(lease->keys.begin(), lease->keys.end());
  return response;
}

LeaseLeasesResponse Store::lease_leases() const {
  LeaseLeasesResponse response;
  for (const auto& [id, lease] : leases_.all()) response.leases.push_back(id);
  return response;
}

Result<Revision> Store::events(Revision from, Revision to, std::size_t max_events,
                               std::vector<Event>& out) const {
  if (from < compact_revision_) {
    return fail(Errc::kNotFound,
                str("required revision ", from, " has been compacted (compaction revision ",
                    compact_revision_, ")"));
  }
  const auto& log = index_.log();
  auto it = std::partition_point(log.begin(), log.end(), [&](const KeyIndex::Change& change) {
    return change.revision < from;
  });
  std::size_t added = 0;
  for (; it != log.end() && it->revision <= to; ++it) {
    if (added > 0 && added >= max_events && it->revision != std::prev(it)->revision)
      return it->revision;
    const ByteView key = it->node->first.view();
    const auto [version, before] = it->node->second.exact(it->revision);
    KEEL_ASSERT(version != nullptr, "log change at revision ", it->revision, " of key ",
                to_string(key), " has no version");
    Event event;
    if (version->tombstone()) {
      event.type = Event::Type::kDelete;
      event.kv.key.assign(key.begin(), key.end());
      event.kv.mod_revision = version->mod;
    } else {
      event.kv = KeyIndex::to_key_value(key, *version);
    }
    if (before != nullptr && !before->tombstone()) {
      event.prev_kv = KeyIndex::to_key_value(key, *before);
    }
    out.push_back(std::move(event));
    ++added;
  }
  return std::max(from, to + 1);
}

}  // namespace keel::kv
