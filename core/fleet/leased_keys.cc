#include "core/fleet/leased_keys.h"

#include "core/env/assert.h"

namespace keel::fleet {

LeasedKeys::LeasedKeys(Env& env, client::StoreClient& store, Duration retry)
    : env_(env), store_(store), retry_(retry) {}

LeasedKeys::~LeasedKeys() {
  *alive_ = false;
  for (const auto& [key, entry] : entries_) {
    if (entry.retry_timer != 0) env_.clock.cancel(entry.retry_timer);
  }
}

void LeasedKeys::set(const std::string& key, std::string value) {
  wish(key, std::move(value));
  kick(key);
}

void LeasedKeys::erase(const std::string& key) {
  if (!entries_.contains(key)) return;  // not owned: under a lease it cannot exist
  wish(key, std::nullopt);
  kick(key);
}

void LeasedKeys::set_guarded(const std::string& key, std::string value, WriteGuard guard,
                             GuardedDone done) {
  KEEL_ASSERT(done != nullptr, "a guarded put of ", key, " needs a completion");
  Entry& entry = wish(key, std::move(value));
  entry.guard = std::move(guard);
  entry.done = std::move(done);
  entry.guarded_wish = ++guarded_wishes_;
  kick(key);
}

// Records the latest wish; a guarded put it replaces is canceled (its completion never runs).
LeasedKeys::Entry& LeasedKeys::wish(const std::string& key, std::optional<std::string> value) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    KEEL_ASSERT(entries_.size() < kMaxLeasedKeys, "more than ", kMaxLeasedKeys,
                " leased keys on one machine");
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& entry = it->second;
  entry.wanted = std::move(value);
  entry.guard.reset();
  entry.done = nullptr;
  entry.guarded_wish = 0;
  return entry;
}

void LeasedKeys::attach(kv::LeaseId lease) {
  KEEL_ASSERT(lease != 0, "attach needs a lease");
  lease_ = lease;
  std::vector<std::string> keys;
  for (auto& [key, entry] : entries_) {
    entry.written.reset();  // the old lease took its keys with it
    keys.push_back(key);
  }
  for (const std::string& key : keys) kick(key);
}

void LeasedKeys::detach() { lease_ = 0; }

bool LeasedKeys::settled() const {
  for (const auto& [key, entry] : entries_) {
    if (entry.in_flight || entry.guard || entry.wanted != entry.written) return false;
  }
  return true;
}

void LeasedKeys::kick(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  if (!entry.guard && entry.wanted == entry.written) {
    if (!entry.wanted && !entry.in_flight && entry.retry_timer == 0) entries_.erase(it);
    return;
  }
  if (lease_ == 0 || lease_ == entry.gone_lease || entry.in_flight || entry.retry_timer != 0) {
    return;
  }
  entry.in_flight = true;
  const Sent sent{lease_, entry.wanted, entry.guarded_wish};
  kv::Operation op;
  if (entry.guard) {
    // Put only while the guard key is as the caller saw it (etcd's Txn If mod(key) = rev).
    kv::Compare unchanged{kv::Compare::Target::kMod,
                          kv::Compare::Op::kEqual,
                          kv::to_bytes(entry.guard->key),
                          entry.guard->mod_revision,
                          {}};
    op = kv::TxnRequest{{std::move(unchanged)},
                        {kv::PutRequest{kv::to_bytes(key), kv::to_bytes(*sent.value), sent.lease}},
                        {}};
    ++stats_.puts;
  } else if (sent.value) {
    op = kv::PutRequest{kv::to_bytes(key), kv::to_bytes(*sent.value), sent.lease};
    ++stats_.puts;
  } else {
    op = kv::DeleteRangeRequest{kv::to_bytes(key), {}};
    ++stats_.deletes;
  }
  store_.call(std::move(op), [this, alive = alive_, key, sent](Result<kv::Response> result) {
    if (*alive) finished(key, sent, result);
  });
}

void LeasedKeys::finished(const std::string& key, const Sent& sent,
                          const Result<kv::Response>& result) {
  auto it = entries_.find(key);
  KEEL_ASSERT(it != entries_.end() && it->second.in_flight, "a write ended for key ", key,
              " that has none in flight");
  Entry& entry = it->second;
  entry.in_flight = false;
  if (!result) {
    ++stats_.failed;
    if (result.error().code == Errc::kNotFound) {
      entry.gone_lease = sent.lease;  // written again only under another lease
      kick(key);
      return;
    }
    entry.retry_timer = env_.clock.after(retry_, [this, alive = alive_, key] {
      if (!*alive) return;
      auto retried = entries_.find(key);
      KEEL_ASSERT(retried != entries_.end(), "a retry timer outlived its key ", key);
      retried->second.retry_timer = 0;
      kick(key);
    });
    return;
  }
  const auto* txn = std::get_if<kv::TxnResponse>(&result->result);
  const bool refused = txn != nullptr && !txn->succeeded;
  KEEL_ASSERT(!refused || sent.guarded_wish != 0, "an unguarded write of ", key, " was refused");
  if (refused) ++stats_.refused;
  if (!refused && sent.lease == lease_) entry.written = sent.value;
  // The guarded put still wished (not replaced meanwhile) ends, unless it must be sent again
  // under the current lease.
  GuardedDone done;
  GuardedOutcome outcome = GuardedOutcome::kWritten;
  if (sent.guarded_wish != 0 && sent.guarded_wish == entry.guarded_wish &&
      (refused || sent.lease == lease_)) {
    outcome = refused ? GuardedOutcome::kRefused : GuardedOutcome::kWritten;
    if (refused) entry.wanted = entry.written;  // dropped: the store keeps what it held
    done = std::move(entry.done);
    entry.guard.reset();
    entry.done = nullptr;
    entry.guarded_wish = 0;
  }
  kick(key);
  if (done) done(outcome);  // last: it may wish again for this key
}

}  // namespace keel::fleet
