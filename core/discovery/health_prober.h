// HealthProber: how an agent checks that a unit's service answers, for [X-Service] Check=
// (unit_file.h's AnnounceSettings). The simulator fakes it; the real backend
// (real/asio_health_prober.h) connects (tcp), GETs a path (http) or runs a command in the unit's
// container (exec).
//
// Contract: probe() returns at once; `done` runs exactly once, on the machine's loop, never from
// inside probe(), with true when the check passed. A prober bounds each probe's time itself (a
// check that hangs is a failed check). `done` may run after the caller lost interest: the caller
// guards it. kNone is never probed: it always passes (the Announcer does not call the prober).
// `container` is the Containers id of the unit's running container, where an exec check runs its
// command; a container that has ended (or is unknown to the backend) fails an exec check.
#pragma once

#include <functional>
#include <string_view>

#include "core/env/containers.h"
#include "core/fleet/schema.h"
#include "core/fleet/unit_file.h"

namespace keel::discovery {

class HealthProber {
 public:
  using Done = std::function<void(bool passed)>;
  virtual ~HealthProber() = default;
  // `target` says where the service listens (ip, port) and which unit serves it; `container` is
  // the container that unit runs in.
  virtual void probe(const fleet::ServiceRecord& target, ContainerId container,
                     fleet::CheckKind kind, std::string_view argument, Done done) = 0;
};

}  // namespace keel::discovery
