#include "real/keelctl/unit_file_verbs.h"

#include "core/env/str.h"
#include "real/http/unit_hash.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_get.h"
#include "real/keelctl/table.h"

namespace keel::real::keelctl {
namespace {

// fleetctl list-unit-files shows this many hex digits of a hash (fleetctl's unit hash column).
constexpr std::size_t kShortHashDigits = 7;

int run_cat(const VerbCall& call) {
  auto units = get_units(call);
  if (!units) return units.error();
  auto row = find_submitted(call, *units, call.operands[0]);
  if (!row) return row.error();
  call.out << (*row)->file;
  return kExitOk;
}

// What the engine assigned the unit, and where: fleet's job state and target machines.
std::pair<std::string, std::string> assignment_of(const fleet::UnitListing& unit) {
  std::string state(fleet::to_string(fleet::DesiredState::kInactive));
  std::string machines;
  for (const fleet::UnitOnMachine& on : unit.machines) {
    if (!on.assigned) continue;
    state = fleet::to_string(*on.assigned);
    machines += str(machines.empty() ? "" : ",", on.machine);
  }
  return {state, machines.empty() ? "-" : machines};
}

int run_list_unit_files(const VerbCall& call) {
  auto units = get_units(call);
  if (!units) return units.error();
  Table table({"UNIT", "HASH", "DSTATE", "STATE", "TARGET"});
  for (const fleet::UnitListing& unit : *units) {
    if (!unit.submitted) continue;
    const auto [state, target] = assignment_of(unit);
    table.add_row({unit.unit, http::unit_file_hash(unit.file).substr(0, kShortHashDigits),
                   std::string(fleet::to_string(unit.desired)), state, target});
  }
  call.out << table.render();
  return kExitOk;
}

}  // namespace

std::vector<Verb> unit_file_verbs() {
  return {
      {.name = "cat",
       .operands = "UNIT",
       .summary = "print a unit file as it was submitted",
       .min_operands = 1,
       .max_operands = 1,
       .flags = {},
       .run = run_cat},
      {.name = "list-unit-files",
       .operands = "",
       .summary = "list submitted unit files, their hashes, states and machines",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {},
       .run = run_list_unit_files},
  };
}

}  // namespace keel::real::keelctl
