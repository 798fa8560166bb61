// The JSON of keeld's fleet API (fleet_api.h), in the shape of fleet's API v1 (fleet's
// Documentation/api-v1.md: camelCase fields, {"units": [...]}, {"machines": [...]}, errors as
// {"error": {"code": 404, "message": "..."}}), extended with what Keel records per machine.
//
//   units:    {"units":[{"name":"web.service","submitted":true,"desiredState":"launched",
//              "machines":[{"machineID":"n2","assigned":"launched","currentState":"failed",
//                           "exitCode":0,"restarts":0,"reason":"..."}],
//              "unplaced":"","problems":[],"file":"[Service]\n...","hash":"<sha-256 hex>"}]}
//             (file and hash are empty for a unit that is not submitted; unit_hash.h)
//   machines: {"machines":[{"id":"n1","primaryIP":"10.0.0.1","metadata":{"k":"v"},
//              "memoryBytes":0,"cpuPercent":0,"clientURL":"http://10.0.0.1:2379"}]}
//             (clientURL is empty for a machine that publishes none there: schema.h)
//   service:  {"service":"web","records":[{"unit":"web.service","machine":"n2","ip":"..",
//              "port":80}]}
//   PUT body: {"desiredState":"launched","file":"[Service]\nExecStart=..."}, both optional
//
// Contract: parse_unit_put never throws; a body that is not such an object is kInvalidArgument
// naming what is wrong. Writers escape every string (json_writer.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/fleet/commands.h"
#include "core/fleet/schema.h"

namespace keel::real::http {

struct UnitPut {
  std::optional<fleet::DesiredState> desired;
  std::optional<std::string> file;  // the unit file's text: submit it first
};

Result<UnitPut> parse_unit_put(std::string_view body);

std::string units_json(const std::vector<fleet::UnitListing>& units);
std::string machines_json(const std::vector<fleet::MachineRecord>& machines);
std::string service_json(std::string_view service,
                         const std::vector<fleet::ServiceRecord>& records);
// {"error":{"code":<status>,"message":"..."}}
std::string fleet_error_json(unsigned status, std::string_view message);

// The HTTP status for an error of the store or of a fleet command: 400 bad input, 404 not found,
// 409 already exists (a unit submitted with other content), 413 a limit, 503 no leader, timeout
// or unavailable (retry), 500 otherwise.
unsigned fleet_http_status(Errc code);

}  // namespace keel::real::http
