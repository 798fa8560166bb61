// Properties of the engine's passes (reconcile.h) over random histories (rapidcheck): machines
// come and go (their state records with them, as with an expired lease), users change desired
// states and unit files, agents report states, and after every pass:
//   - a non-global unit is assigned to one machine at most;
//   - every assignment is on a live machine, for a unit that wants one, with its current
//     desired state and text;
//   - no double run: an assignment a pass creates for a non-global unit is never on a machine
//     other than one where the unit may already be running;
//   - every unit that wants a machine is assigned or has a reason;
//   - a pass right after it has nothing to write (passes settle at once).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>

#include "core/env/str.h"
#include "tests/core/fleet/fleet_copy.h"

namespace keel::fleet::test {
namespace {

constexpr int kMachines = 4;
constexpr int kUnits = 5;

const std::vector<std::string> kFleetSections = {
    "",
    "Global=true\n",
    "MachineOf=u0.service\n",
    "Conflicts=u1.service\n",
    "MachineMetadata=disk=ssd\n",
    "MachineID=m1\n",
};

std::string unit_name(int i) { return str("u", i, ".service"); }
std::string machine_name(int i) { return str("m", i); }

struct Snapshot {
  std::map<std::pair<std::string, std::string>, std::string> assigned;  // (unit, machine)
  std::map<std::string, std::set<std::string>> running;                 // unit -> machines
};

Snapshot snapshot(const FleetEntries& entries) {
  Snapshot s;
  for (const auto& [key, kv] : entries) {
    if (auto pair = key_pair(key, kAssignPrefix)) {
      s.assigned[{pair->second, pair->first}] = kv::to_string(kv.value);
    } else if (auto state = key_pair(key, kStatePrefix)) {
      auto decoded = decode_unit_state(kv::to_string(kv.value));
      if (!decoded || may_be_running(decoded->state)) s.running[state->second].insert(state->first);
    }
  }
  return s;
}

void random_event(Fleet& fleet) {
  const std::string m = machine_name(*rc::gen::inRange(0, kMachines));
  const std::string u = unit_name(*rc::gen::inRange(0, kUnits));
  switch (*rc::gen::inRange(0, 5)) {
    case 0: {
      const std::string disk = *rc::gen::elementOf(std::vector<std::string>{"ssd", "hdd"});
      RC_LOG() << "machine " << m << " disk=" << disk << "\n";
      fleet.machine(m, {{"disk", disk}});
      break;
    }
    case 1: {  // the machine's lease expires: its record and states vanish together
      RC_LOG() << "machine " << m << " expires\n";
      fleet.erase(machine_key(m));
      for (int i = 0; i < kUnits; ++i) fleet.erase(state_key(m, unit_name(i)));
      break;
    }
    case 2:
      fleet.put(desired_key(u),
                *rc::gen::elementOf(std::vector<std::string>{"inactive", "loaded", "launched"}));
      break;
    case 3: {
      const std::string section = *rc::gen::elementOf(kFleetSections);
      RC_LOG() << u << " file [X-Fleet] " << section;
      fleet.put(unit_key(u), str("[Service]\nExecStart=/bin/", u, "\n[X-Fleet]\n", section));
      break;
    }
    default: {  // an agent reports a state, only from a live machine
      if (!fleet.get(machine_key(m))) break;
      const auto state = *rc::gen::elementOf(std::vector<ActiveState>{
          ActiveState::kInactive, ActiveState::kActivating, ActiveState::kActive,
          ActiveState::kDeactivating, ActiveState::kFailed});
      RC_LOG() << u << " on " << m << " reports " << to_string(state) << "\n";
      fleet.state(m, u, state);
      break;
    }
  }
}

void check_pass(Fleet& fleet) {
  const Snapshot before = snapshot(fleet.entries());
  fleet.pass();
  const Snapshot after = snapshot(fleet.entries());
  std::map<std::string, int> non_global_count;
  for (const auto& [where, value] : after.assigned) {
    const auto& [unit, machine] = where;
    RC_ASSERT(fleet.get(machine_key(machine)).has_value());
    const auto text = fleet.get(unit_key(unit));
    RC_ASSERT(text.has_value());
    const auto desired = parse_desired_state(fleet.get(desired_key(unit)).value_or("inactive"));
    RC_ASSERT(desired.has_value() && *desired != DesiredState::kInactive);
    RC_ASSERT(value == encode(Assignment{*desired, *text}));
    if (text->find("Global=true") != std::string::npos) continue;
    ++non_global_count[unit];
    if (!before.assigned.contains(where)) {
      const auto running = after.running.find(unit);
      if (running != after.running.end()) {
        for (const std::string& other : running->second) RC_ASSERT(other == machine);
      }
    }
  }
  for (const auto& [unit, count] : non_global_count) RC_ASSERT(count == 1);
  for (int i = 0; i < kUnits; ++i) {
    const std::string unit = unit_name(i);
    if (!fleet.get(unit_key(unit)) ||
        fleet.get(desired_key(unit)).value_or("inactive") == "inactive") {
      continue;
    }
    const bool assigned = std::any_of(after.assigned.begin(), after.assigned.end(),
                                      [&](const auto& entry) { return entry.first.first == unit; });
    RC_ASSERT(assigned || fleet.get(unplaced_key(unit)).has_value());
  }
  RC_ASSERT(fleet.pass().writes.empty());
}

RC_GTEST_PROP(ReconcileProperty, PassesKeepEveryInvariantOverRandomHistories, ()) {
  Fleet fleet;
  const int events = *rc::gen::inRange(1, 40);
  for (int i = 0; i < events; ++i) {
    random_event(fleet);
    check_pass(fleet);
  }
}

}  // namespace
}  // namespace keel::fleet::test
