#include "core/fleet/reconcile.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/env/str.h"
#include "core/fleet/schema.h"
#include "core/fleet/unit_file.h"

namespace keel::fleet {
namespace {

// Machines named in one global unit's unplaced reason; the rest are counted.
constexpr std::size_t kMaxMachinesInReason = 8;

// What one pass reads from the copy of /fleet/.
struct Snapshot {
  std::vector<Machine> machines;
  std::map<std::string, const kv::KeyValue*> units;  // unit -> its /fleet/units/ key-value
  std::map<std::string, DesiredState> desired;
  std::map<std::string, const kv::KeyValue*> assigned;   // by assign key
  std::map<std::string, const kv::KeyValue*> unplaced;   // by unplaced key
  Placement current;                                     // unit -> machines, by machine id
  std::map<std::string, std::set<std::string>> running;  // unit -> machines it may run on
  std::vector<std::string> problems;
};

std::string_view text_of(const kv::KeyValue& kv) {
  return {reinterpret_cast<const char*>(kv.value.data()), kv.value.size()};
}
std::string_view text_of(const std::string& value) { return value; }
std::string_view text_of(const std::string* value) { return *value; }

void read_entry(Snapshot& s, const std::string& key, const kv::KeyValue& kv) {
  const std::string_view value = text_of(kv);
  const auto problem = [&](const Error& error) {
    s.problems.push_back(str(key, ": ", error.message));
  };
  if (auto unit = key_suffix(key, kUnitsPrefix)) {
    s.units[*unit] = &kv;
  } else if (auto desired_unit = key_suffix(key, kDesiredPrefix)) {
    auto desired = parse_desired_state(value);
    if (!desired) return problem(desired.error());
    s.desired[*desired_unit] = *desired;
  } else if (auto machine_id = key_suffix(key, kMachinesPrefix)) {
    auto machine = decode_machine(value);
    if (!machine) return problem(machine.error());
    if (machine->id != *machine_id) {
      return problem(Error{Errc::kInvalidArgument, str("the record names machine ", machine->id)});
    }
    s.machines.push_back(Machine{machine->id, machine->metadata, machine->capacity});
  } else if (auto assignment = key_pair(key, kAssignPrefix)) {
    s.assigned[key] = &kv;
    s.current[assignment->second].push_back(assignment->first);
  } else if (key_suffix(key, kUnplacedPrefix)) {
    s.unplaced[key] = &kv;
  } else if (auto state_of = key_pair(key, kStatePrefix)) {
    auto state = decode_unit_state(value);
    if (!state) problem(state.error());  // unreadable: it may be running
    if (!state || may_be_running(state->state)) s.running[state_of->second].insert(state_of->first);
  }
}

// Deletes of the existing keys not wanted, puts of the wanted keys missing or different.
template <class Wanted>
void diff(const std::map<std::string, const kv::KeyValue*>& existing, const Wanted& wanted,
          std::vector<StoreWrite>& deletes, std::vector<StoreWrite>& puts) {
  for (const auto& [key, kv] : existing) {
    if (!wanted.contains(key)) deletes.push_back({key, std::nullopt});
  }
  for (const auto& [key, value] : wanted) {
    const auto now = existing.find(key);
    if (now == existing.end() || text_of(*now->second) != text_of(value)) {
      puts.push_back({key, std::string(text_of(value))});
    }
  }
}

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += text.empty() ? name : str(", ", name);
  return text;
}

// Reasons of a global unit's machines in one line, naming at most kMaxMachinesInReason of them.
std::string global_reason(const std::vector<const Unplaced*>& entries) {
  std::string text;
  for (std::size_t i = 0; i < entries.size() && i < kMaxMachinesInReason; ++i) {
    text += str(i == 0 ? "" : "; ", "not on ", entries[i]->machine, ": ", entries[i]->reason);
  }
  if (entries.size() > kMaxMachinesInReason) {
    text += str("; and ", entries.size() - kMaxMachinesInReason, " more machines");
  }
  return text;
}

using Rules = std::map<std::string, const PlacementRules*>;
using Reasons = std::map<std::string, std::string>;  // unit -> why it has no machine

// The no-double-run rule: of the units `pending` a machine they are not assigned to, those that
// may be running on another machine wait, and so, to a fixed point, do the units whose MachineOf
// peer waits. Their reasons go to `reasons`.
std::set<std::string> hold_back(const std::map<std::string, std::string>& pending,
                                const Snapshot& s, const Rules& rules_of, Reasons& reasons) {
  std::set<std::string> waiting;
  for (const auto& [unit, planned] : pending) {
    const auto running = s.running.find(unit);
    if (running == s.running.end()) continue;
    std::set<std::string> elsewhere = running->second;
    elsewhere.erase(planned);
    if (elsewhere.empty()) continue;
    waiting.insert(unit);
    reasons[unit] = str("waiting for it to stop on ", joined(elsewhere));
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [unit, planned] : pending) {
      if (waiting.contains(unit)) continue;
      for (const std::string& peer : rules_of.at(unit)->machine_of) {
        if (!waiting.contains(peer)) continue;
        waiting.insert(unit);
        reasons[unit] = str("waiting for its MachineOf peer ", peer);
        grew = true;
        break;
      }
    }
  }
  return waiting;
}

