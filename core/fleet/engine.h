// Engine: fleet's engine (its reconciler) for one member. The member tells it lead(term) when its
// Raft node becomes leader and follow() when it stops being one; it decides only while leading,
// as fleet's engine ran only on the machine holding the engine lease.
//
// Contract:
// - Fencing. On lead(term) the engine first claims /fleet/engine with EngineClaim{term, machine}
//   by a txn that succeeds only if no claim exists or the stored one sorts lower (schema.h: the
//   value sorts by term as bytes). A claim of the same term and machine found stored (an earlier
//   attempt whose answer was lost) is taken as its own; an unreadable value (written by no
//   engine) is replaced. It remembers the claim's mod revision R,
//   and every decision it writes is a txn comparing mod_revision(/fleet/engine) == R
//   (fenced_txns.h), so a deposed engine's writes, which a follower would forward to the new
//   leader, fail once a newer engine has claimed. A refused claim or a failed fenced txn stops the
//   engine until the next lead().
// - Reconciling. It keeps a Mirror of /fleet/ and runs a pass (reconcile.h) `coalesce` after the
//   first change it has not planned for, and every `period`; a pass waits until the mirror is
//   synced, holds the engine's own last write, and no txn is in flight. The writes of a pass go
//   out as fenced txns one after another. The decision depends on the copy alone, so a pass
//   plans only if the copy changed since the last one (or a write's answer was lost), and a
//   change of a /fleet/state/ record counts only while some unit waits for one: a settled
//   cluster, agents reporting included, costs no planning.
// - Every callback checks that the engine lives and is still in the same lead() (an epoch), so
//   a follow() or a new lead() discards what was in flight.
// - Trace events (component "engine"): claimed, claim_retry, claim_unreadable, claim_refused,
//   deposed, follow, pass (writes, waiting, problems), write_failed, plan_failed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/client/mirror.h"
#include "core/client/store_client.h"
#include "core/env/env.h"
#include "core/fleet/reconcile.h"

namespace keel::fleet {

struct EngineOptions {
  Duration coalesce = std::chrono::milliseconds(20);
  Duration period = std::chrono::seconds(1);
  Duration retry = std::chrono::seconds(1);  // after a claim or a read that got no answer
};

// Counters for benchmarks and metrics, over the engine's life.
struct EngineStats {
  std::uint64_t claims = 0;      // claims won
  std::uint64_t passes = 0;      // reconcile passes that planned
  std::uint64_t txns = 0;        // fenced txns that succeeded
  std::uint64_t writes = 0;      // keys they put or deleted
  std::uint64_t fenced_out = 0;  // fenced txns that failed their compare
  Duration planning{};           // spent in Reconciler::run, by the machine's clock
};

class Engine {
 public:
  enum class State { kFollowing, kClaiming, kActive, kStopped };

  Engine(Env& env, client::StoreClient& store, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void lead(std::uint64_t term);
  void follow();

  State state() const { return state_; }
  // The mod revision of the engine's claim while kActive (0 before a claim).
  kv::Revision claim_revision() const { return claim_revision_; }
  const EngineStats& stats() const { return stats_; }

 private:
  void reset(State state);
  void claim(kv::TxnRequest txn, int rounds);
  void on_claim_answer(Result<kv::Response> answer, int rounds);
  void claimed(kv::Revision revision);
  void stop(std::string_view event, std::string_view why);
  void changed(std::string_view key);
  void schedule_pass();
  void arm_period();
  void pass();
  void send(std::size_t next);
  // Wraps a callback so that it runs only while this engine lives and is in the same epoch.
  template <class Fn>
  auto guarded(Fn fn);

  Env& env_;
  client::StoreClient& store_;
  EngineOptions options_;
  State state_ = State::kFollowing;
  std::uint64_t term_ = 0;
  std::uint64_t epoch_ = 0;
  kv::Revision claim_revision_ = 0;
  kv::Revision awaited_revision_ = 0;  // the revision of the engine's own last write
  // Whether the copy changed in a way that may change the decision since the last pass (a pass
  // is a function of the copy alone), or a write's outcome is unknown.
  bool dirty_ = true;
  std::size_t waiting_ = 0;  // units the last pass held back (reconcile.h)
  std::unique_ptr<client::Mirror> mirror_;
  Reconciler reconciler_;
  std::vector<kv::TxnRequest> outbox_;  // the txns of the pass being written
  bool writing_ = false;
  TimerId pass_timer_ = 0;
  TimerId period_timer_ = 0;
  TimerId retry_timer_ = 0;
  EngineStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::fleet
