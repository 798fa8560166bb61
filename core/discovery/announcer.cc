#include "core/discovery/announcer.h"

namespace keel::discovery {

Announcer::Announcer(Env& env, HealthProber& prober, fleet::LeasedKeys& keys,
                     fleet::ServiceRecord record, ContainerId container,
                     fleet::AnnounceSettings settings, AnnounceStats& stats)
    : env_(env),
      prober_(prober),
      keys_(keys),
      record_(std::move(record)),
      container_(container),
      settings_(std::move(settings)),
      stats_(stats),
      key_(fleet::service_key(record_.name, record_.unit)) {
  tick();
}

Announcer::~Announcer() {
  *alive_ = false;
  env_.clock.cancel(timer_);
  withdraw();
}

void Announcer::tick() {
  timer_ = env_.clock.after(settings_.interval, [this] { tick(); });
  if (announced_ && (!last_pass_ || env_.clock.now() - *last_pass_ >= settings_.ttl)) withdraw();
  if (probe_ != 0) ++stats_.unanswered;
  if (settings_.check == fleet::CheckKind::kNone) {
    checked(true);
    return;
  }
  ++stats_.probes;
  const std::uint64_t probe = ++probes_sent_;
  probe_ = probe;
  prober_.probe(record_, container_, settings_.check, settings_.check_argument,
                [this, alive = alive_, probe](bool passed) {
                  if (!*alive || probe != probe_) return;
                  probe_ = 0;
                  checked(passed);
                });
}

void Announcer::checked(bool passed) {
  if (!passed) {
    ++stats_.failed_probes;
    withdraw();
    return;
  }
  last_pass_ = env_.clock.now();
  if (announced_) return;
  announced_ = true;
  ++stats_.announcements;
  env_.emit("discovery", "announced", {{"service", record_.name}, {"unit", record_.unit}});
  keys_.set(key_, fleet::encode(record_));
}

void Announcer::withdraw() {
  if (!announced_) return;
  announced_ = false;
  ++stats_.withdrawals;
  env_.emit("discovery", "withdrawn", {{"service", record_.name}, {"unit", record_.unit}});
  keys_.erase(key_);
}

}  // namespace keel::discovery
