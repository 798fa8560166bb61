#include "real/keelctl/fleet_verbs.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "core/fleet/limits.h"
#include "real/http/json_writer.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_answer.h"
#include "real/keelctl/fleet_get.h"
#include "real/keelctl/local_unit_file.h"
#include "real/keelctl/table.h"

namespace keel::real::keelctl {
namespace {

std::string unit_target(std::string_view unit) {
  return str("/fleet/v1/units/", url_encode_value(unit));
}

// Sends `method` with `body` to the unit's resource; reports a failure and returns its exit code,
// or nothing when the answer is 204 No Content.
std::optional<int> send_unit(const VerbCall& call, std::string method, std::string_view unit,
                             std::string body) {
  const std::string target = unit_target(unit);
  auto answer =
      call.endpoints.exchange({.method = method, .target = target, .body = std::move(body)});
  if (!answer) return report(call.err, answer.error());
  if (answer->status == 204) return std::nullopt;
  return report_answer(call, str(method, " ", target), *answer);
}

int run_submit(const VerbCall& call) {
  for (const std::string& path : call.operands) {
    auto text = read_unit_file(path);
    if (!text) return usage_error(call, text.error().message);
    const std::string unit = std::filesystem::path(path).filename().string();
    http::JsonWriter json;
    json.begin_object().key("file").value(*text).end_object();
    if (auto failed = send_unit(call, "PUT", unit, json.text())) return *failed;
    call.out << "Unit " << unit << " submitted\n";
  }
  return kExitOk;
}

// load, start, stop, unload: the desired state each sets and the word it prints.
Verb set_state_verb(std::string_view name, fleet::DesiredState desired, std::string_view summary) {
  return {.name = name,
          .operands = "UNIT...",
          .summary = summary,
          .min_operands = 1,
          .max_operands = fleet::kMaxUnits,
          .flags = {},
          .run = [desired](const VerbCall& call) {
            for (const std::string& unit : call.operands) {
              http::JsonWriter json;
              json.begin_object().key("desiredState").value(fleet::to_string(desired));
              json.end_object();
              if (auto failed = send_unit(call, "PUT", unit, json.text())) return *failed;
              call.out << "Unit " << unit << " " << fleet::to_string(desired) << "\n";
            }
            return kExitOk;
          }};
}

int run_destroy(const VerbCall& call) {
  for (const std::string& unit : call.operands) {
    if (auto failed = send_unit(call, "DELETE", unit, "")) return *failed;
    call.out << "Unit " << unit << " destroyed\n";
  }
  return kExitOk;
}

int run_list_units(const VerbCall& call) {
  auto units = get_units(call);
  if (!units) return units.error();
  call.out << fleet::format_unit_list(*units);
  return kExitOk;
}

int run_list_machines(const VerbCall& call) {
  auto machines = get_listing(call, "/fleet/v1/machines", parse_fleet_machines);
  if (!machines) return machines.error();
  Table table({"MACHINE", "IP", "METADATA"});
  for (const fleet::MachineRecord& machine : *machines) {
    std::string metadata;
    for (const auto& [key, value] : machine.metadata) {
      metadata += str(metadata.empty() ? "" : ",", key, "=", value);
    }
    table.add_row({machine.id, machine.ip, metadata.empty() ? "-" : metadata});
  }
  call.out << table.render();
  return kExitOk;
}

int run_service(const VerbCall& call) {
  const std::string target = str("/v1/services/", url_encode_value(call.operands[0]),
                                 call.line.has("consistent") ? "?consistent=true" : "");
  auto records = get_listing(call, target, parse_fleet_service);
  if (!records) return records.error();
  Table table({"UNIT", "MACHINE", "ADDRESS"});
  for (const fleet::ServiceRecord& record : *records) {
    table.add_row({record.unit, record.machine, str(record.ip, ":", record.port)});
  }
  call.out << table.render();
  return kExitOk;
}

}  // namespace

std::vector<Verb> fleet_verbs() {
  return {
      {.name = "submit",
       .operands = "FILE...",
       .summary = "send unit files to the cluster (each unit is named after its file)",
       .min_operands = 1,
       .max_operands = fleet::kMaxUnits,
       .flags = {},
       .run = run_submit},
      set_state_verb("load", fleet::DesiredState::kLoaded,
                     "place units on machines without starting them"),
      set_state_verb("start", fleet::DesiredState::kLaunched, "place and start units"),
      set_state_verb("stop", fleet::DesiredState::kLoaded, "stop units, keeping them placed"),
      set_state_verb("unload", fleet::DesiredState::kInactive, "stop units and unplace them"),
      {.name = "destroy",
       .operands = "UNIT...",
       .summary = "stop units and remove them from the cluster",
       .min_operands = 1,
       .max_operands = fleet::kMaxUnits,
       .flags = {},
       .run = run_destroy},
      {.name = "list-units",
       .operands = "",
       .summary = "list units, their machines and reported states",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {},
       .run = run_list_units},
      {.name = "list-machines",
       .operands = "",
       .summary = "list the machines present in the cluster",
       .min_operands = 0,
       .max_operands = 0,
       .flags = {},
       .run = run_list_machines},
      {.name = "service",
       .operands = "NAME [--consistent]",
       .summary = "list a service's announcements (--consistent: a linearizable read)",
       .min_operands = 1,
       .max_operands = 1,
       .flags = {{.name = "consistent",
                  .takes_value = false,
                  .help = "read from the store instead of the local catalog"}},
       .run = run_service},
  };
}

}  // namespace keel::real::keelctl
