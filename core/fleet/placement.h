// The placement engine's pure core: from machines, units and where units are now, decide what
// should change. It has no I/O and no clock; the engine on the leader feeds it the store's state
// on watch events and on a timer, and writes the changes as fenced txns.
//
// Rules (fleet's agent.AbleToRun, plus resources, which fleet could not reserve):
//   - MachineID: only that machine. MachineOf: only the machine where every peer is placed.
//   - MachineMetadata: the machine's value for each key is one of the unit's values for it.
//   - Conflicts (globs, checked both ways as fleet's hasConflict does): never share a machine.
//   - Replaces (globs): the replacing unit and the replaced never share a machine; a machine
//     holding a replaced unit is open to the replacing one, and the replaced unit then moves
//     (fleet's JobReschedule). Two units replacing each other are a plain conflict (fleet ignored
//     such circular replaces; Keel keeps them apart).
//   - Resources: the MemoryMax and CPUQuota of the units on a machine fit its capacity.
//   - Global units go on every machine that matches their metadata and has room.
// Choice: among the machines a unit may use, the least loaded by reserved resources (the larger
// of the memory and CPU shares), then the one with fewest units, then the smallest machine id.
// Stability: a unit whose machine still satisfies every rule stays there (no rebalancing, so no
// flapping); only units that must move or have no machine are decided.
// Determinism: the result depends only on the input values, never on their order in memory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "core/fleet/unit_file.h"

namespace keel::fleet {

// Reserved or available resources: bytes of memory, and CPU in percent of one CPU (a machine with
// 4 CPUs has 400).
struct Resources {
  std::uint64_t memory_bytes = 0;
  std::uint64_t cpu_percent = 0;
  bool operator==(const Resources&) const = default;
};

struct Machine {
  std::string id;
  std::map<std::string, std::string> metadata;
  Resources capacity;
};

// fleet's job states: a loaded or launched unit is placed, an inactive one is not.
enum class DesiredState { kInactive, kLoaded, kLaunched };

// What placement needs of a unit file ([X-Fleet] and the reservations of [Service]).
struct PlacementRules {
  std::string machine_id;
  std::vector<std::string> machine_of;
  std::map<std::string, std::vector<std::string>> machine_metadata;
  std::vector<Glob> conflicts;
  std::vector<Glob> replaces;
  bool global = false;
  Resources reserved;
};

// A unit without MemoryMax/CPUQuota reserves nothing of that resource.
PlacementRules placement_rules(const UnitFile& unit);

struct Unit {
  std::string name;
  PlacementRules rules;
  DesiredState desired = DesiredState::kLaunched;
};

// unit name -> the machines it is placed on, sorted (one for a non-global unit).
using Placement = std::map<std::string, std::vector<std::string>>;

struct Cluster {
  std::vector<Machine> machines;
  std::vector<Unit> units;
  Placement current;  // may name units and machines that are gone
};

struct Change {
  enum class Kind { kPlace, kMove, kUnplace };
  Kind kind;
  std::string unit;
  std::string from;    // kMove, kUnplace
  std::string to;      // kPlace, kMove
  std::string reason;  // why the unit left `from` (kMove, kUnplace)
  bool operator==(const Change&) const = default;
};

// A unit (or, for a global unit, one machine of it) that wants a machine and has none.
struct Unplaced {
  std::string unit;
  std::string machine;  // for a global unit: the matching machine it could not go on
  std::string reason;   // which rule failed on how many machines
};

struct Plan {
  // Unplaces, then moves, then places (each by unit name), so that resources are freed before
  // they are taken when the changes are applied in order.
  std::vector<Change> changes;
  std::vector<Unplaced> unplaced;
  Placement placement;  // current with the changes applied
};

// Refuses (kInvalidArgument, kLimitExceeded) duplicate machine ids or unit names, a non-global
// unit placed on several machines, a template unit, and sizes past limits.h.
Result<Plan> plan_placement(const Cluster& cluster);

}  // namespace keel::fleet
