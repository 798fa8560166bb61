// RestartBackoff: when to restart a unit after its container ended, by systemd's Restart= rule
// (systemd.service(5)) and an exponential backoff in the manner of Kubernetes' CrashLoopBackOff:
// the first restart waits RestartSec=, each further one twice the previous, up to `cap`; a run
// that lasted `stable_run` resets the wait to RestartSec=.
//
// Restart=no never restarts; always restarts after any end; on-failure restarts after an unclean
// end: a start failure, a non-zero exit code, or a signal other than the "clean" ones systemd
// names (SIGHUP, SIGINT, SIGTERM, SIGPIPE).
#pragma once

#include <optional>

#include "core/env/containers.h"
#include "core/env/types.h"
#include "core/fleet/unit_file.h"

namespace keel::fleet {

// Whether systemd counts this end of the main process as clean.
bool clean_exit(const ContainerEvent& event);

class RestartBackoff {
 public:
  RestartBackoff(RestartPolicy policy, Duration restart_sec, Duration cap, Duration stable_run);

  void started(Time now) { started_at_ = now; }
  // The container ended by itself (not because the agent stopped it): the wait before the next
  // start, or nullopt if the policy says not to restart.
  std::optional<Duration> ended(const ContainerEvent& event, Time now);

 private:
  RestartPolicy policy_;
  Duration restart_sec_;
  Duration cap_;
  Duration stable_run_;
  Duration next_;
  std::optional<Time> started_at_;
};

}  // namespace keel::fleet
