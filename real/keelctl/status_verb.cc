#include "real/keelctl/status_verb.h"

#include "core/env/str.h"
#include "core/fleet/limits.h"
#include "real/http/fleet_state.h"
#include "real/http/journal_api.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_get.h"
#include "real/keelctl/journal_client.h"

namespace keel::real::keelctl {
namespace {

std::string describe(const fleet::UnitState& state) {
  return str(fleet::to_string(state.state), " (", http::systemd_sub_state(state.state), "), exit ",
             state.exit_code, ", restarts ", state.restarts);
}

// The journal part of a unit's status: its last lines, or why they cannot be read.
std::string journal_status(const VerbCall& call, const fleet::UnitListing& unit) {
  const auto machine = journal_machine(unit);
  if (!machine) return "  journal:  - (on no machine)\n";
  auto url = machine_client_url(call, *machine);
  if (!url) return str("  journal:  ", url.error().message, "\n");
  auto tail = get_journal(call, *url, unit.unit, str("lines=", http::kDefaultJournalLines));
  if (!tail) return str("  journal:  ", tail.error().message, "\n");
  return str("  journal (", *machine, ", last ", http::kDefaultJournalLines, " lines):\n",
             tail->body);
}

int run_status(const VerbCall& call) {
  auto units = get_units(call);
  if (!units) return units.error();
  for (std::size_t i = 0; i < call.operands.size(); ++i) {
    auto row = find_submitted(call, *units, call.operands[i]);
    if (!row) return row.error();
    call.out << (i > 0 ? "\n" : "") << format_unit_status(**row) << journal_status(call, **row)
             << std::flush;
  }
  return kExitOk;
}

}  // namespace

std::string format_unit_status(const fleet::UnitListing& unit) {
  std::string text = str(unit.unit, "\n  desired:  ", fleet::to_string(unit.desired), "\n");
  if (unit.machines.empty()) text += "  machine:  -\n";
  for (const fleet::UnitOnMachine& on : unit.machines) {
    text += str("  machine:  ", on.machine,
                " (assigned: ", on.assigned ? fleet::to_string(*on.assigned) : "-", ")\n");
    text += str("  state:    ", on.reported ? describe(*on.reported) : "-", "\n");
    if (on.reported && !on.reported->reason.empty()) {
      text += str("  reason:   ", on.reported->reason, "\n");
    }
  }
  if (!unit.unplaced.empty()) text += str("  unplaced: ", unit.unplaced, "\n");
  for (const std::string& problem : unit.problems) text += str("  problem:  ", problem, "\n");
  return text;
}

std::vector<Verb> status_verbs() {
  return {{.name = "status",
           .operands = "UNIT...",
           .summary = "show units' states on their machines and their last journal lines",
           .min_operands = 1,
           .max_operands = fleet::kMaxUnits,
           .flags = {},
           .run = run_status}};
}

}  // namespace keel::real::keelctl
