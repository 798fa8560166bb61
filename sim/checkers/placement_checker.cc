#include "sim/checkers/placement_checker.h"

#include <algorithm>
#include <map>

#include "core/env/str.h"

namespace keel::sim {
using namespace fleet;  // NOLINT: the checker speaks the placement engine's vocabulary
namespace {

bool matches_any(const std::vector<Glob>& globs, const std::string& name) {
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.matches(name); });
}

}  // namespace

std::vector<std::string> placement_violations(const Cluster& cluster, const Placement& placement) {
  std::vector<std::string> found;
  std::map<std::string, const Machine*> machines;
  for (const Machine& m : cluster.machines) machines[m.id] = &m;
  std::map<std::string, const Unit*> units;
  for (const Unit& u : cluster.units) units[u.name] = &u;
  std::map<std::string, std::vector<const Unit*>> on_machine;
  for (const auto& [name, where] : placement) {
    const auto unit = units.find(name);
    if (unit == units.end()) {
      found.push_back(str("unknown unit: ", name));
      continue;
    }
    const Unit& u = *unit->second;
    if (u.desired == DesiredState::kInactive) found.push_back(str("inactive unit placed: ", name));
    if (!u.rules.global && where.size() != 1) {
      found.push_back(str("non-global unit on ", where.size(), " machines: ", name));
    }
    for (const std::string& id : where) {
      const auto machine = machines.find(id);
      if (machine == machines.end()) {
        found.push_back(str("unknown machine: ", name, " on ", id));
        continue;
      }
      on_machine[id].push_back(&u);
      if (!u.rules.machine_id.empty() && u.rules.machine_id != id) {
        found.push_back(str("MachineID: ", name, " on ", id));
      }
      for (const auto& [key, values] : u.rules.machine_metadata) {
        const auto value = machine->second->metadata.find(key);
        if (value == machine->second->metadata.end() ||
            std::find(values.begin(), values.end(), value->second) == values.end()) {
          found.push_back(str("MachineMetadata: ", name, " on ", id));
        }
      }
      for (const std::string& peer : u.rules.machine_of) {
        const auto peer_where = placement.find(peer);
        if (peer_where == placement.end() ||
            std::find(peer_where->second.begin(), peer_where->second.end(), id) ==
                peer_where->second.end()) {
          found.push_back(str("MachineOf: ", name, " on ", id, " without ", peer));
        }
      }
    }
  }
  for (const auto& [id, here] : on_machine) {
    Resources used;
    for (const Unit* a : here) {
      used.memory_bytes += a->rules.reserved.memory_bytes;
      used.cpu_percent += a->rules.reserved.cpu_percent;
      for (const Unit* b : here) {
        if (a == b) continue;
        if (matches_any(a->rules.conflicts, b->name)) {
          found.push_back(str("Conflicts: ", a->name, " with ", b->name, " on ", id));
        }
        if (matches_any(a->rules.replaces, b->name)) {
          found.push_back(str("Replaces: ", a->name, " with ", b->name, " on ", id));
        }
      }
    }
    const Resources& capacity = machines.at(id)->capacity;
    if (used.memory_bytes > capacity.memory_bytes) found.push_back(str("memory: over on ", id));
    if (used.cpu_percent > capacity.cpu_percent) found.push_back(str("CPU: over on ", id));
  }
  return found;
}

}  // namespace keel::sim
