// Sessions: exactly-once replies for client requests (Raft thesis §6.3). Each client numbers its
// requests 1, 2, 3, ...; the state machine keeps, per client, the last sequence number it applied
// and that request's reply, so a retried write is applied once and answered the same way.
//
// The rule, for a request (client c, seq s) with c != 0:
// - c has a session whose last seq is L:
//   s == L: a retry; answered from the cached reply (a read is not cached: it runs again, which
//           is as linearizable as replaying it), nothing is applied;
//   s <  L: refused as a stale request (the client has moved on; its reply is gone);
//   s >  L: applied, and its reply replaces the cached one.
// - c has no session (new, or expired, or evicted):
//   s == 1: a new session starts and the request is applied;
//   s >  1: refused as an unknown session: its earlier requests may have been applied and their
//           replies are gone, so applying this one could apply a retry twice. The client must
//           start over with a fresh client id and seq 1.
// Clients must use fresh ids (e.g. random 64-bit) and stop retrying a request before the session
// timeout: a seq-1 retry that arrives after its session expired is applied again.
//
// Sessions expire deterministically: time is the leader's clock reading carried in each Raft entry
// (Batch::now_ms), made monotonic by the store; a session idle longer than the timeout in that
// time is dropped. Past max_sessions, the least recently active session is dropped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/env/error.h"
#include "core/kv/types.h"

namespace keel::kv {

class Sessions {
 public:
  struct Session {
    std::uint64_t last_seq = 0;
    std::int64_t last_active_ms = 0;
    std::optional<Result<Response>> reply;  // none after a read
  };

  // What to do with a request.
  enum class Verdict { kApply, kReplay, kRerun, kStale, kUnknown, kInvalid };

  Sessions(std::size_t max_sessions, std::int64_t timeout_ms)
      : max_sessions_(max_sessions), timeout_ms_(timeout_ms) {}

  // Drops the sessions idle for longer than the timeout at `now_ms`.
  void expire(std::int64_t now_ms);
  // Classifies (client, seq); client must be non-zero.
  Verdict check(std::uint64_t client, std::uint64_t seq) const;
  // The cached reply for a kReplay verdict.
  const Result<Response>& reply(std::uint64_t client) const;
  // Records that (client, seq) was answered at `now_ms` (reply: none for reads), creating the
  // session if needed and evicting the least recently active one past the limit.
  void record(std::uint64_t client, std::uint64_t seq, std::int64_t now_ms,
              std::optional<Result<Response>> reply);

  const std::map<std::uint64_t, Session>& all() const { return sessions_; }
  std::size_t size() const { return sessions_.size(); }
  // Rebuilds from a snapshot.
  void restore(std::map<std::uint64_t, Session> sessions);

 private:
  void erase(std::map<std::uint64_t, Session>::iterator it);

  std::size_t max_sessions_;
  std::int64_t timeout_ms_;
  std::map<std::uint64_t, Session> sessions_;
  std::set<std::pair<std::int64_t, std::uint64_t>> by_activity_;  // (last_active_ms, client)
};

}  // namespace keel::kv
