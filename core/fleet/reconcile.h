// The engine's decision from one copy of /fleet/ (a Mirror's entries): which assignments and
// unplaced reasons to write or delete so the store matches plan_placement's answer. Pure: no I/O,
// no clock; the engine (engine.h) writes the result as fenced txns.
//
// Input read from the copy (schema.h's layout):
//   - machines: the /fleet/machines/ records (a machine whose record vanished, its lease expired,
//     is gone: its assignments are deleted and its units go elsewhere);
//   - units: /fleet/units/ with their /fleet/desired/ state (inactive when missing); a unit file
//     that does not parse, or a template, gets an unplaced reason instead of a machine;
//   - current placement: the /fleet/assign/ keys; a non-global unit assigned to several machines
//     (left over from an older version of the unit) keeps the first, by machine id;
//   - /fleet/state/ records: where a unit may be running (schema.h's may_be_running; a record
//     that cannot be read counts as running).
// Decision:
//   - every placed unit has the assignment {desired, unit file text}, rewritten when either
//     changes; every other assignment is deleted (unit inactive, destroyed, moved, machine gone);
//   - no double run (fleet's agents could run a unit twice across a move): a non-global unit is
//     assigned to a machine only when no other machine reports that it may be running. A move
//     therefore deletes the old assignment first and assigns the new machine in a later pass,
//     once the old machine's agent reports the unit stopped, or its records vanished with its
//     lease. A unit whose MachineOf peer waits so waits too;
//   - every unit that wants a machine and has none, or a global unit missing from machines it
//     matches, has /fleet/unplaced/<unit> with the reason; other unplaced records are deleted.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "core/fleet/placement.h"
#include "core/kv/types.h"

namespace keel::fleet {

using FleetEntries = std::map<std::string, kv::KeyValue, std::less<>>;

struct StoreWrite {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete the key
  bool operator==(const StoreWrite&) const = default;
};

struct Reconciliation {
  // Deletes, then puts, each sorted by key: resources are freed before they are taken.
  std::vector<StoreWrite> writes;
  std::size_t waiting = 0;            // units held back until they stop elsewhere
  std::vector<std::string> problems;  // records that could not be read, for the trace
};

// Keeps the parsed unit files between passes (re-parsed only when a unit's key changes), so a
// pass costs a parse only for units that changed.
class Reconciler {
 public:
  // Fails only when plan_placement refuses the cluster (past limits.h's kMaxMachines/kMaxUnits).
  Result<Reconciliation> run(const FleetEntries& fleet);

 private:
  struct ParsedUnit {
    kv::Revision mod_revision = 0;
    Result<PlacementRules> rules;  // or why the unit file cannot be placed
    std::string loaded, launched;  // the unit's assignment value for either desired state
  };
  const ParsedUnit& parse(const std::string& unit, const kv::KeyValue& kv);

  std::map<std::string, ParsedUnit, std::less<>> parsed_;
};

}  // namespace keel::fleet
