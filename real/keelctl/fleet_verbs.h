// The fleet verbs (fleetctl's, over keeld's fleet API: real/http/fleet_api.h):
//   submit FILE...           sends each unit file; the unit is named after the file's base name
//                            ("web.service"); prints "Unit NAME submitted"
//   load|start|stop|unload UNIT...
//                            sets the desired state loaded, launched, loaded, inactive; prints
//                            "Unit NAME loaded" (launched, loaded, inactive)
//   destroy UNIT...          removes the unit; prints "Unit NAME destroyed"
//   list-units               a table UNIT DESIRED MACHINE ASSIGNED STATE NOTE (fleet's
//                            format_unit_list: one line per unit and machine; NOTE carries a
//                            failed unit's reason and why an unplaced unit has no machine)
//   list-machines            a table MACHINE IP METADATA (fleetctl list-machines)
//   service NAME [--consistent]
//                            a table UNIT MACHINE ADDRESS of the service's announcements, from
//                            the answering member's catalog, or with --consistent a
//                            linearizable read
// With several units, each is sent in turn and the first failure stops the verb (fleetctl does
// the same). Errors print "Error: <reason>" with the reason the cluster gave.
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> fleet_verbs();

}  // namespace keel::real::keelctl
