#include "core/kv/lease_store.h"

#include <utility>

#include "core/env/assert.h"

namespace keel::kv {

const LeaseStore::Lease* LeaseStore::find(LeaseId id) const {
  auto it = leases_.find(id);
  return it == leases_.end() ? nullptr : &it->second;
}

LeaseId LeaseStore::next_id() const {
  auto id = static_cast<LeaseId>(id_counter_);
  for (auto it = leases_.lower_bound(id); it != leases_.end() && it->first == id; ++it) ++id;
  return id;
}

void LeaseStore::grant(LeaseId id, std::int64_t ttl) {
  KEEL_ASSERT(id > 0, "lease id ", id);
  const bool added = leases_.emplace(id, Lease{ttl, {}}).second;
  KEEL_ASSERT(added, "lease ", id, " granted twice");
  if (static_cast<std::uint64_t>(id) >= id_counter_)
    id_counter_ = static_cast<std::uint64_t>(id) + 1;
}

void LeaseStore::revoke(LeaseId id) {
  auto it = leases_.find(id);
  KEEL_ASSERT(it != leases_.end(), "revoke of unknown lease ", id);
  KEEL_ASSERT(it->second.keys.empty(), "lease ", id, " revoked with ", it->second.keys.size(),
              " keys attached");
  leases_.erase(it);
}

void LeaseStore::reattach(ByteView key, LeaseId from, LeaseId to) {
  if (from == to) return;
  if (from != 0) {
    auto it = leases_.find(from);
    KEEL_ASSERT(it != leases_.end(), "key ", to_string(key), " detached from unknown lease ", from);
    const auto erased = it->second.keys.erase(Bytes(key.begin(), key.end()));
    KEEL_ASSERT(erased == 1, "key ", to_string(key), " was not attached to lease ", from);
  }
  if (to != 0) {
    auto it = leases_.find(to);
    KEEL_ASSERT(it != leases_.end(), "key ", to_string(key), " attached to unknown lease ", to);
    it->second.keys.emplace(key.begin(), key.end());
  }
}

void LeaseStore::restore(std::map<LeaseId, Lease> leases, std::uint64_t id_counter) {
  leases_ = std::move(leases);
  id_counter_ = id_counter;
}

}  // namespace keel::kv
