// The init of a container: PID 1 of its PID namespace, the process keeld clones. It starts the
// main program and then only
// - forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it (the kernel delivers to a
//   namespace's init only signals it handles: pid_namespaces(7));
// - reaps every process that ends, since orphans in the namespace become its children;
// - when the main program ends, writes its MainExit to the status pipe and exits with its code, or
//   128 + the signal that ended it (as sh reports it, and as tini and docker-init do). Its exit
//   makes the kernel kill whatever else still runs in the namespace.
//
// Runs only in the cloned process, so only system calls (launch_plan.h says why).
#pragma once

#include "real/containers/child_report.h"
#include "real/containers/launch_plan.h"

namespace keel::real {

// What the init writes to the status pipe, in one write, when the main program ends.
struct MainExit {
  int code;    // the exit code, or 128 + signal
  int signal;  // the signal that ended it, 0 for a normal exit
};

struct InitFds {
  int status;  // write end of the status pipe
  int output;  // write end of the output pipe: the main program's stdout and stderr
};

[[noreturn]] void run_container_init(const LaunchPlan& plan, InitFds fds,
                                     const ChildReport& report);

}  // namespace keel::real
