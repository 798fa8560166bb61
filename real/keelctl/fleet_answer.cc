#include "real/keelctl/fleet_answer.h"

#include <boost/property_tree/ptree.hpp>
#include <limits>

#include "core/env/str.h"
#include "real/keelctl/json_answer.h"

namespace keel::real::keelctl {
namespace {

using boost::property_tree::ptree;

Result<const ptree*> array(const ptree& tree, std::string_view field) {
  const auto child = tree.get_child_optional(std::string(field));
  if (!child) return fail(Errc::kCorrupt, str("the answer lacks its \"", field, "\""));
  return &*child;
}

template <class T>
Result<T> number(const ptree& tree, std::string_view field) {
  const auto value = tree.get_optional<T>(std::string(field));
  if (!value) return fail(Errc::kCorrupt, str("the answer lacks a numeric \"", field, "\""));
  return *value;
}

Result<fleet::UnitOnMachine> parse_on_machine(const ptree& tree) {
  fleet::UnitOnMachine on;
  on.machine = tree.get<std::string>("machineID", "");
  if (on.machine.empty()) return fail(Errc::kCorrupt, "a unit's machine lacks its \"machineID\"");
  if (const std::string assigned = tree.get<std::string>("assigned", ""); !assigned.empty()) {
    auto desired = fleet::parse_desired_state(assigned);
    if (!desired) return fail(Errc::kCorrupt, str("unknown assigned state '", assigned, "'"));
    on.assigned = *desired;
  }
  if (const std::string current = tree.get<std::string>("currentState", ""); !current.empty()) {
    auto state = fleet::parse_active_state(current);
    if (!state) return fail(Errc::kCorrupt, str("unknown current state '", current, "'"));
    auto exit_code = number<int>(tree, "exitCode");
    auto restarts = number<std::uint32_t>(tree, "restarts");
    if (!exit_code) return std::unexpected(exit_code.error());
    if (!restarts) return std::unexpected(restarts.error());
    on.reported = fleet::UnitState{.state = *state,
                                   .exit_code = *exit_code,
                                   .restarts = *restarts,
                                   .reason = tree.get<std::string>("reason", "")};
  }
  return on;
}

Result<fleet::UnitListing> parse_unit(const ptree& tree) {
  fleet::UnitListing unit;
  unit.unit = tree.get<std::string>("name", "");
  if (unit.unit.empty()) return fail(Errc::kCorrupt, "a unit lacks its \"name\"");
  unit.submitted = tree.get<bool>("submitted", false);
  const std::string desired_text = tree.get<std::string>("desiredState", "");
  auto desired = fleet::parse_desired_state(desired_text);
  if (!desired) {
    return fail(Errc::kCorrupt,
                str("unit ", unit.unit, ": unknown desiredState '", desired_text, "'"));
  }
  unit.desired = *desired;
  unit.unplaced = tree.get<std::string>("unplaced", "");
  unit.file = tree.get<std::string>("file", "");
  if (const auto machines = tree.get_child_optional("machines")) {
    for (const auto& [ignored, child] : *machines) {
      auto on = parse_on_machine(child);
      if (!on) return fail(Errc::kCorrupt, str("unit ", unit.unit, ": ", on.error().message));
      unit.machines.push_back(std::move(*on));
    }
  }
  if (const auto problems = tree.get_child_optional("problems")) {
    for (const auto& [ignored, child] : *problems) unit.problems.push_back(child.data());
  }
  return unit;
}

}  // namespace

Result<std::vector<fleet::UnitListing>> parse_fleet_units(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  auto units = array(*tree, "units");
  if (!units) return std::unexpected(units.error());
  std::vector<fleet::UnitListing> out;
  for (const auto& [ignored, child] : **units) {
    auto unit = parse_unit(child);
    if (!unit) return std::unexpected(unit.error());
    out.push_back(std::move(*unit));
  }
  return out;
}

Result<std::vector<fleet::MachineRecord>> parse_fleet_machines(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  auto machines = array(*tree, "machines");
  if (!machines) return std::unexpected(machines.error());
  std::vector<fleet::MachineRecord> out;
  for (const auto& [ignored, child] : **machines) {
    fleet::MachineRecord& machine = out.emplace_back();
    machine.id = child.get<std::string>("id", "");
    if (machine.id.empty()) return fail(Errc::kCorrupt, "a machine lacks its \"id\"");
    machine.ip = child.get<std::string>("primaryIP", "");
    if (const auto metadata = child.get_child_optional("metadata")) {
      for (const auto& [key, value] : *metadata) machine.metadata[key] = value.data();
    }
    machine.capacity.memory_bytes = child.get<std::uint64_t>("memoryBytes", 0);
    machine.capacity.cpu_percent = child.get<std::uint64_t>("cpuPercent", 0);
    machine.client_url = child.get<std::string>("clientURL", "");
  }
  return out;
}

Result<std::vector<fleet::ServiceRecord>> parse_fleet_service(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  auto records = array(*tree, "records");
  if (!records) return std::unexpected(records.error());
  std::vector<fleet::ServiceRecord> out;
  for (const auto& [ignored, child] : **records) {
    auto port = number<std::uint32_t>(child, "port");
    if (!port || *port > std::numeric_limits<std::uint16_t>::max()) {
      return fail(Errc::kCorrupt, "a service record lacks a port from 0 to 65535");
    }
    out.push_back(fleet::ServiceRecord{.name = tree->get<std::string>("service", ""),
                                       .unit = child.get<std::string>("unit", ""),
                                       .machine = child.get<std::string>("machine", ""),
                                       .ip = child.get<std::string>("ip", ""),
                                       .port = static_cast<std::uint16_t>(*port)});
  }
  return out;
}

Result<std::string> parse_fleet_error(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  const auto message = tree->get_optional<std::string>("error.message");
  if (!message) return fail(Errc::kCorrupt, "the answer lacks its \"error\".\"message\"");
  return *message;
}

}  // namespace keel::real::keelctl
