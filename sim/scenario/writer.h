// Writes a Scenario back as a scenario file (../shared/SCENARIOS.md), so that a scenario built in
// code (a shrunk failure, a seed's swarm draw made explicit) can be saved, read and rerun.
//
// Contract: parse_scenario(to_yaml(s), any_file) == s (equality.h: every field but provenance)
// for any scenario the loader accepts. Durations are written exactly, as whole numbers of the
// largest unit that divides them ("3s", "1500ms", "250us"); probabilities, rates and other real
// numbers in the shortest fixed notation that reads back as the same double. Each fault is one
// line in the file's flow syntax, followed by a comment naming where it came from (Fault::where),
// if known. Free text (name, description, metadata, prefix) is quoted as YAML needs.
#pragma once

#include <string>

#include "sim/scenario/scenario.h"

namespace keel::sim {

std::string to_yaml(const Scenario& scenario);

// "1500ms", "3s", "0s", "-800ms": the exact text to_yaml writes for a duration.
std::string duration_text(Duration d);

}  // namespace keel::sim
