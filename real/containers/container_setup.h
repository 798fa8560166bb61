// The isolation steps a container's first process (its PID 1) takes inside its new namespaces,
// before the main program exists: join its cgroups, bring loopback up in a private network, set
// the hostname, make every mount private, then give it its own root (or a fresh /proc on the
// host's root).
//
// Runs only in the cloned process, so only system calls (launch_plan.h says why). Any failure is
// reported through `report` with the step that failed, and ends the process.
#pragma once

#include <vector>

#include "real/containers/child_report.h"
#include "real/containers/launch_plan.h"

namespace keel::real {

void isolate_container(const LaunchPlan& plan, const std::vector<int>& cgroup_procs_fds,
                       const ChildReport& report);

}  // namespace keel::real
