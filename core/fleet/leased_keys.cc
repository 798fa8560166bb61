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

void LeasedKeys::set(const std::string& key, std::string value) { wish(key, std::move(value)); }

void LeasedKeys::erase(const std::string& key) { wish(key, std::nullopt); }

void LeasedKeys::wish(const std::string& key, std::optional<std::string> value) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (!value) return;  // not owned, and wished absent: under a lease it cannot exist
    KEEL_ASSERT(entries_.size() < kMaxLeasedKeys, "more than ", kMaxLeasedKeys,
                " leased keys on one machine");
    it = entries_.emplace(key, Entry{}).first;
  }
  it->second.wanted = std::move(value);
  kick(key);
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
    if (entry.in_flight || entry.wanted != entry.written) return false;
  }
  return true;
}

void LeasedKeys::kick(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  if (entry.wanted == entry.written) {
    if (!entry.wanted && !entry.in_flight && entry.retry_timer == 0) entries_.erase(it);
    return;
  }
  if (lease_ == 0 || lease_ == entry.gone_lease || entry.in_flight || entry.retry_timer != 0) {
    return;
  }
  entry.in_flight = true;
  const kv::LeaseId lease = lease_;
  std::optional<std::string> sent = entry.wanted;
  kv::Operation op;
  if (sent) {
    op = kv::PutRequest{kv::to_bytes(key), kv::to_bytes(*sent), lease};
    ++stats_.puts;
  } else {
    op = kv::DeleteRangeRequest{kv::to_bytes(key), {}};
    ++stats_.deletes;
  }
  store_.call(std::move(op), [this, alive = alive_, key, lease, sent](Result<kv::Response> result) {
    if (*alive) finished(key, lease, sent, result);
  });
}

void LeasedKeys::finished(const std::string& key, kv::LeaseId lease,
                          const std::optional<std::string>& sent,
                          const Result<kv::Response>& result) {
  auto it = entries_.find(key);
  KEEL_ASSERT(it != entries_.end() && it->second.in_flight, "a write ended for key ", key,
              " that has none in flight");
  Entry& entry = it->second;
  entry.in_flight = false;
  if (result) {
    if (lease == lease_) entry.written = sent;
  } else {
    ++stats_.failed;
    if (result.error().code == Errc::kNotFound) {
      entry.gone_lease = lease;  // written again only under another lease
    } else {
      entry.retry_timer = env_.clock.after(retry_, [this, alive = alive_, key] {
        if (!*alive) return;
        auto retried = entries_.find(key);
        KEEL_ASSERT(retried != entries_.end(), "a retry timer outlived its key ", key);
        retried->second.retry_timer = 0;
        kick(key);
      });
      return;
    }
  }
  kick(key);
}

}  // namespace keel::fleet
