#include "real/http/fleet_json.h"

// Boost.PropertyTree's JSON reader is enough for the flat PUT body (two string fields); it keeps
// scalars as text, so "desiredState": 3 is caught by parse_desired_state.
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <sstream>

#include "core/env/str.h"
#include "real/http/json_writer.h"
#include "real/http/unit_hash.h"

namespace keel::real::http {
namespace {

using boost::property_tree::ptree;

void write_unit_on_machine(JsonWriter& json, const fleet::UnitOnMachine& on) {
  json.begin_object().key("machineID").value(on.machine);
  json.key("assigned").value(on.assigned ? fleet::to_string(*on.assigned) : "");
  if (on.reported) {
    json.key("currentState").value(fleet::to_string(on.reported->state));
    json.key("exitCode").value(std::int64_t{on.reported->exit_code});
    json.key("restarts").value(std::int64_t{on.reported->restarts});
    json.key("reason").value(on.reported->reason);
  } else {
    json.key("currentState").value("");
  }
  json.end_object();
}

}  // namespace

Result<UnitPut> parse_unit_put(std::string_view body) {
  std::istringstream in{std::string(body)};
  ptree tree;
  try {
    boost::property_tree::read_json(in, tree);
  } catch (const boost::property_tree::json_parser_error& e) {
    return fail(Errc::kInvalidArgument,
                str("the body is not JSON: ", e.message(), " at line ", e.line()));
  }
  UnitPut put;
  for (const auto& [name, child] : tree) {
    if (!child.empty()) {
      return fail(Errc::kInvalidArgument, str("\"", name, "\" must be a string"));
    }
    if (name == "desiredState") {
      auto desired = fleet::parse_desired_state(child.data());
      if (!desired) {
        return fail(Errc::kInvalidArgument,
                    str("\"desiredState\": expected inactive, loaded or launched, got '",
                        child.data(), "'"));
      }
      put.desired = *desired;
    } else if (name == "file") {
      put.file = child.data();
    } else {
      return fail(Errc::kInvalidArgument,
                  str("unknown field \"", name, "\" (expected desiredState and file)"));
    }
  }
  if (!put.desired && !put.file) {
    return fail(Errc::kInvalidArgument, "the body needs \"desiredState\", \"file\" or both");
  }
  return put;
}

std::string units_json(const std::vector<fleet::UnitListing>& units) {
  JsonWriter json;
  json.begin_object().key("units").begin_array();
  for (const fleet::UnitListing& unit : units) {
    json.begin_object().key("name").value(unit.unit).key("submitted").value(unit.submitted);
    json.key("desiredState").value(fleet::to_string(unit.desired));
    json.key("machines").begin_array();
    for (const fleet::UnitOnMachine& on : unit.machines) write_unit_on_machine(json, on);
    json.end_array().key("unplaced").value(unit.unplaced).key("problems").begin_array();
    for (const std::string& problem : unit.problems) json.value(problem);
    json.end_array().key("file").value(unit.file);
    json.key("hash").value(unit.submitted ? unit_file_hash(unit.file) : "");
    json.end_object();
  }
  json.end_array().end_object();
  return json.text() + "\n";
}

std::string machines_json(const std::vector<fleet::MachineRecord>& machines) {
  JsonWriter json;
  json.begin_object().key("machines").begin_array();
  for (const fleet::MachineRecord& machine : machines) {
    json.begin_object().key("id").value(machine.id).key("primaryIP").value(machine.ip);
    json.key("metadata").begin_object();
    for (const auto& [key, value] : machine.metadata) json.key(key).value(value);
    json.end_object();
    json.key("memoryBytes").value(static_cast<std::int64_t>(machine.capacity.memory_bytes));
    json.key("cpuPercent").value(static_cast<std::int64_t>(machine.capacity.cpu_percent));
    json.key("clientURL").value(machine.client_url);
    json.end_object();
  }
  json.end_array().end_object();
  return json.text() + "\n";
}

std::string service_json(std::string_view service,
                         const std::vector<fleet::ServiceRecord>& records) {
  JsonWriter json;
  json.begin_object().key("service").value(service).key("records").begin_array();
  for (const fleet::ServiceRecord& record : records) {
    json.begin_object().key("unit").value(record.unit).key("machine").value(record.machine);
    json.key("ip").value(record.ip).key("port").value(std::int64_t{record.port});
    json.end_object();
  }
  json.end_array().end_object();
  return json.text() + "\n";
}

std::string fleet_error_json(unsigned status, std::string_view message) {
  JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("code").value(std::int64_t{status}).key("message").value(message);
  json.end_object().end_object();
  return json.text() + "\n";
}

unsigned fleet_http_status(Errc code) {
  switch (code) {
    case Errc::kInvalidArgument:
      return 400;
    case Errc::kNotFound:
      return 404;
    case Errc::kAlreadyExists:
      return 409;
    case Errc::kLimitExceeded:
      return 413;
    case Errc::kTimeout:
    case Errc::kNotLeader:
    case Errc::kUnavailable:
      return 503;
    case Errc::kCorrupt:
    case Errc::kIo:
      return 500;
  }
  return 500;
}

}  // namespace keel::real::http
