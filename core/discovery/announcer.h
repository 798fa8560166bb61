// Announcer: the announcement of one active unit's service ([X-Service], unit_file.h) at
// /services/<name>/<unit> under the machine's lease, as long as its check passes.
//
// Rules (Consul's and Kubernetes' readiness habit: only a checked instance receives traffic):
// - the first check runs at once, then one every Interval=; a probe still unanswered at the next
//   tick is abandoned (its late answer is ignored) and counts as not passed;
// - a passing check announces the record (LeasedKeys writes it under the lease); a failing one
//   withdraws it at once;
// - TTL= is how long an announcement lives without a passing check: probes that stop answering
//   cannot keep a service announced longer than that;
// - Check=none always passes without probing;
// - destroying the Announcer (the unit stopped, the machine fenced) withdraws the record.
// The machine's lease bounds all of this from outside: if the machine dies, its announcements
// expire with its lease.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "core/discovery/health_prober.h"
#include "core/env/env.h"
#include "core/fleet/leased_keys.h"

namespace keel::discovery {

struct AnnounceStats {
  std::uint64_t probes = 0;
  std::uint64_t failed_probes = 0;
  std::uint64_t unanswered = 0;  // abandoned at the next tick
  std::uint64_t announcements = 0;
  std::uint64_t withdrawals = 0;
};

class Announcer {
 public:
  // `stats` is shared by a machine's announcers and must outlive them. `container` runs the unit
  // and is handed to every probe (health_prober.h).
  Announcer(Env& env, HealthProber& prober, fleet::LeasedKeys& keys, fleet::ServiceRecord record,
            ContainerId container, fleet::AnnounceSettings settings, AnnounceStats& stats);
  ~Announcer();
  Announcer(const Announcer&) = delete;
  Announcer& operator=(const Announcer&) = delete;

  bool announced() const { return announced_; }

 private:
  void tick();
  void checked(bool passed);
  void withdraw();

  Env& env_;
  HealthProber& prober_;
  fleet::LeasedKeys& keys_;
  fleet::ServiceRecord record_;
  ContainerId container_;
  fleet::AnnounceSettings settings_;
  AnnounceStats& stats_;
  std::string key_;
  bool announced_ = false;
  std::uint64_t probes_sent_ = 0;
  std::uint64_t probe_ = 0;  // the probe in flight, 0 for none; its answer is taken only while so
  std::optional<Time> last_pass_;
  TimerId timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::discovery
