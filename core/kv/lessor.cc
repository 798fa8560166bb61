#include "core/kv/lessor.h"

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::kv {

std::int64_t min_lease_ttl_seconds(Duration election_timeout) {
  const std::int64_t ns = election_timeout.count() * 3 / 2;
  constexpr std::int64_t kSecond = 1'000'000'000;
  return std::max<std::int64_t>(1, (ns + kSecond - 1) / kSecond);
}

void Lessor::set_deadline(LeaseId id, Entry& entry, Time deadline) {
  if (primary_) deadlines_.erase({entry.deadline, id});
  entry.deadline = deadline;
  if (primary_) deadlines_.emplace(deadline, id);
}

void Lessor::promote(const LeaseStore& leases, Time now) {
  demote();
  primary_ = true;
  leases_.clear();
  for (const auto& [id, lease] : leases.all()) granted(id, lease.ttl, now);
}

void Lessor::demote() {
  primary_ = false;
  deadlines_.clear();
}

void Lessor::granted(LeaseId id, std::int64_t ttl_seconds, Time now) {
  const Duration ttl = std::chrono::seconds(ttl_seconds);
  auto [it, added] = leases_.try_emplace(id, Entry{ttl, now + ttl});
  if (!added) {
    if (primary_) deadlines_.erase({it->second.deadline, id});
    it->second = Entry{ttl, now + ttl};
  }
  if (primary_) deadlines_.emplace(it->second.deadline, id);
}

void Lessor::revoked(LeaseId id) {
  auto it = leases_.find(id);
  if (it == leases_.end()) return;
  if (primary_) deadlines_.erase({it->second.deadline, id});
  leases_.erase(it);
}

void Lessor::sync(const LeaseStore& leases, Time now) {
  std::vector<LeaseId> gone;
  for (const auto& [id, entry] : leases_) {
    if (!leases.contains(id)) gone.push_back(id);
  }
  for (LeaseId id : gone) revoked(id);
  for (const auto& [id, lease] : leases.all()) {
    if (!leases_.contains(id)) granted(id, lease.ttl, now);
  }
}

Result<std::int64_t> Lessor::renew(LeaseId id, Time now) {
  if (!primary_) return fail(Errc::kNotLeader, "lease keep-alive must go to the leader");
  auto it = leases_.find(id);
  if (it == leases_.end()) return fail(Errc::kNotFound, str("requested lease not found: ", id));
  set_deadline(id, it->second, now + it->second.ttl);
  return std::chrono::duration_cast<std::chrono::seconds>(it->second.ttl).count();
}

std::vector<LeaseId> Lessor::expired(Time now, std::size_t max) {
  std::vector<LeaseId> ids;
  if (!primary_) return ids;
  while (ids.size() < max && !deadlines_.empty() && deadlines_.begin()->first <= now) {
    const LeaseId id = deadlines_.begin()->second;
    ids.push_back(id);
    set_deadline(id, leases_.at(id), now + config_.retry_interval);
  }
  return ids;
}

std::optional<Duration> Lessor::remaining(LeaseId id, Time now) const {
  if (!primary_) return std::nullopt;
  auto it = leases_.find(id);
  if (it == leases_.end()) return std::nullopt;
  return it->second.deadline > now ? it->second.deadline - now : Duration::zero();
}

}  // namespace keel::kv
