// Store: Keel's etcd-v3-like key-value state machine, applied from Raft. A pure library: no I/O,
// no clock (time comes in each Batch), deterministic: two stores that apply the same requests at
// the same indexes hold the same state and give the same answers, and their snapshots are equal
// byte for byte.
//
// The data model is etcd's MVCC: every change raises the store's revision (it starts at 1; the
// first write makes 2); each key carries create_revision, mod_revision, version and lease; all the
// writes of one request (a txn, a delete range, a lease revoke) share one revision. History since
// the compaction revision serves past reads and watches.
//
// Errors are values: bad input is refused with kInvalidArgument, a limit with kLimitExceeded
// (naming the limit), a missing lease or key with kNotFound, a compacted or future revision with
// kNotFound or kInvalidArgument ("required revision has been compacted" / "is a future
// revision", etcd's mvcc errors). A refused request changes nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/kv/key_index.h"
#include "core/kv/lease_store.h"
#include "core/kv/limits.h"
#include "core/kv/sessions.h"
#include "core/kv/types.h"

namespace keel::kv {

class Store {
 public:
  explicit Store(StoreLimits limits = {});

  // Applies one committed request of the Raft entry at `index`, proposed by a leader whose clock
  // read `leader_time_ms` (see Batch). Indexes never go down; one entry's requests share its index.
  // Client requests are answered exactly once (sessions.h).
  Result<Response> apply(const Request& request, std::uint64_t index, std::int64_t leader_time_ms);
  // Applies every request of one entry, in order.
  std::vector<Result<Response>> apply(const Batch& batch, std::uint64_t index);

  // Serializable reads, served locally without Raft: a range at the current or a past revision,
  // and the replicated part of a lease.
  Result<RangeResponse> range(const RangeRequest& request) const;
  Result<LeaseTimeToLiveResponse> lease_time_to_live(const LeaseTimeToLiveRequest& request) const;
  LeaseLeasesResponse lease_leases() const;

  Revision revision() const { return revision_; }
  Revision compact_revision() const { return compact_revision_; }
  std::uint64_t applied_index() const { return applied_index_; }
  // The largest leader time applied (see apply()): a new leader continues its stamps from here.
  std::int64_t clock_ms() const { return clock_ms_; }
  const StoreLimits& limits() const { return limits_; }
  const LeaseStore& leases() const { return leases_; }
  const Sessions& sessions() const { return sessions_; }
  std::size_t key_count() const { return index_.keys().size(); }
  std::uint64_t history_bytes() const { return index_.history_bytes(); }

  // The events with revisions in [from, to] in revision order (within a revision, in the order
  // they happened), appended to `out`. Stops after a whole revision once `max_events` are out.
  // Returns the revision to continue from. Fails if `from` is below the compaction revision
  // (the message names it).
  Result<Revision> events(Revision from, Revision to, std::size_t max_events,
                          std::vector<Event>& out) const;

  // The whole state: keys, history since compaction, leases, sessions, revisions, applied index.
  // restore() of it gives a store whose snapshot() is the same bytes. restore() checks its input
  // and leaves the store unchanged if it fails.
  Bytes snapshot() const;
  Status restore(ByteView snapshot);

 private:
  struct Write;  // one request's writes at one revision

  Result<Response> execute(const Request& request);
  Result<PutResponse> put(const PutRequest& request, Write& write);
  Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& request, Write& write);
  Result<RangeResponse> range_at(const RangeRequest& request, Revision current) const;
  Result<TxnResponse> txn(const TxnRequest& request, Write& write);
  Status compact(const CompactRequest& request);
  Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& request);
  Status lease_revoke(const LeaseRevokeRequest& request, Write& write);

  // Checks that depend on the state, before anything is written (etcd's checkRequestPut/Range).
  Status check_put(const PutRequest& request) const;
  Status check_range_revision(Revision revision) const;
  bool compare(const Compare& compare) const;
  void auto_compact();

  StoreLimits limits_;
  KeyIndex index_;
  LeaseStore leases_;
  Sessions sessions_;
  Revision revision_ = 1;
  Revision compact_revision_ = 0;
  std::uint64_t applied_index_ = 0;
  std::int64_t clock_ms_ = 0;  // the largest leader time applied
};

}  // namespace keel::kv
