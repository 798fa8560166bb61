// LeasedKeys: the keys one machine owns under its lease (unit states, service announcements), kept
// equal to what the machine last wanted. set()/erase() only record the wish; a write follows.
//
// Contract:
// - At most one write is in flight per key, and it carries the latest wish when it is sent; a
//   wish that changes while a write is in flight is sent when that write ends, so the store ends
//   with the latest value and intermediate values may be skipped (coalescing).
// - Nothing is written without a lease. attach(lease) (a new lease) rewrites every wished value
//   under it, since the keys of an earlier lease died with it; detach() pauses writing.
// - A failed write is retried after `retry`, except kNotFound (the lease is gone: the presence
//   that owns the lease will notice and attach a new one).
// - A key whose wish is "absent" and is known absent is forgotten, so memory follows the keys
//   the machine owns (at most kMaxLeasedKeys; more is a bug in the caller).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/client/store_client.h"
#include "core/env/env.h"

namespace keel::fleet {

// A unit's state and its service announcement, for each unit an agent may hold
// (agent.h's kMaxUnitsPerMachine), with room.
inline constexpr std::size_t kMaxLeasedKeys = 10000;

struct LeasedKeysStats {
  std::uint64_t puts = 0;
  std::uint64_t deletes = 0;
  std::uint64_t failed = 0;  // writes that returned an error (then retried or dropped)
};

class LeasedKeys {
 public:
  LeasedKeys(Env& env, client::StoreClient& store, Duration retry);
  ~LeasedKeys();
  LeasedKeys(const LeasedKeys&) = delete;
  LeasedKeys& operator=(const LeasedKeys&) = delete;

  void set(const std::string& key, std::string value);
  void erase(const std::string& key);
  void attach(kv::LeaseId lease);
  void detach();

  // Every wish is known written (nothing in flight, nothing pending).
  bool settled() const;
  const LeasedKeysStats& stats() const { return stats_; }

 private:
  struct Entry {
    std::optional<std::string> wanted;   // nullopt: the key must not exist
    std::optional<std::string> written;  // what the store holds under lease_, as far as known
    bool in_flight = false;
    TimerId retry_timer = 0;
    kv::LeaseId gone_lease = 0;  // a write under this lease found it gone
  };
  void wish(const std::string& key, std::optional<std::string> value);
  void kick(const std::string& key);
  void finished(const std::string& key, kv::LeaseId lease, const std::optional<std::string>& sent,
                const Result<kv::Response>& result);

  Env& env_;
  client::StoreClient& store_;
  Duration retry_;
  kv::LeaseId lease_ = 0;
  std::map<std::string, Entry, std::less<>> entries_;
  LeasedKeysStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::fleet
