// The fleet verbs about submitted unit files (fleetctl's, over GET /fleet/v1/units):
//   cat UNIT            prints the unit file exactly as submitted
//   list-unit-files     a table UNIT HASH DSTATE STATE TARGET (fleetctl list-unit-files): HASH
//                       is the first 7 hex digits of the file's hash (real/http/unit_hash.h, the
//                       hash GET /fleet/v1/state shows), DSTATE the desired state, STATE what the
//                       engine assigned (fleet's job state: inactive while unassigned), TARGET
//                       the machines it is assigned to ("-" when none)
// A unit that is not submitted: "Error: unit NAME not found", exit 1.
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> unit_file_verbs();

}  // namespace keel::real::keelctl
