// Equality of scenarios by meaning, so that a written scenario can be checked to load back as the
// one it was written from (writer.h). Provenance is not compared: Scenario::file (where it was
// loaded from) and Fault::where (its line there). Neither is a DiskFault's restart_after when the
// fault is a stall, which does not restart (SCENARIOS.md, "Disk faults"). Every other field is.
//
// The fault types live in sim/nemesis/fault.h as plain aggregates; their comparisons are here, so a
// new fault kind needs one operator== below (a missing one does not compile: std::variant's
// operator== needs it).
#pragma once

#include "sim/nemesis/fault.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

bool operator==(const Target& a, const Target& b);
bool operator==(const PartitionFault& a, const PartitionFault& b);
bool operator==(const CrashFault& a, const CrashFault& b);
bool operator==(const RestartFault& a, const RestartFault& b);
bool operator==(const ClockFault& a, const ClockFault& b);
bool operator==(const DiskFault& a, const DiskFault& b);
bool operator==(const NetworkFault& a, const NetworkFault& b);
bool operator==(const PauseFault& a, const PauseFault& b);
bool operator==(const HealFault& a, const HealFault& b);
bool operator==(const MemberFault& a, const MemberFault& b);
bool operator==(const ContainerFault& a, const ContainerFault& b);
bool operator==(const Fault& a, const Fault& b);
bool operator==(const Scenario& a, const Scenario& b);

}  // namespace keel::sim
