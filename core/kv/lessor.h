// Lessor: the leader-side half of leases (etcd's lessor primary role). Pure: time comes in as
// readings of the leader's monotonic clock (keel::Time), never compared across machines.
//
// Expiry is decided here and applied through Raft: the node asks expired(now) for leases past
// their deadline and proposes a LeaseRevokeRequest for each; the store deletes the keys when the
// entry is applied, on every member alike. Keep-alives are the leader's alone (etcd's LeaseRenew is
// not replicated): renew(id, now) pushes the deadline to now + TTL.
//
// Only a primary (leader) lessor has deadlines. promote(now) on becoming leader gives EVERY lease
// now + its TTL before any can expire, so no lease dies because the leader changed (etcd's
// lessor.Promote); demote() on losing leadership forgets the deadlines.
//
// The node keeps the lessor's set of leases equal to the store's: granted() after applying a grant,
// revoked() after applying a revoke, sync() after restoring a snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/kv/lease_store.h"
#include "core/kv/types.h"

namespace keel::kv {

// etcd's minLeaseTTL: 1.5 election timeouts, rounded up to whole seconds, so that a lease outlives
// the election that follows a leader's failure.
std::int64_t min_lease_ttl_seconds(Duration election_timeout);

struct LessorConfig {
  // After expired() returns a lease, its next deadline is this far away, so that a revoke proposal
  // that gets lost is proposed again later (etcd's expiredLeaseRetryInterval).
  Duration retry_interval = std::chrono::seconds(3);
};

class Lessor {
 public:
  explicit Lessor(LessorConfig config = {}) : config_(config) {}

  bool primary() const { return primary_; }
  // Becomes primary: every lease of `leases` (the store's) expires at now + its TTL.
  void promote(const LeaseStore& leases, Time now);
  // Stops being primary: no deadlines.
  void demote();

  // The store granted a lease (TTL in seconds, as granted): it expires at now + TTL if primary.
  void granted(LeaseId id, std::int64_t ttl_seconds, Time now);
  // The store revoked a lease.
  void revoked(LeaseId id);
  // Makes the set of leases the store's (after a snapshot restore): new ones get now + TTL.
  void sync(const LeaseStore& leases, Time now);

  // A keep-alive: the lease's deadline becomes now + TTL. Returns the TTL in seconds; fails with
  // kNotLeader unless primary, kNotFound for an unknown lease.
  Result<std::int64_t> renew(LeaseId id, Time now);
  // Up to `max` leases whose deadline is at or before `now`, earliest first (ties by id); each gets
  // a new deadline now + retry_interval.
  std::vector<LeaseId> expired(Time now, std::size_t max);
  // Time left on a lease, when primary and known (zero once past the deadline).
  std::optional<Duration> remaining(LeaseId id, Time now) const;

  std::size_t size() const { return leases_.size(); }

 private:
  struct Entry {
    Duration ttl;
    Time deadline;  // meaningful only when primary
  };
  void set_deadline(LeaseId id, Entry& entry, Time deadline);

  LessorConfig config_;
  bool primary_ = false;
  std::map<LeaseId, Entry> leases_;
  std::set<std::pair<Time, LeaseId>> deadlines_;  // only when primary
};

}  // namespace keel::kv
