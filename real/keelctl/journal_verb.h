// The journal verb (fleetctl journal): a unit's last log lines, read from the machine that runs
// it, since each machine keeps its own units' logs (real/containers/container_log.h).
//   journal UNIT [--lines N]   finds the unit's machine in list-units (GET /fleet/v1/units), that
//                              machine's client URL (journal_client.h: /v2/members for a
//                              member, its machine record for a worker), and
//                              prints what GET <url>/fleet/v1/journal/<unit>?lines=N answers
//                              (real/http/journal_api.h); N from 1 to kMaxJournalLines, default 10
//   journal UNIT --follow | -f [--lines N]
//                              prints those lines, then follows the log as `tail -f` does
//                              (journal_follow.h: a poll every 250 ms) until SIGINT or SIGTERM,
//                              then exits 0; a failed poll ends it with the error
// A unit on a machine with no known client URL cannot be reached this way: the verb says so and
// names the machine (exit 3, as when no endpoint answers). Errors print "Error: <reason>"; a unit
// list-units does not show, or shows on no machine, is exit 1.
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> journal_verbs();

}  // namespace keel::real::keelctl
