// A rapidcheck generator of scenarios that the loader accepts (../shared/SCENARIOS.md), covering
// every field it reads, every fault kind, target kind and partition kind, with values drawn across
// their whole ranges (durations down to the nanosecond, doubles of full precision, free text that
// needs quoting). Fields the loader refuses for now (units, container faults, units_within,
// catalog_within) are left out. A new fault kind adds one case to gen_action in the .cc file.
#pragma once

#include <rapidcheck.h>

#include "sim/scenario/scenario.h"

namespace keel::sim::testing {

rc::Gen<Scenario> gen_valid_scenario();

}  // namespace keel::sim::testing
