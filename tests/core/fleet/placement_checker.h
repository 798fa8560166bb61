// An independent check of a placement against the rules of core/fleet/placement.h, written from
// the rules and not from the engine, for the engine's tests: every violation is named.
#pragma once

#include <string>
#include <vector>

#include "core/fleet/placement.h"

namespace keel::fleet::test {

// "rule: unit on machine ..." for each broken rule; empty when the placement is valid.
std::vector<std::string> placement_violations(const Cluster& cluster, const Placement& placement);

}  // namespace keel::fleet::test
