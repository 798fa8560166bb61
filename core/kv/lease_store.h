// LeaseStore: the replicated part of leases (etcd's lessor state that every member holds): each
// lease's id, granted TTL and attached keys. Deadlines are not replicated: the leader's Lessor
// (lessor.h) decides expiry and proposes a LeaseRevokeRequest through Raft.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/kv/compact_bytes.h"
#include "core/kv/types.h"

namespace keel::kv {

class LeaseStore {
 public:
  struct Lease {
    std::int64_t ttl = 0;             // seconds, as granted
    std::set<Bytes, BytesLess> keys;  // attached keys, sorted
  };

  const Lease* find(LeaseId id) const;
  bool contains(LeaseId id) const { return leases_.contains(id); }
  std::size_t size() const { return leases_.size(); }
  const std::map<LeaseId, Lease>& all() const { return leases_; }

  // An id for a grant that names none: the lowest unused id at or above a counter that only grows
  // (deterministic on every member; etcd takes it from the leader's id generator instead).
  LeaseId next_id() const;
  // Adds a lease; `id` must be positive and unused.
  void grant(LeaseId id, std::int64_t ttl);
  // Removes a lease; its keys must have been deleted (detached) first.
  void revoke(LeaseId id);

  // Moves `key` from lease `from` to lease `to` (0: none); both must exist when non-zero.
  void reattach(ByteView key, LeaseId from, LeaseId to);

  std::uint64_t id_counter() const { return id_counter_; }
  // Rebuilds from a snapshot (keys are attached afterwards by reattach()).
  void restore(std::map<LeaseId, Lease> leases, std::uint64_t id_counter);

 private:
  std::map<LeaseId, Lease> leases_;
  std::uint64_t id_counter_ = 1;
};

}  // namespace keel::kv
