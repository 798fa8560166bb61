// spawn_container: clones a container's init into new PID, mount, UTS and IPC namespaces (and a
// network namespace when the plan asks for a private network), with a pidfd for keeld to watch.
// The init isolates itself (container_setup.h) and runs the main program (container_init.h).
//
// The init dies with the keeld thread that spawned it (PR_SET_PDEATHSIG), and with it every
// process of the container, so a killed keeld leaves no container behind.
#pragma once

#include <sys/types.h>

#include <vector>

#include "core/env/error.h"
#include "real/containers/launch_plan.h"
#include "real/containers/unique_fd.h"

namespace keel::real {

// The write ends the init inherits; all are close-on-exec, and spawn_container closes nothing.
struct ChildFds {
  int report;                // setup and exec errors, in words (child_report.h)
  int status;                // the main program's MainExit (container_init.h)
  int output;                // the main program's stdout and stderr
  std::vector<int> cgroups;  // cgroup.procs files to join
};

struct SpawnedInit {
  pid_t pid;       // in keeld's PID namespace
  UniqueFd pidfd;  // readable once the init has ended
};

// Fails with kUnavailable when the kernel refuses the namespaces (not root, or not permitted
// here, e.g. inside an unprivileged container), naming the error.
Result<SpawnedInit> spawn_container(const LaunchPlan& plan, const ChildFds& fds);

}  // namespace keel::real
