// GET /fleet/v1/state: what each machine's agent reports of each unit, in the shape of fleet's
// UnitState entity (fleet's Documentation/api-v1.md, "Current Unit State"):
//   {"states":[{"name":"web.service","hash":"<sha-256 hex>","machineID":"n2",
//               "systemdLoadState":"loaded","systemdActiveState":"active",
//               "systemdSubState":"running"}]}
// One entry per unit and machine that reports it, sorted by name, then machine. Filters, as
// fleet's API had: ?machineID=ID and ?unitName=NAME keep the entries that match exactly; any
// other parameter, or one given twice, is refused (kInvalidArgument).
//
// Keel's agent reports systemd's ActiveState (schema.h); the other two fields are derived as
// systemd names them for a service (systemd.service(5), `systemctl list-units`): a reported unit
// is "loaded", and its sub state is dead / start / running / stop-sigterm / failed for
// inactive / activating / active / deactivating / failed. The hash is that of the submitted
// text (unit_hash.h), or empty once the unit is destroyed but still reported.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/fleet/commands.h"
#include "real/http/form.h"

namespace keel::real::http {

struct StateFilter {
  std::optional<std::string> machine;
  std::optional<std::string> unit;
};

struct UnitStateEntry {
  std::string name;
  std::string hash;
  std::string machine;
  std::string load_state;
  std::string active_state;
  std::string sub_state;
  bool operator==(const UnitStateEntry&) const = default;
};

// The filter of a request's parameters (form.h).
Result<StateFilter> parse_state_filter(const Form& form);

// The entries of list-units' rows (commands.h) that pass `filter`, sorted by name then machine.
std::vector<UnitStateEntry> unit_states(const std::vector<fleet::UnitListing>& units,
                                        const StateFilter& filter);

// systemd's sub state of a service in `state`.
std::string_view systemd_sub_state(fleet::ActiveState state);

std::string states_json(const std::vector<UnitStateEntry>& states);

}  // namespace keel::real::http
