#include "core/client/call_engine.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::client {

namespace {

// Reads never reach the sessions (kv/sessions.h): they go without one, as KvService serves them.
bool is_write(const kv::Operation& op) {
  return !std::holds_alternative<kv::RangeRequest>(op) &&
         !std::holds_alternative<kv::LeaseTimeToLiveRequest>(op) &&
         !std::holds_alternative<kv::LeaseLeasesRequest>(op);
}

}  // namespace

bool worth_retrying(const Error& error) {
  return error.code == Errc::kNotLeader || error.code == Errc::kUnavailable ||
         error.code == Errc::kTimeout;
}

bool session_lost(const Error& error) {
  // kv::Store's refusal of a seq > 1 from a client without a session.
  return error.code == Errc::kNotFound &&
         error.message.starts_with("unknown or expired session of client");
}

CallEngine::CallEngine(Env& env, StoreClientOptions options, Send send, Redirect redirect)
    : env_(env),
      options_(options),
      send_(std::move(send)),
      redirect_(std::move(redirect)),
      client_id_(options.client_id),
      // Attempt numbers go on the wire: a former life's must not pair with this life's answers.
      next_attempt_(env.random.fresh_id()) {
  KEEL_ASSERT(client_id_ != 0, "a store client needs a session id");
  KEEL_ASSERT(options_.timeout > Duration::zero() && options_.attempt_timeout > Duration::zero(),
              "a store client's timeouts must be positive");
}

CallEngine::~CallEngine() {
  *alive_ = false;
  for (auto& [number, call] : calls_) {
    cancel(call.deadline);
    cancel(call.attempt_timer);
    cancel(call.retry_timer);
  }
}

void CallEngine::call(kv::Operation op, StoreClient::Done done, node::ReadMode mode) {
  Call call;
  call.write = is_write(op);
  call.job = Job{kv::Request{0, 0, std::move(op)}, mode};
  call.done = std::move(done);
  add(std::move(call));
}

void CallEngine::keep_alive(kv::LeaseId lease, StoreClient::KeepAliveDone done) {
  Call call;
  call.job = Job{lease, node::ReadMode::kLinearizable};
  call.done = std::move(done);
  add(std::move(call));
}

void CallEngine::add(Call call) {
  const std::uint64_t number = next_call_++;
  call.deadline = env_.clock.after(options_.timeout, [this, number] {
    Call& timed_out = calls_.at(number);
    timed_out.deadline.reset();
    finish(number, failed(timed_out, Error{Errc::kTimeout, "the store did not answer in time"}));
  });
  const bool write = call.write;
  calls_.emplace(number, std::move(call));
  if (write) {
    writes_waiting_.push_back(number);
    start_write();
  } else {
    attempt(number);
  }
}

void CallEngine::start_write() {
  if (write_running_ || writes_waiting_.empty()) return;
  const std::uint64_t number = writes_waiting_.front();
  writes_waiting_.pop_front();
  write_running_ = number;
  auto& request = std::get<kv::Request>(calls_.at(number).job.what);
  request.client = client_id_;
  request.seq = next_seq_;
  attempt(number);
}

void CallEngine::attempt(std::uint64_t number) {
  Call& call = calls_.at(number);
  const std::uint64_t id = next_attempt_++;
  attempts_.emplace(id, number);
  call.attempts.push_back(id);
  call.last_attempt = id;
  cancel(call.attempt_timer);
  call.attempt_timer = env_.clock.after(options_.attempt_timeout, [this, number] {
    calls_.at(number).attempt_timer.reset();
    retry(number, std::nullopt);
  });
  send_(id, call.job);  // may answer at once: `call` may be gone after this
}

void CallEngine::answered(std::uint64_t attempt, Result<kv::Response> result) {
  auto it = attempts_.find(attempt);
  if (it == attempts_.end()) return;
  const std::uint64_t number = it->second;
  KEEL_ASSERT(std::holds_alternative<kv::Request>(calls_.at(number).job.what),
              "a keep-alive was answered as a request");
  if (result) return finish(number, Outcome(std::in_place_index<0>, std::move(result)));
  on_refusal(number, attempt, result.error());
}

void CallEngine::answered(std::uint64_t attempt, Result<std::int64_t> ttl) {
  auto it = attempts_.find(attempt);
  if (it == attempts_.end()) return;
  const std::uint64_t number = it->second;
  KEEL_ASSERT(std::holds_alternative<kv::LeaseId>(calls_.at(number).job.what),
              "a request was answered as a keep-alive");
  if (ttl) return finish(number, Outcome(std::in_place_index<1>, ttl));
  on_refusal(number, attempt, ttl.error());
}

void CallEngine::on_refusal(std::uint64_t number, std::uint64_t attempt, const Error& error) {
  Call& call = calls_.at(number);
  if (attempt != call.last_attempt) return;  // a later attempt is under way
  if (call.write && session_lost(error)) {
    renew_session();
    auto& request = std::get<kv::Request>(call.job.what);
    request.client = client_id_;
    request.seq = next_seq_;
    return this->attempt(number);
  }
  if (worth_retrying(error)) return retry(number, error);
  finish(number, failed(call, error));
}

CallEngine::Outcome CallEngine::failed(const Call& call, Error error) {
  if (std::holds_alternative<kv::Request>(call.job.what)) {
    return Outcome(std::in_place_index<0>, std::unexpected(std::move(error)));
  }
  return Outcome(std::in_place_index<1>, std::unexpected(std::move(error)));
}

void CallEngine::retry(std::uint64_t number, const std::optional<Error>& why) {
  Call& call = calls_.at(number);
  cancel(call.attempt_timer);
  cancel(call.retry_timer);
  const Duration pause = redirect_(why);
  call.retry_timer = env_.clock.after(pause, [this, number] {
    calls_.at(number).retry_timer.reset();
    attempt(number);
  });
}

void CallEngine::renew_session() {
  const std::uint64_t lost = client_id_;
  do {
    client_id_ = env_.random.next();
  } while (client_id_ == 0 || client_id_ == lost);
  next_seq_ = 1;
  env_.emit("client", "session-renewed", {{"lost", lost}, {"session", client_id_}});
}

void CallEngine::finish(std::uint64_t number, Outcome outcome) {
  auto it = calls_.find(number);
  KEEL_ASSERT(it != calls_.end(), str("call ", number, " finished twice"));
  Call call = std::move(it->second);
  calls_.erase(it);
  cancel(call.deadline);
  cancel(call.attempt_timer);
  cancel(call.retry_timer);
  for (std::uint64_t attempt : call.attempts) attempts_.erase(attempt);
  if (write_running_ == number) {
    write_running_.reset();
    ++next_seq_;  // the seq was sent: it may have been applied, and is never reused
  } else if (call.write) {
    std::erase(writes_waiting_, number);  // timed out before its turn
  }
  start_write();
  env_.clock.after(Duration::zero(), [alive = alive_, done = std::move(call.done),
                                      outcome = std::move(outcome)]() mutable {
    if (!*alive) return;
    if (auto* call_done = std::get_if<StoreClient::Done>(&done)) {
      (*call_done)(std::move(std::get<0>(outcome)));
    } else {
      std::get<StoreClient::KeepAliveDone>(done)(std::move(std::get<1>(outcome)));
    }
  });
}

void CallEngine::cancel(std::optional<TimerId>& timer) {
  if (timer) env_.clock.cancel(*timer);
  timer.reset();
}

}  // namespace keel::client
