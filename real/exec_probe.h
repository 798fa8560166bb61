// ExecProbe: one [X-Service] Check=exec: probe (AsioHealthProber) on the machine's loop: the
// command's supervisor (real/containers/container_exec.h) watched through its pidfd, and its
// timeout. The loop never blocks on it: the supervisor is reaped with waitid(WNOHANG) once its
// pidfd is readable, or on a timer should epoll refuse the pidfd (as NamespaceContainers does).
//
// Contract:
// - `done` runs once, on the loop, never inside run(): true when the command exited with code 0
//   before the timeout (Consul's and Docker's exec checks: 0 passing, anything else failing).
// - At the timeout `done(false)` runs at once and the supervisor is told to kill the command
//   (SIGTERM; SIGKILL after kKillGrace should it not end). The probe lives on until the supervisor
//   is reaped, which means every process of the check has ended.
// - `running` (the prober's) counts probes whose supervisor is not reaped yet. A probe outliving
//   its prober (seen as `running` expired) still reaps and answers, but traces nothing more.
// - Destroying a probe whose supervisor still runs (its io_context going away) kills the
//   supervisor, whose death kills the command (PR_SET_PDEATHSIG), and reaps it there.
// Failures are traced as the prober's "check_failed" events, with the exit code and the
// supervisor's report when it wrote one.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>

#include "core/discovery/health_prober.h"
#include "real/containers/container_exec.h"
#include "real/machine_trace.h"

namespace keel::real {

// How long a supervisor may take to end after SIGTERM before it is SIGKILLed.
inline constexpr Duration kKillGrace = std::chrono::seconds(1);

void run_exec_probe(boost::asio::io_context& io, const MachineTrace& trace, SpawnedExec spawned,
                    Duration timeout, const std::shared_ptr<std::size_t>& running,
                    discovery::HealthProber::Done done);

}  // namespace keel::real
