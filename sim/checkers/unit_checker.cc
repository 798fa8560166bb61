#include "sim/checkers/unit_checker.h"

#include <chrono>

#include "core/env/str.h"
#include "sim/checkers/placement_checker.h"

namespace keel::sim {
namespace {

double seconds(Time t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

}  // namespace

UnitChecker::UnitChecker(std::vector<fleet::Machine> machines, std::vector<fleet::Unit> units,
                         Duration fencing_margin)
    : fencing_margin_(fencing_margin) {
  cluster_.machines = std::move(machines);
  cluster_.units = std::move(units);
  for (const fleet::Unit& unit : cluster_.units) units_[unit.name] = &unit;
}

void UnitChecker::violation(Time now, std::string check, std::string detail) {
  if (!reported_.insert(check + detail).second) return;
  violations_.push_back(Violation{std::move(check), str(detail, " (at ", seconds(now), "s)")});
}

void UnitChecker::on_live(Time now, const std::string& machine, const std::string& unit,
                          ContainerId id) {
  ++processes_checked_;
  for (const auto& [key, process] : processes_) {
    if (process.unit != unit) continue;
    if (process.machine == machine) {
      violation(now, "one process per unit",
                str(unit, " has two processes on ", machine, " (containers ", key.second, " and ",
                    id, ")"));
      continue;
    }
    const auto known = units_.find(unit);
    if (known != units_.end() && known->second->rules.global) continue;
    if (could_not_fence(now, process.machine)) {
      ++excused_double_runs_;
      continue;
    }
    violation(now, "no double run",
              str(unit, " runs on ", process.machine, " and on ", machine, " at once"));
  }
  processes_[{machine, id}] = Process{machine, unit, now};
  check_rules(now, machine);
}

void UnitChecker::on_gone(Time, const std::string& machine, ContainerId id) {
  processes_.erase({machine, id});
}

void UnitChecker::on_paused(const std::string& machine) { paused_.insert(machine); }

void UnitChecker::on_resumed(Time now, const std::string& machine) {
  paused_.erase(machine);
  resumed_at_[machine] = now;
}

bool UnitChecker::could_not_fence(Time now, const std::string& machine) const {
  if (paused_.contains(machine)) return true;
  const auto resumed = resumed_at_.find(machine);
  return resumed != resumed_at_.end() && now - resumed->second < fencing_margin_;
}

void UnitChecker::check_rules(Time now, const std::string& machine) {
  fleet::Placement here;
  for (const auto& [key, process] : processes_) {
    if (process.machine == machine && units_.contains(process.unit)) {
      here[process.unit] = {machine};
    }
  }
  for (std::string& found : placement_violations(cluster_, here)) {
    if (found.starts_with("MachineOf:") || found.starts_with("inactive unit placed:")) continue;
    violation(now, "placement rules", str(std::move(found), " (processes on ", machine, ")"));
  }
}

void UnitChecker::check_fenced(Time now, const std::string& machine, Time expired) {
  for (const auto& [key, process] : processes_) {
    if (process.machine == machine && process.since < expired) {
      violation(now, "self-fencing",
                str(process.unit, " still runs on ", machine, " ", seconds(now) - seconds(expired),
                    "s after the machine's lease expired at ", seconds(expired), "s"));
    }
  }
}

std::map<std::string, std::set<std::string>> UnitChecker::live() const {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [key, process] : processes_) out[process.unit].insert(process.machine);
  return out;
}

}  // namespace keel::sim
