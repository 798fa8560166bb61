#include "sim/fleet/sim_prober.h"

namespace keel::sim {

void SimProber::probe(const fleet::ServiceRecord& target, ContainerId, fleet::CheckKind,
                      std::string_view, Done done) {
  env_.clock.after(std::chrono::milliseconds(1),
                   [this, unit = target.unit, done = std::move(done)] {
                     for (const auto& [id, running] : containers_.running()) {
                       if (running == unit) return done(true);
                     }
                     done(false);
                   });
}

}  // namespace keel::sim
