// Reaching a unit's journal on the machine that runs it: the machine's client URL (a member's
// from /v2/members, which lists the client URLs members publish; a worker's from its machine
// record at /fleet/v1/machines, core/fleet/schema.h) and a GET of its /fleet/v1/journal/<unit>
// (real/http/journal_api.h). Used by `journal` and `status`.
//
// Contract: machine_client_url fails with kUnavailable naming the machine when it publishes no
// client URL or is gone; get_journal returns a 200 answer, or the API's error message as
// kIo (an endpoint answered: exit 1, not 3) and kUnavailable when the machine cannot be reached.
#pragma once

#include <optional>
#include <string>

#include "core/env/error.h"
#include "core/fleet/commands.h"
#include "real/keelctl/http_client.h"
#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

// The machine whose journal tells of `unit`: the one the engine assigned it to, else one that
// reports it (a unit being moved may show both; the assignment is where it runs next); nullopt
// when it is on no machine.
std::optional<std::string> journal_machine(const fleet::UnitListing& unit);

Result<HttpUrl> machine_client_url(const VerbCall& call, const std::string& machine);

// GET /fleet/v1/journal/<unit>?<query> at `url`, bounded by the endpoints' timeout.
Result<HttpAnswer> get_journal(const VerbCall& call, const HttpUrl& url, const std::string& unit,
                               const std::string& query);

}  // namespace keel::real::keelctl
