#include "real/http/fleet_state.h"

#include <algorithm>
#include <tuple>

#include "core/env/str.h"
#include "real/http/json_writer.h"
#include "real/http/unit_hash.h"

namespace keel::real::http {

std::string_view systemd_sub_state(fleet::ActiveState state) {
  switch (state) {
    case fleet::ActiveState::kInactive:
      return "dead";
    case fleet::ActiveState::kActivating:
      return "start";
    case fleet::ActiveState::kActive:
      return "running";
    case fleet::ActiveState::kDeactivating:
      return "stop-sigterm";
    case fleet::ActiveState::kFailed:
      return "failed";
  }
  return "dead";
}

Result<StateFilter> parse_state_filter(const Form& form) {
  StateFilter filter;
  for (const std::string_view name : form.names()) {
    std::optional<std::string>* field = name == "machineID"  ? &filter.machine
                                        : name == "unitName" ? &filter.unit
                                                             : nullptr;
    if (field == nullptr) {
      return fail(Errc::kInvalidArgument,
                  str("unknown parameter '", name, "' (expected machineID and unitName)"));
    }
    if (field->has_value()) return fail(Errc::kInvalidArgument, str(name, " is given twice"));
    *field = form.get(name);
  }
  return filter;
}

std::vector<UnitStateEntry> unit_states(const std::vector<fleet::UnitListing>& units,
                                        const StateFilter& filter) {
  std::vector<UnitStateEntry> states;
  for (const fleet::UnitListing& unit : units) {
    if (filter.unit && *filter.unit != unit.unit) continue;
    const std::string hash = unit.submitted ? unit_file_hash(unit.file) : "";
    for (const fleet::UnitOnMachine& on : unit.machines) {
      if (!on.reported || (filter.machine && *filter.machine != on.machine)) continue;
      states.push_back({.name = unit.unit,
                        .hash = hash,
                        .machine = on.machine,
                        .load_state = "loaded",
                        .active_state = std::string(fleet::to_string(on.reported->state)),
                        .sub_state = std::string(systemd_sub_state(on.reported->state))});
    }
  }
  std::ranges::sort(
      states, {}, [](const UnitStateEntry& entry) { return std::tie(entry.name, entry.machine); });
  return states;
}

std::string states_json(const std::vector<UnitStateEntry>& states) {
  JsonWriter json;
  json.begin_object().key("states").begin_array();
  for (const UnitStateEntry& state : states) {
    json.begin_object().key("name").value(state.name).key("hash").value(state.hash);
    json.key("machineID").value(state.machine);
    json.key("systemdLoadState").value(state.load_state);
    json.key("systemdActiveState").value(state.active_state);
    json.key("systemdSubState").value(state.sub_state);
    json.end_object();
  }
  json.end_array().end_object();
  return json.text() + "\n";
}

}  // namespace keel::real::http
