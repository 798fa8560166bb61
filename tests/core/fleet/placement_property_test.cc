// Properties of the placement engine over random clusters (rapidcheck): placements never break a
// rule or a capacity, every unit is placed or says why, Global units cover every matching
// machine, the plan does not depend on input order, and a lost machine's units move to eligible
// machines only while the others stay.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "core/env/str.h"
#include "core/fleet/placement.h"
#include "core/fleet/placement_test_util.h"
#include "sim/checkers/placement_checker.h"

namespace keel::fleet::test {
using sim::placement_violations;
namespace {

Cluster random_cluster() {
  Cluster c;
  const int machines = *rc::gen::inRange(1, 7);
  for (int i = 0; i < machines; ++i) {
    std::map<std::string, std::string> metadata;
    if (*rc::gen::inRange(0, 4) > 0)
      metadata["region"] = *rc::gen::elementOf(std::vector<std::string>{"a", "b"});
    c.machines.push_back(
        machine(str("m", i), *rc::gen::inRange(1, 9), *rc::gen::inRange(1, 5), metadata));
  }
  const int units = *rc::gen::inRange(0, 17);
  for (int j = 0; j < units; ++j) {
    const bool web = *rc::gen::inRange(0, 3) == 0;
    Unit u = unit(web ? str("web@", j, ".service") : str("u", j, ".service"));
    PlacementRules& r = u.rules;
    r.reserved = {static_cast<std::uint64_t>(*rc::gen::inRange(0, 4)) * kGiB,
                  static_cast<std::uint64_t>(*rc::gen::inRange(0, 3)) * 100};
    if (*rc::gen::inRange(0, 4) == 0) {
      r.machine_metadata["region"] =
          *rc::gen::elementOf(std::vector<std::vector<std::string>>{{"a"}, {"b"}, {"a", "b"}});
    }
    // The combinations a unit file may hold (unit_file.h refuses the others).
    switch (*rc::gen::inRange(0, 8)) {
      case 0:
        r.global = true;
        break;
      case 1:
        r.machine_id = str("m", *rc::gen::inRange(0, machines + 1));
        break;
      case 2:
        if (j > 0) r.machine_of = {c.units[*rc::gen::inRange(0, j)].name};
        break;
      case 3:
        if (j > 0) r.replaces = globs({c.units[*rc::gen::inRange(0, j)].name});
        break;
      default:
        break;
    }
    if (web && !r.global && r.machine_id.empty()) r.conflicts = globs({"web@*"});
    if (!r.machine_of.empty() &&
        std::any_of(r.conflicts.begin(), r.conflicts.end(),
                    [&](const Glob& g) { return g.matches(r.machine_of[0]); })) {
      r.machine_of.clear();
    }
    u.desired = *rc::gen::elementOf(
        std::vector<DesiredState>{DesiredState::kLaunched, DesiredState::kLaunched,
                                  DesiredState::kLoaded, DesiredState::kInactive});
    c.units.push_back(std::move(u));
  }
  // Where units are now: anything, even where they may not be, and on machines that are gone.
  for (const Unit& u : c.units) {
    const int count = u.rules.global ? *rc::gen::inRange(0, machines + 1) : *rc::gen::inRange(0, 2);
    std::vector<std::string> where;
    for (int k = 0; k < count; ++k) {
      std::string id = str("m", *rc::gen::inRange(0, machines + 1));
      if (std::find(where.begin(), where.end(), id) == where.end()) where.push_back(id);
    }
    std::sort(where.begin(), where.end());
    if (!where.empty()) c.current[u.name] = where;
  }
  return c;
}

bool matches_metadata(const Unit& u, const Machine& m) {
  return std::all_of(
      u.rules.machine_metadata.begin(), u.rules.machine_metadata.end(), [&](const auto& wanted) {
        const auto have = m.metadata.find(wanted.first);
        return have != m.metadata.end() && std::find(wanted.second.begin(), wanted.second.end(),
                                                     have->second) != wanted.second.end();
      });
}

bool is_unplaced(const Plan& plan, const std::string& unit, const std::string& machine) {
  return std::any_of(plan.unplaced.begin(), plan.unplaced.end(), [&](const Unplaced& u) {
    return u.unit == unit && u.machine == machine && !u.reason.empty();
  });
}

Plan plan_of(const Cluster& c) {
  auto plan = plan_placement(c);
  RC_ASSERT(plan.has_value());
  return *plan;
}

RC_GTEST_PROP(PlacementProperty, NeverBreaksARuleAndEveryUnitIsPlacedOrSaysWhy, ()) {
  const Cluster c = random_cluster();
  const Plan plan = plan_of(c);
  RC_ASSERT(placement_violations(c, plan.placement) == std::vector<std::string>{});
  for (const Unit& u : c.units) {
    if (u.desired == DesiredState::kInactive) {
      RC_ASSERT(!plan.placement.contains(u.name));
    } else if (u.rules.global) {
      const auto placed = plan.placement.find(u.name);
      for (const Machine& m : c.machines) {
        if (!matches_metadata(u, m)) continue;
        const bool on =
            placed != plan.placement.end() &&
            std::find(placed->second.begin(), placed->second.end(), m.id) != placed->second.end();
        RC_ASSERT(on != is_unplaced(plan, u.name, m.id));
      }
    } else {
      RC_ASSERT(plan.placement.contains(u.name) != is_unplaced(plan, u.name, ""));
    }
  }
}

RC_GTEST_PROP(PlacementProperty, ThePlanDoesNotDependOnInputOrder, ()) {
  const Cluster c = random_cluster();
  Cluster shuffled = c;
  std::reverse(shuffled.machines.begin(), shuffled.machines.end());
  std::rotate(
      shuffled.units.begin(),
      shuffled.units.begin() +
          (shuffled.units.empty() ? 0 : *rc::gen::inRange<std::size_t>(0, shuffled.units.size())),
      shuffled.units.end());
  const Plan a = plan_of(c), b = plan_of(shuffled);
  RC_ASSERT(a.placement == b.placement);
  RC_ASSERT(a.changes == b.changes);
  RC_ASSERT(a.unplaced.size() == b.unplaced.size());
  for (std::size_t i = 0; i < a.unplaced.size(); ++i)
    RC_ASSERT(a.unplaced[i].reason == b.unplaced[i].reason);
}

// A machine is lost: its units move to eligible machines only (the checker), and a unit elsewhere
// moves only when a unit that replaces it took its machine, or its MachineOf peer moved.
RC_GTEST_PROP(PlacementProperty, ALostMachinesUnitsMoveAndTheRestStay, ()) {
  Cluster c = random_cluster();
  c.current = plan_of(c).placement;
  const std::size_t lost = *rc::gen::inRange<std::size_t>(0, c.machines.size());
  const std::string lost_id = c.machines[lost].id;
  c.machines.erase(c.machines.begin() + static_cast<long>(lost));
  const Plan plan = plan_of(c);
  RC_ASSERT(placement_violations(c, plan.placement) == std::vector<std::string>{});
  for (const Change& change : plan.changes) {
    if (change.kind == Change::Kind::kPlace || change.from == lost_id) continue;
    RC_ASSERT(change.reason.find("replaced by") != std::string::npos ||
              change.reason.find("MachineOf peer") != std::string::npos);
  }
  for (const auto& [unit, machines] : plan.placement) {
    RC_ASSERT(std::find(machines.begin(), machines.end(), lost_id) == machines.end());
  }
}

}  // namespace
}  // namespace keel::fleet::test
