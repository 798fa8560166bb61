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
// - Guarded puts (the agent's write-ahead start, agent.h): set_guarded() is a wish like set(),
//   written by a txn that puts the value only if guard.key was last written at
//   guard.mod_revision (etcd's Compare{MOD, key, =, rev}; a deleted or rewritten key fails it).
//   It keeps the per-key order: it is sent after the write in flight ends, and no older wish is
//   sent after it. It is sent even when the store is known to hold the value (the compare is
//   the point). `done` runs once, on the store's answer, never from inside a LeasedKeys call:
//   kWritten when the value was written under the current lease; kRefused when the compare
//   failed (the wish is dropped: the store keeps what it held). A failed write is retried with
//   the same guard as above, and a success under an older lease is sent again under the new
//   one, so `done` never reports an outcome under a lease other than the current one. A wish
//   that replaces a guarded put before its outcome is known (set, erase or set_guarded on the
//   key) cancels it: its `done` never runs; an attempt already in flight may still land.
#pragma once

#include <cstdint>
#include <functional>
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
  std::uint64_t puts = 0;  // guarded ones included
  std::uint64_t deletes = 0;
  std::uint64_t failed = 0;   // writes that returned an error (then retried or dropped)
  std::uint64_t refused = 0;  // guarded puts whose compare failed
};

// What a guarded put compares: `key` was last written at `mod_revision`.
struct WriteGuard {
  std::string key;
  kv::Revision mod_revision = 0;
  bool operator==(const WriteGuard&) const = default;
};

enum class GuardedOutcome { kWritten, kRefused };
using GuardedDone = std::function<void(GuardedOutcome)>;

class LeasedKeys {
 public:
  LeasedKeys(Env& env, client::StoreClient& store, Duration retry);
  ~LeasedKeys();
  LeasedKeys(const LeasedKeys&) = delete;
  LeasedKeys& operator=(const LeasedKeys&) = delete;

  void set(const std::string& key, std::string value);
  void erase(const std::string& key);
  void set_guarded(const std::string& key, std::string value, WriteGuard guard, GuardedDone done);
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
    kv::LeaseId gone_lease = 0;       // a write under this lease found it gone
    std::optional<WriteGuard> guard;  // the wanted value is a guarded put
    GuardedDone done;                 // of the guarded put
    std::uint64_t guarded_wish = 0;   // which guarded put `guard` belongs to
  };
  // What one write sent.
  struct Sent {
    kv::LeaseId lease = 0;
    std::optional<std::string> value;
    std::uint64_t guarded_wish = 0;  // 0: not guarded
  };
  Entry& wish(const std::string& key, std::optional<std::string> value);
  void kick(const std::string& key);
  void finished(const std::string& key, const Sent& sent, const Result<kv::Response>& result);

  Env& env_;
  client::StoreClient& store_;
  Duration retry_;
  kv::LeaseId lease_ = 0;
  std::uint64_t guarded_wishes_ = 0;
  std::map<std::string, Entry, std::less<>> entries_;
  LeasedKeysStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::fleet
