// Presence: a machine's registration in the store and its self-fencing (fleet's machine heartbeat,
// done with an etcd lease as etcd's clientv3 concurrency.Session does).
//
// It grants a lease of `lease_ttl`, puts the MachineRecord at /fleet/machines/<id> under it, and
// renews it with keep_alive every `renew_interval` (etcd's session renews at TTL/3; the default
// here is TTL/4). kNotFound on a renewal means the lease expired or was revoked: the machine is
// "lost", and Presence grants a new lease and registers again.
//
// Self-fencing (the rule of leases in Gray & Cheriton, "Leases", SOSP 1989, applied to the
// holder): the leader expires the lease `lease_ttl` after it last renewed it, and it renewed it no
// earlier than the SEND time of the last keep-alive that succeeded. So, counting on the machine's
// own clock from that send time, the lease is surely alive until `lease_ttl`. Presence declares the
// machine fenced at `lease_ttl - fencing_margin` after it, and the agent then stops every unit
// with a kill grace of `fence_kill_grace`. The margin must exceed that grace plus the drift of the
// two clocks over one TTL (and the time a kill takes), or a unit could still run when the leader
// expires the lease and the engine places the unit on another machine: two copies at once. The
// constructor asserts margin > grace; the drift is the operator's to bound (NTP keeps it to
// milliseconds; a clock paused longer than the margin breaks the bound, as it breaks every lease).
//
// Contract: callbacks run on the machine's loop. on_registered(lease) follows every successful
// registration (the first and after each loss); on_lost() runs when the lease is known gone;
// on_fenced() when the fencing deadline passes; on_unfenced() when a renewal succeeds while
// fenced. A machine is fenced from construction until its first registration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/client/store_client.h"
#include "core/env/env.h"
#include "core/fleet/schema.h"

namespace keel::fleet {

struct PresenceOptions {
  MachineRecord machine;
  Duration lease_ttl = std::chrono::seconds(5);  // whole seconds (the store's lease unit)
  Duration renew_interval{};                     // zero: lease_ttl / 4
  Duration fencing_margin = std::chrono::milliseconds(1500);
  Duration fence_kill_grace = std::chrono::milliseconds(500);
  Duration retry = std::chrono::milliseconds(500);  // after a failed grant or put
};

struct PresenceListener {
  std::function<void(kv::LeaseId)> on_registered;
  std::function<void()> on_lost;
  std::function<void()> on_fenced;
  std::function<void()> on_unfenced;
};

struct PresenceStats {
  std::uint64_t registrations = 0;
  std::uint64_t keep_alives = 0;
  std::uint64_t keep_alive_failures = 0;
  std::uint64_t losses = 0;
  std::uint64_t fencings = 0;
};

// At most this many keep-alives in flight: a renewal is sent every interval even while earlier
// ones wait, so a healed link renews at once instead of after the previous call's timeout.
inline constexpr std::size_t kMaxKeepAlivesInFlight = 8;

class Presence {
 public:
  Presence(Env& env, client::StoreClient& store, PresenceOptions options,
           PresenceListener listener);
  ~Presence();
  Presence(const Presence&) = delete;
  Presence& operator=(const Presence&) = delete;

  kv::LeaseId lease() const { return lease_; }  // 0 while not registered
  bool fenced() const { return fenced_; }
  const PresenceStats& stats() const { return stats_; }
  const PresenceOptions& options() const { return options_; }

 private:
  void grant();
  void put_record(kv::LeaseId lease, Time sent);
  void registered(kv::LeaseId lease, Time sent);
  void renew();
  void renewed(std::uint64_t generation, Time sent, const Result<std::int64_t>& result);
  void renewed_at(Time sent);
  void lose();
  void fence();
  void after(Duration delay, std::function<void()> fn);

  Env& env_;
  client::StoreClient& store_;
  PresenceOptions options_;
  PresenceListener listener_;
  kv::LeaseId lease_ = 0;
  std::uint64_t generation_ = 0;  // bumped by every loss: older answers are ignored
  bool fenced_ = true;
  Time last_renewal_sent_{};
  std::size_t keep_alives_in_flight_ = 0;
  TimerId renew_timer_ = 0;
  TimerId fence_timer_ = 0;
  PresenceStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::fleet
