// Agent: runs on every machine (member or worker) and makes the machine do what the engine
// assigned to it (fleet's agent reconciler, over the store layout of schema.h).
//
// - Presence (presence.h): the machine's lease and record; while the machine is fenced or has no
//   lease, every unit is stopped with the short fence_kill_grace and none is started.
// - Assignments: a Mirror of /fleet/assign/<machine>/, made anew at every registration and at
//   the end of every fencing, and complete before any unit starts. Its first read is
//   linearizable and comes after the lease was granted or renewed again, so it never shows
//   assignments the engine took back while the machine was away: a machine back from a partition
//   does not run, even briefly, a unit already moved elsewhere (a watch resumed from before could
//   lag behind).
// - Write-ahead start (issue 6): a container starts only after the unit's "activating" state was
//   written under the lease by a txn guarded on the mod revision of the assignment the agent acts
//   on (LeasedKeys::set_guarded). The engine assigns a moved unit elsewhere only once no
//   machine's state says it may run, after deleting the old assignment (reconcile.h); a guarded
//   write that lands after that delete fails its compare, so a machine whose watch lags never
//   runs the unit beside the new one. A refused write starts nothing and no other start is tried
//   until the mirror shows the assignment changed; a write that got no answer is retried with
//   the same guard. Restart= restarts take the same path; a fenced agent starts nothing, and
//   one fenced while its write was pending does not start when the write lands. Cost: one
//   store write before every start, traced as the start event's write_ahead_us.
// - Units: a launched unit runs in a container built from its unit file (container_spec.h); a
//   loaded or removed one is stopped with its TimeoutStopSec= grace (ExecStop= is not run). A unit
//   whose file changes is stopped and started again with the new one. A container that ends by
//   itself is restarted by Restart= with backoff (restart_backoff.h); one that ended for good
//   starts again only when its assignment changes.
// - Fencing asks a container already stopping with a longer grace to stop again with the short
//   one; the Containers backend must honour the shorter grace (the simulator's always ends
//   within 20 ms).
// - States: the UnitState of every assigned unit at /fleet/state/<machine>/<unit> under the lease,
//   written on every change through LeasedKeys (coalesced, latest wins), deleted once the unit is
//   unassigned and its container has ended.
// - Discovery: an active unit with [X-Service] gets an Announcer (discovery/announcer.h).
//
// Contract: the agent owns env.containers' event handler while it lives. Destroying it (a crash)
// writes nothing more and leaves containers as they are (the simulator's lose_all, or a real
// machine's reboot, ends them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/client/mirror.h"
#include "core/client/store_client.h"
#include "core/discovery/announcer.h"
#include "core/discovery/health_prober.h"
#include "core/env/env.h"
#include "core/fleet/leased_keys.h"
#include "core/fleet/presence.h"
#include "core/fleet/restart_backoff.h"
#include "core/fleet/schema.h"

namespace keel::fleet {

// Units held by one agent (DESIGN.md principle 6). The engine places far fewer on one machine; an
// assignment past this is refused (counted, traced, never run) instead of growing without bound.
inline constexpr std::size_t kMaxUnitsPerMachine = 4096;

struct AgentOptions {
  PresenceOptions presence;  // the machine record, lease TTL, renewal, fencing margin
  Duration restart_backoff_cap = std::chrono::minutes(1);
  Duration stable_run = std::chrono::seconds(10);  // a run this long resets the backoff
  Duration write_retry = std::chrono::milliseconds(500);
};

struct AgentStats {
  std::uint64_t starts = 0;
  std::uint64_t start_failures = 0;
  std::uint64_t stops = 0;
  std::uint64_t restarts = 0;             // by Restart=
  std::uint64_t start_refusals = 0;       // guarded state writes refused: the assignment changed
  std::uint64_t bad_assignments = 0;      // undecodable records or unit files
  std::uint64_t refused_assignments = 0;  // past kMaxUnitsPerMachine
};

class Agent {
 public:
  Agent(Env& env, client::StoreClient& store, discovery::HealthProber& prober,
        AgentOptions options);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  const AgentStats& stats() const { return stats_; }
  const PresenceStats& presence_stats() const { return presence_.stats(); }
  const LeasedKeysStats& write_stats() const { return keys_.stats(); }
  const discovery::AnnounceStats& announce_stats() const { return announce_stats_; }
  kv::LeaseId lease() const { return presence_.lease(); }
  bool fenced() const { return presence_.fenced(); }
  // The state the agent last reported for a unit, nullopt for a unit it does not hold.
  std::optional<UnitState> state_of(const std::string& unit) const;

 private:
  struct Unit;
  void follow_assignments();
  void assignments_synced();
  void assignment_changed(const std::string& key, const std::optional<kv::KeyValue>& current);
  void reconcile(const std::string& name);
  void reconcile_all();
  bool may_run(const Unit& unit) const;
  bool may_start(const Unit& unit) const;
  void request_start(Unit& unit, bool restart);
  void start_answered(const std::string& name, kv::Revision guarded_at, GuardedOutcome outcome);
  void start(Unit& unit);
  void stop(Unit& unit, Duration grace);
  void stop_all();
  void on_container_event(const ContainerEvent& event);
  void ended(Unit& unit, const ContainerEvent& event);
  void report(Unit& unit, UnitState state);

  Env& env_;
  client::StoreClient& store_;
  AgentOptions options_;
  discovery::HealthProber& prober_;
  AgentStats stats_;
  discovery::AnnounceStats announce_stats_;
  LeasedKeys keys_;
  std::map<std::string, std::unique_ptr<Unit>, std::less<>> units_;
  std::map<ContainerId, std::string> containers_;  // container -> unit
  Presence presence_;
  std::unique_ptr<client::Mirror> assignments_;  // null while fenced or without a lease
  std::set<std::string> confirmed_;  // keys the current mirror reported before its first sync
  bool first_sync_done_ = false;
};

}  // namespace keel::fleet
