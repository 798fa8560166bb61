// CallEngine: the part of StoreClient::call() and keep_alive() that every StoreClient shares,
// whatever carries the attempts (the transport to the members, or the member's own KvService):
// the session, the retries, the deadlines.
//
// - Session (kv/sessions.h, Raft thesis §6.3): writes carry (client id, seq); every attempt of one
//   write carries the same seq. The store keeps only the last seq of a session and refuses lower
//   ones as stale, so the writes of one client run one at a time, in call order (later ones wait).
//   Reads and keep-alives carry no session (client 0) and run at once, any number together.
//   A refusal naming an unknown or expired session starts a new session (a fresh random id, seq 1)
//   and the write is tried again in it: the refusal says the store did not apply it.
// - Retries: a refusal that names another leader, or leaves the outcome unknown (kNotLeader,
//   kUnavailable, kTimeout), or no answer within `attempt_timeout`, makes a new attempt (after
//   `redirect` has chosen where it goes and how long to wait) until `timeout` since the call;
//   then `done` gets kTimeout. Any other refusal is the call's answer. The first answer to any
//   attempt of a call is its answer; a refusal of an attempt that a later one replaced is ignored.
// - `done` runs on the machine's loop, never inside call()/keep_alive()/answered(), and never
//   after the engine is destroyed.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "core/client/store_client.h"
#include "core/env/env.h"

namespace keel::client {

class CallEngine {
 public:
  // What one attempt carries: a request (with its session, for a write) or a lease to renew.
  struct Job {
    std::variant<kv::Request, kv::LeaseId> what;
    node::ReadMode mode = node::ReadMode::kLinearizable;
  };
  // Sends attempt `attempt` of `job`; its answer comes back through answered(attempt, ...).
  using Send = std::function<void(std::uint64_t attempt, const Job& job)>;
  // The last attempt failed (`why`; nullopt when no answer came in time): chooses where the next
  // one goes, and returns how long to wait before it.
  using Redirect = std::function<Duration(const std::optional<Error>& why)>;

  CallEngine(Env& env, StoreClientOptions options, Send send, Redirect redirect);
  ~CallEngine();
  CallEngine(const CallEngine&) = delete;
  CallEngine& operator=(const CallEngine&) = delete;

  void call(kv::Operation op, StoreClient::Done done, node::ReadMode mode);
  void keep_alive(kv::LeaseId lease, StoreClient::KeepAliveDone done);

  // An attempt's answer; answers of unknown or finished attempts are ignored.
  void answered(std::uint64_t attempt, Result<kv::Response> result);
  void answered(std::uint64_t attempt, Result<std::int64_t> ttl);

  std::uint64_t session() const { return client_id_; }
  std::size_t pending() const { return calls_.size(); }

 private:
  using Outcome = std::variant<Result<kv::Response>, Result<std::int64_t>>;
  struct Call {
    Job job;
    std::variant<StoreClient::Done, StoreClient::KeepAliveDone> done;
    bool write = false;
    std::uint64_t last_attempt = 0;
    std::vector<std::uint64_t> attempts;
    std::optional<TimerId> deadline;
    std::optional<TimerId> attempt_timer;
    std::optional<TimerId> retry_timer;
  };

  void add(Call call);
  void start_write();
  void attempt(std::uint64_t number);
  void on_refusal(std::uint64_t number, std::uint64_t attempt, const Error& error);
  void retry(std::uint64_t number, const std::optional<Error>& why);
  void renew_session();
  static Outcome failed(const Call& call, Error error);  // the error, typed for the call's done
  void finish(std::uint64_t number, Outcome outcome);
  void cancel(std::optional<TimerId>& timer);

  Env& env_;
  StoreClientOptions options_;
  Send send_;
  Redirect redirect_;
  std::uint64_t client_id_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_call_ = 1;
  std::uint64_t next_attempt_;                       // see the constructor
  std::map<std::uint64_t, Call> calls_;              // by call number
  std::map<std::uint64_t, std::uint64_t> attempts_;  // attempt -> call number
  std::deque<std::uint64_t> writes_waiting_;         // call numbers, in call order
  std::optional<std::uint64_t> write_running_;       // the write that holds the session
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Whether a refusal leaves the call worth another attempt (the outcome is unknown or the request
// went to the wrong member).
bool worth_retrying(const Error& error);
// Whether a refusal says the client's session is unknown or expired (kv::Store's kNotFound).
bool session_lost(const Error& error);

}  // namespace keel::client
