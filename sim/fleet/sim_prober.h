// SimProber: [X-Service] checks in the simulator. A check passes when a process of the unit is
// running on the machine (the simulator's true state), as a tcp/http/exec check against a live
// service would; it answers after a short delay, like a probe over loopback.
#pragma once

#include "core/discovery/health_prober.h"
#include "core/env/env.h"
#include "sim/sim_containers.h"

namespace keel::sim {

class SimProber final : public discovery::HealthProber {
 public:
  SimProber(Env& env, const SimContainers& containers) : env_(env), containers_(containers) {}
  void probe(const fleet::ServiceRecord& target, ContainerId container, fleet::CheckKind kind,
             std::string_view argument, Done done) override;

 private:
  Env& env_;
  const SimContainers& containers_;
};

}  // namespace keel::sim
