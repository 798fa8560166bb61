// keelctl status UNIT... (fleetctl status, which showed `systemctl status` and the journal from
// the unit's machine): for each unit, from GET /fleet/v1/units, its desired state and, per machine,
// what the engine assigned there and what the agent reports (systemd's active and sub state, the
// last exit code, the restarts, the reason it failed), why it is unplaced if it is, then its last
// 10 journal lines from its machine (journal_client.h). Units are separated by a blank line.
// A journal that cannot be read (a machine gone, a log not written yet) is one line "  journal:
// <why>"; the status is still shown and the exit is 0. A unit that is not submitted stops the verb
// with "Error: unit NAME not found", exit 1.
#pragma once

#include <string>
#include <vector>

#include "core/fleet/commands.h"
#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> status_verbs();

// The lines of `unit`'s status before its journal:
//   web.service
//     desired:  launched
//     machine:  n2 (assigned: launched)
//     state:    failed (failed), exit 3, restarts 1
//     reason:   <why it failed>                 (when the agent gave one)
//     unplaced: <why it has no machine>         (when the engine gave one)
//     problem:  <a record that could not be read>
// "-" stands for what was not assigned or reported.
std::string format_unit_status(const fleet::UnitListing& unit);

}  // namespace keel::real::keelctl