// The plan's reasons: one per unplaced unit; a global unit's machines in one line, or, for a
// global unit on no machine for want of a matching one, that.
void add_plan_reasons(const Cluster& cluster, const Plan& plan, Reasons& reasons) {
  std::map<std::string, std::vector<const Unplaced*>> global_unplaced;
  for (const Unplaced& u : plan.unplaced) {
    if (u.machine.empty()) {
      reasons[u.unit] = u.reason;
    } else {
      global_unplaced[u.unit].push_back(&u);
    }
  }
  for (const auto& [unit, entries] : global_unplaced) reasons[unit] = global_reason(entries);
  for (const Unit& unit : cluster.units) {
    if (unit.rules.global && unit.desired != DesiredState::kInactive &&
        !plan.placement.contains(unit.name) && !reasons.contains(unit.name)) {
      reasons[unit.name] =
          str("no machine matches its MachineMetadata (of ", cluster.machines.size(), ")");
    }
  }
}

}  // namespace

const Reconciler::ParsedUnit& Reconciler::parse(const std::string& unit, const kv::KeyValue& kv) {
  auto found = parsed_.find(unit);
  if (found != parsed_.end() && found->second.mod_revision == kv.mod_revision) {
    return found->second;
  }
  ParsedUnit parsed{kv.mod_revision, fail(Errc::kInvalidArgument, ""), "", ""};
  auto file = parse_unit_file(unit, kv::to_string(kv.value));
  if (!file) {
    parsed.rules = fail(file.error().code, str("unit file: ", file.error().message));
  } else if (file->name.is_template) {
    parsed.rules = fail(Errc::kInvalidArgument, "a template is never placed; start its instances");
  } else {
    parsed.rules = placement_rules(*file);
    const std::string text = kv::to_string(kv.value);
    parsed.loaded = encode(Assignment{DesiredState::kLoaded, text});
    parsed.launched = encode(Assignment{DesiredState::kLaunched, text});
  }
  return parsed_.insert_or_assign(unit, std::move(parsed)).first->second;
}

Result<Reconciliation> Reconciler::run(const FleetEntries& fleet) {
  Snapshot s;
  for (const auto& [key, kv] : fleet) read_entry(s, key, kv);
  std::erase_if(parsed_, [&](const auto& entry) { return !s.units.contains(entry.first); });

  Cluster cluster;
  cluster.machines = std::move(s.machines);
  Reasons reasons;
  std::map<std::string, const std::string*> values;  // unit -> its assignment value
  Rules rules_of;
  for (const auto& [unit, kv] : s.units) {
    const auto desired_it = s.desired.find(unit);
    const DesiredState desired =
        desired_it == s.desired.end() ? DesiredState::kInactive : desired_it->second;
    const ParsedUnit& parsed = parse(unit, *kv);
    if (!parsed.rules) {
      if (desired != DesiredState::kInactive) reasons[unit] = parsed.rules.error().message;
      continue;
    }
    cluster.units.push_back(Unit{unit, *parsed.rules, desired});
    rules_of[unit] = &*parsed.rules;
    if (desired != DesiredState::kInactive) {
      values[unit] = desired == DesiredState::kLoaded ? &parsed.loaded : &parsed.launched;
    }
  }
  // A non-global unit keeps one current machine; the diff below deletes the others.
  for (auto& [unit, machines] : s.current) {
    const auto rules = rules_of.find(unit);
    if (rules != rules_of.end() && !rules->second->global && machines.size() > 1) {
      machines.resize(1);
    }
  }
  cluster.current = s.current;

  auto plan = plan_placement(cluster);
  if (!plan) return std::unexpected(plan.error());

  Reconciliation result;
  std::map<std::string, const std::string*> target;  // assign key -> value
  std::map<std::string, std::string> pending;  // non-global unit -> its planned, unassigned machine
  for (const auto& [unit, machines] : plan->placement) {
    if (rules_of.at(unit)->global) {
      for (const std::string& m : machines) target[assign_key(m, unit)] = values.at(unit);
      continue;
    }
    const std::string& planned = machines.front();
    const auto now = s.current.find(unit);
    if (now != s.current.end() && now->second.front() == planned) {
      target[assign_key(planned, unit)] = values.at(unit);
    } else {
      pending[unit] = planned;
    }
  }
  const std::set<std::string> waiting = hold_back(pending, s, rules_of, reasons);
  for (const auto& [unit, planned] : pending) {
    if (!waiting.contains(unit)) target[assign_key(planned, unit)] = values.at(unit);
  }
  result.waiting = waiting.size();

  add_plan_reasons(cluster, *plan, reasons);
  std::map<std::string, std::string> target_unplaced;
  for (const auto& [unit, reason] : reasons) {
    target_unplaced[unplaced_key(unit)] = encode_unplaced(reason);
  }

  std::vector<StoreWrite> puts;
  diff(s.assigned, target, result.writes, puts);
  diff(s.unplaced, target_unplaced, result.writes, puts);
  const auto by_key = [](const StoreWrite& a, const StoreWrite& b) { return a.key < b.key; };
  std::sort(result.writes.begin(), result.writes.end(), by_key);
  std::sort(puts.begin(), puts.end(), by_key);
  result.writes.insert(result.writes.end(), puts.begin(), puts.end());
  result.problems = std::move(s.problems);
  return result;
}

}  // namespace keel::fleet
