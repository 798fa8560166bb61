// JournalApi: the tail of a unit's log on THIS machine (fleetctl journal's server side; fleet
// ran `journalctl -u UNIT -n N` over ssh on the unit's machine, Keel asks that machine's keeld):
//   GET /fleet/v1/journal/<unit>?lines=N   200, text/plain: the last N lines, oldest first, each
//                                          ending in '\n' (container_log.h's tail_log)
//   GET /fleet/v1/journal/<unit>?offset=K  200, text/plain: the whole lines written to the
//                                          current log file from byte K on, at most
//                                          kMaxJournalPieceBytes (container_log.h's
//                                          read_log_from; `journalctl -f`'s server side)
// Both answers carry the header X-Keel-Log-Offset: the offset to ask for next to follow the log.
// `lines` defaults to kDefaultJournalLines and must be a whole number in [1, kMaxJournalLines]
// (DESIGN.md principle 6), `offset` a whole number; giving both is 400, as is a bad value. A unit
// with no log here is 404 naming the unit. Errors are fleet's JSON errors (fleet_api.h). Other
// methods: 405. Reading is a few small local files, done on the loop as the logs are written
// (container_log.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "real/http/router.h"

namespace keel::real::http {

inline constexpr std::size_t kDefaultJournalLines = 10;
inline constexpr std::size_t kMaxJournalLines = 10'000;
inline constexpr std::size_t kMaxJournalPieceBytes = 64 << 10;
inline constexpr std::string_view kLogOffsetHeader = "X-Keel-Log-Offset";

// Adds the route, serving the logs under `log_dir` (<log_dir>/<unit>.log, posix_env.h's
// container_log_dir).
void add_journal_route(Router& router, std::string log_dir);

}  // namespace keel::real::http
