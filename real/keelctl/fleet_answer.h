// The JSON answers of keeld's fleet API that keelctl reads (real/http/fleet_json.h writes them):
// the unit list, the machine list, a service's records and an error.
//
// Contract: the parsers never throw or assert on input; an answer that is not JSON, lacks a
// required field or holds a state keelctl does not know is a kCorrupt Error naming what is wrong.
// Fields keelctl does not use are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/fleet/commands.h"
#include "core/fleet/schema.h"

namespace keel::real::keelctl {

Result<std::vector<fleet::UnitListing>> parse_fleet_units(std::string_view body);
Result<std::vector<fleet::MachineRecord>> parse_fleet_machines(std::string_view body);
Result<std::vector<fleet::ServiceRecord>> parse_fleet_service(std::string_view body);
// The message of {"error":{"code":..,"message":..}}.
Result<std::string> parse_fleet_error(std::string_view body);

}  // namespace keel::real::keelctl
