// An independent check of a placement against the rules of core/fleet/placement.h, written from
// the rules and not from the engine: the engine's tests check its plans with it, and the unit
// checker (unit_checker.h) checks the processes that exist on each machine. Every violation is
// named.
#pragma once

#include <string>
#include <vector>

#include "core/fleet/placement.h"

namespace keel::sim {

// "rule: unit on machine ..." for each broken rule; empty when the placement is valid.
std::vector<std::string> placement_violations(const fleet::Cluster& cluster,
                                              const fleet::Placement& placement);

}  // namespace keel::sim
