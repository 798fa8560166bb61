#include "real/containers/spawn.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/env/str.h"
#include "real/containers/child_report.h"
#include "real/containers/close_fds.h"
#include "real/containers/container_init.h"
#include "real/containers/container_setup.h"

namespace keel::real {
namespace {

[[noreturn]] void run_child(const LaunchPlan& plan, const ChildFds& fds, const int* keep,
                            std::size_t keep_count) {
  ChildReport report(fds.report);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) report.fail({"set the parent-death signal"}, errno);
  close_all_but(keep, keep_count);
  isolate_container(plan, fds.cgroups, report);
  run_container_init(plan, InitFds{.status = fds.status, .output = fds.output}, report);
}

}  // namespace

Result<SpawnedInit> spawn_container(const LaunchPlan& plan, const ChildFds& fds) {
  // Worked out before the clone: the child may not allocate.
  std::vector<int> keep = {fds.report, fds.status, fds.output};
  keep.insert(keep.end(), fds.cgroups.begin(), fds.cgroups.end());
  std::sort(keep.begin(), keep.end());

  int pidfd = -1;
  clone_args args{};
  args.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_PIDFD |
               (plan.private_network ? CLONE_NEWNET : 0);
  args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  // clone3 without a stack behaves as fork: the child continues here on a copy of this stack.
  const long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) run_child(plan, fds, keep.data(), keep.size());
  if (pid < 0) {
    const int error = errno;
    return fail(Errc::kUnavailable, str("namespaces not permitted: clone3(PID, mount, UTS, IPC",
                                        plan.private_network ? ", network" : "",
                                        " namespaces): ", std::strerror(error)));
  }
  return SpawnedInit{.pid = static_cast<pid_t>(pid), .pidfd = UniqueFd(pidfd)};
}

}  // namespace keel::real
