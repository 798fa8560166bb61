// JournalApi: the tail of a unit's log on THIS machine (fleetctl journal's server side; fleet
// ran `journalctl -u UNIT -n N` over ssh on the unit's machine, Keel asks that machine's keeld):
//   GET /fleet/v1/journal/<unit>?lines=N   200, text/plain: the last N lines, oldest first, each
//                                          ending in '\n' (container_log.h's tail_log)
// `lines` defaults to kDefaultJournalLines and must be a whole number in [1, kMaxJournalLines]
// (DESIGN.md principle 6), else 400. A unit with no log here is 404 naming the unit. Errors are
// fleet's JSON errors (fleet_api.h). Other methods: 405. Reading is a few small local files, done
// on the loop as the logs are written (container_log.h).
#pragma once

#include <cstddef>
#include <string>

#include "real/http/router.h"

namespace keel::real::http {

inline constexpr std::size_t kDefaultJournalLines = 10;
inline constexpr std::size_t kMaxJournalLines = 10'000;

// Adds the route, serving the logs under `log_dir` (<log_dir>/<unit>.log, posix_env.h's
// container_log_dir).
void add_journal_route(Router& router, std::string log_dir);

}  // namespace keel::real::http
