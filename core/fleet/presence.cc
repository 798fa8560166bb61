#include "core/fleet/presence.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::fleet {

Presence::Presence(Env& env, client::StoreClient& store, PresenceOptions options,
                   PresenceListener listener)
    : env_(env), store_(store), options_(std::move(options)), listener_(std::move(listener)) {
  if (options_.renew_interval == Duration::zero()) {
    options_.renew_interval = options_.lease_ttl / 4;
  }
  KEEL_ASSERT(options_.lease_ttl >= std::chrono::seconds(1) &&
                  options_.lease_ttl % std::chrono::seconds(1) == Duration::zero(),
              "the lease TTL must be whole seconds, at least 1");
  KEEL_ASSERT(options_.fencing_margin > options_.fence_kill_grace,
              "the fencing margin must exceed the kill grace (see presence.h)");
  KEEL_ASSERT(options_.renew_interval > Duration::zero() &&
                  options_.renew_interval < options_.lease_ttl - options_.fencing_margin,
              "renewals must come more often than TTL - margin, or the machine fences itself "
              "between two of them");
  KEEL_ASSERT(check_machine_id(options_.machine.id).has_value(), "bad machine id '",
              options_.machine.id, "'");
  grant();
}

Presence::~Presence() {
  *alive_ = false;
  env_.clock.cancel(renew_timer_);
  env_.clock.cancel(fence_timer_);
}

void Presence::after(Duration delay, std::function<void()> fn) {
  env_.clock.after(delay, [alive = alive_, fn = std::move(fn)] {
    if (*alive) fn();
  });
}

void Presence::grant() {
  const std::uint64_t generation = generation_;
  const Time sent = env_.clock.now();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.lease_ttl);
  store_.call(kv::LeaseGrantRequest{seconds.count(), 0},
              [this, alive = alive_, generation, sent](Result<kv::Response> result) {
                if (!*alive || generation != generation_) return;
                if (!result) {
                  after(options_.retry, [this] { grant(); });
                  return;
                }
                const auto& granted = std::get<kv::LeaseGrantResponse>(result->result);
                put_record(granted.id, sent);
              });
}

void Presence::put_record(kv::LeaseId lease, Time sent) {
  const std::uint64_t generation = generation_;
  store_.call(kv::PutRequest{kv::to_bytes(machine_key(options_.machine.id)),
                             kv::to_bytes(encode(options_.machine)), lease},
              [this, alive = alive_, generation, lease, sent](Result<kv::Response> result) {
                if (!*alive || generation != generation_) return;
                if (result) {
                  registered(lease, sent);
                } else if (result.error().code == Errc::kNotFound) {
                  grant();  // the lease expired before the record was written
                } else {
                  after(options_.retry, [this, lease, sent] { put_record(lease, sent); });
                }
              });
}

void Presence::registered(kv::LeaseId lease, Time sent) {
  lease_ = lease;
  ++stats_.registrations;
  env_.emit("agent", "registered",
            {{"machine", options_.machine.id}, {"lease", static_cast<std::int64_t>(lease)}});
  if (listener_.on_registered) listener_.on_registered(lease);
  renewed_at(sent);
  renew_timer_ = env_.clock.after(options_.renew_interval, [this] { renew(); });
}

void Presence::renew() {
  renew_timer_ = env_.clock.after(options_.renew_interval, [this] { renew(); });
  if (keep_alives_in_flight_ >= kMaxKeepAlivesInFlight) return;
  ++keep_alives_in_flight_;
  ++stats_.keep_alives;
  const std::uint64_t generation = generation_;
  const Time sent = env_.clock.now();
  store_.keep_alive(lease_, [this, alive = alive_, generation, sent](Result<std::int64_t> ttl) {
    if (*alive) renewed(generation, sent, ttl);
  });
}

void Presence::renewed(std::uint64_t generation, Time sent, const Result<std::int64_t>& result) {
  if (generation != generation_) return;
  KEEL_ASSERT(keep_alives_in_flight_ > 0, "a keep-alive answered that was not in flight");
  --keep_alives_in_flight_;
  if (result) {
    renewed_at(sent);
    return;
  }
  ++stats_.keep_alive_failures;
  if (result.error().code == Errc::kNotFound) {
    lose();
    grant();
  }
}

void Presence::renewed_at(Time sent) {
  last_renewal_sent_ = std::max(last_renewal_sent_, sent);
  const Time deadline = last_renewal_sent_ + options_.lease_ttl - options_.fencing_margin;
  env_.clock.cancel(fence_timer_);
  const Time now = env_.clock.now();
  fence_timer_ = env_.clock.after(std::max(Duration::zero(), deadline - now), [this] { fence(); });
  if (fenced_ && deadline > now) {
    fenced_ = false;
    env_.emit("agent", "unfenced", {{"machine", options_.machine.id}});
    if (listener_.on_unfenced) listener_.on_unfenced();
  }
}

void Presence::lose() {
  ++stats_.losses;
  env_.emit("agent", "lease_lost",
            {{"machine", options_.machine.id}, {"lease", static_cast<std::int64_t>(lease_)}});
  ++generation_;
  lease_ = 0;
  keep_alives_in_flight_ = 0;
  fenced_ = true;
  env_.clock.cancel(renew_timer_);
  env_.clock.cancel(fence_timer_);
  renew_timer_ = fence_timer_ = 0;
  if (listener_.on_lost) listener_.on_lost();
}

void Presence::fence() {
  fence_timer_ = 0;
  if (fenced_) return;
  fenced_ = true;
  ++stats_.fencings;
  env_.emit("agent", "fenced", {{"machine", options_.machine.id}});
  if (listener_.on_fenced) listener_.on_fenced();
}

}  // namespace keel::fleet
