#include "core/fleet/engine.h"

#include <utility>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/fleet/fenced_txns.h"
#include "core/fleet/schema.h"

namespace keel::fleet {
namespace {

constexpr std::string_view kComponent = "engine";
// Claim txns in one lead() before waiting `retry`: each round saw another engine's write.
constexpr int kMaxClaimRounds = 4;

Bytes engine_key() { return kv::to_bytes(kEngineKey); }

kv::PutRequest put_claim(const std::string& claim) {
  kv::PutRequest put;
  put.key = engine_key();
  put.value = kv::to_bytes(claim);
  return put;
}

kv::RangeRequest read_claim() {
  kv::RangeRequest range;
  range.key = engine_key();
  return range;
}

// Claims if the stored claim sorts lower than `claim` (a missing key fails a value compare).
kv::TxnRequest claim_over_lower(const std::string& claim) {
  return kv::TxnRequest{{kv::Compare{kv::Compare::Target::kValue, kv::Compare::Op::kLess,
                                     engine_key(), 0, kv::to_bytes(claim)}},
                        {put_claim(claim)},
                        {read_claim()}};
}

// Claims if the stored claim was last written at `revision`.
kv::TxnRequest claim_if_unchanged(const std::string& claim, kv::Revision revision) {
  return kv::TxnRequest{
      {kv::Compare{kv::Compare::Target::kMod, kv::Compare::Op::kEqual, engine_key(), revision, {}}},
      {put_claim(claim)},
      {read_claim()}};
}

// Claims if no claim is stored.
kv::TxnRequest claim_if_none(const std::string& claim) {
  return kv::TxnRequest{
      {kv::Compare{kv::Compare::Target::kVersion, kv::Compare::Op::kEqual, engine_key(), 0, {}}},
      {put_claim(claim)},
      {read_claim()}};
}

}  // namespace

Engine::Engine(Env& env, client::StoreClient& store, EngineOptions options)
    : env_(env), store_(store), options_(options) {}

Engine::~Engine() {
  *alive_ = false;
  reset(State::kFollowing);
}

template <class Fn>
auto Engine::guarded(Fn fn) {
  return [this, alive = alive_, epoch = epoch_, fn = std::move(fn)](auto&&... args) {
    if (*alive && epoch == epoch_) fn(std::forward<decltype(args)>(args)...);
  };
}

void Engine::reset(State state) {
  ++epoch_;
  state_ = state;
  mirror_.reset();
  outbox_.clear();
  writing_ = false;
  awaited_revision_ = 0;
  dirty_ = true;
  waiting_ = 0;
  for (TimerId* timer : {&pass_timer_, &period_timer_, &retry_timer_}) {
    if (*timer != 0) env_.clock.cancel(*timer);
    *timer = 0;
  }
}

void Engine::lead(std::uint64_t term) {
  reset(State::kClaiming);
  term_ = term;
  claim_revision_ = 0;
  claim(claim_over_lower(encode(EngineClaim{term_, env_.name})), 0);
}

void Engine::follow() {
  if (state_ != State::kFollowing) env_.emit(kComponent, "follow", {{"term", term_}});
  reset(State::kFollowing);
}

void Engine::claim(kv::TxnRequest txn, int rounds) {
  store_.call(std::move(txn), guarded([this, rounds](Result<kv::Response> answer) {
                on_claim_answer(std::move(answer), rounds + 1);
              }));
}

void Engine::on_claim_answer(Result<kv::Response> answer, int rounds) {
  const std::string mine = encode(EngineClaim{term_, env_.name});
  if (!answer || rounds > kMaxClaimRounds) {
    // No answer (the outcome is unknown) or a contended key: ask again later; a claim of ours
    // that did land is then found stored and taken.
    env_.emit(kComponent, "claim_retry",
              {{"error", answer ? "contended" : std::string_view(answer.error().message)}});
    retry_timer_ = env_.clock.after(options_.retry, guarded([this, mine] {
                                      retry_timer_ = 0;
                                      claim(claim_over_lower(mine), 0);
                                    }));
    return;
  }
  const auto& txn = std::get<kv::TxnResponse>(answer->result);
  if (txn.succeeded) return claimed(answer->revision);
  const auto& stored = std::get<kv::RangeResponse>(txn.responses.at(0)).kvs;
  if (stored.empty()) return claim(claim_if_none(mine), rounds);
  const std::string value = kv::to_string(stored.front().value);
  if (value == mine) return claimed(stored.front().mod_revision);
  if (value < mine) return claim(claim_over_lower(mine), rounds);  // a lower claim came between
  auto other = decode_engine_claim(value);
  if (!other) {
    // Written by no engine, so it fences nothing: replaced if still the same.
    env_.emit(kComponent, "claim_unreadable", {{"error", other.error().message}});
    return claim(claim_if_unchanged(mine, stored.front().mod_revision), rounds);
  }
  stop("claim_refused", str("term ", other->term, " of ", other->machine, " holds it"));
}

void Engine::claimed(kv::Revision revision) {
  KEEL_ASSERT(revision > 0, "a claim is written at a revision");
  state_ = State::kActive;
  claim_revision_ = revision;
  ++stats_.claims;
  env_.emit(kComponent, "claimed", {{"term", term_}, {"revision", revision}});
  client::MirrorListener listener;
  listener.on_change = guarded([this](const std::string& key, const std::optional<kv::KeyValue>&,
                                      const std::optional<kv::KeyValue>&) { changed(key); });
  listener.on_synced = guarded([this] { changed(""); });
  mirror_ = std::make_unique<client::Mirror>(env_, store_, std::string(kFleetPrefix),
                                             std::move(listener), options_.retry);
  arm_period();
}

void Engine::stop(std::string_view event, std::string_view why) {
  env_.emit(kComponent, event, {{"term", term_}, {"why", why}});
  reset(State::kStopped);
}

void Engine::changed(std::string_view key) {
  // A state record matters only to a unit waiting to stop elsewhere (reconcile.h).
  if (key.starts_with(kStatePrefix) && waiting_ == 0) return;
  dirty_ = true;
  schedule_pass();
}

void Engine::schedule_pass() {
  if (pass_timer_ != 0) return;
  pass_timer_ = env_.clock.after(options_.coalesce, guarded([this] {
                                   pass_timer_ = 0;
                                   pass();
                                 }));
}

void Engine::arm_period() {
  period_timer_ = env_.clock.after(options_.period, guarded([this] {
                                     period_timer_ = 0;
                                     schedule_pass();
                                     arm_period();
                                   }));
}

void Engine::pass() {
  KEEL_ASSERT(state_ == State::kActive, "a pass runs only while the engine is active");
  if (writing_ || !mirror_->synced() || mirror_->revision() < awaited_revision_) return;
  const auto& entries = mirror_->entries();
  if (mirror_->revision() >= claim_revision_) {
    const auto claim = entries.find(kEngineKey);
    if (claim == entries.end() || claim->second.mod_revision != claim_revision_) {
      return stop("deposed", "the claim was replaced");
    }
  }
  if (!dirty_) return;
  dirty_ = false;
  const Time started = env_.clock.now();
  auto decision = reconciler_.run(entries);
  stats_.planning += env_.clock.now() - started;
  ++stats_.passes;
  if (!decision) {
    env_.emit(kComponent, "plan_failed", {{"error", decision.error().message}});
    return;
  }
  waiting_ = decision->waiting;
  if (decision->writes.empty()) return;
  env_.emit(kComponent, "pass",
            {{"writes", decision->writes.size()},
             {"waiting", decision->waiting},
             {"problems", decision->problems.size()}});
  outbox_ = fenced_txns(decision->writes, claim_revision_);
  writing_ = true;
  send(0);
}

void Engine::send(std::size_t next) {
  store_.call(outbox_[next], guarded([this, next](Result<kv::Response> answer) {
                if (!answer) {
                  // The outcome is unknown: the next pass decides again from what the mirror
                  // then holds.
                  env_.emit(kComponent, "write_failed", {{"error", answer.error().message}});
                  dirty_ = true;
                  outbox_.clear();
                  writing_ = false;
                  return;
                }
                if (!std::get<kv::TxnResponse>(answer->result).succeeded) {
                  ++stats_.fenced_out;
                  return stop("deposed", "a fenced txn failed its compare");
                }
                ++stats_.txns;
                stats_.writes += outbox_[next].success.size();
                awaited_revision_ = answer->revision;
                if (next + 1 < outbox_.size()) return send(next + 1);
                outbox_.clear();
                writing_ = false;
                schedule_pass();
              }));
}

}  // namespace keel::fleet
