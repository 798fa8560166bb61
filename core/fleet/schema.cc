#include "core/fleet/schema.h"

#include <charconv>

#include "core/env/str.h"
#include "core/fleet/limits.h"
#include "core/fleet/record.h"

namespace keel::fleet {
namespace {

constexpr std::size_t kMaxMachineIdBytes = 64;
constexpr std::string_view kMetadataField = "metadata.";

Result<const std::string*> required(const Record& record, std::string_view field,
                                    std::string_view what) {
  const std::string* value = find_field(record, field);
  if (value == nullptr) {
    return fail(Errc::kInvalidArgument, str(what, ": field ", field, " is missing"));
  }
  return value;
}

template <class Number>
Result<Number> number(const Record& record, std::string_view field, std::string_view what) {
  auto text = required(record, field, what);
  if (!text) return std::unexpected(text.error());
  Number value{};
  const std::string& s = **text;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return fail(Errc::kInvalidArgument,
                str(what, ": field ", field, " is \"", s, "\", expected a number in range"));
  }
  return value;
}

Result<Record> decode(std::string_view text, std::string_view what) {
  auto record = decode_record(text);
  if (!record) return fail(Errc::kInvalidArgument, str(what, ": ", record.error().message));
  return record;
}

std::string joined(std::string_view prefix, std::string_view a) { return str(prefix, a); }

}  // namespace

Status check_machine_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxMachineIdBytes) {
    return fail(Errc::kInvalidArgument,
                str("machine id \"", id, "\" must have 1 to ", kMaxMachineIdBytes, " bytes"));
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) {
      return fail(Errc::kInvalidArgument, str("machine id \"", id, "\": character ", i + 1,
                                              " is not one of [A-Za-z0-9_.-]"));
    }
  }
  return {};
}

std::string unit_key(std::string_view unit) { return joined(kUnitsPrefix, unit); }
std::string desired_key(std::string_view unit) { return joined(kDesiredPrefix, unit); }
std::string assign_prefix(std::string_view machine) { return str(kAssignPrefix, machine, "/"); }
std::string assign_key(std::string_view machine, std::string_view unit) {
  return str(kAssignPrefix, machine, "/", unit);
}
std::string unplaced_key(std::string_view unit) { return joined(kUnplacedPrefix, unit); }
std::string machine_key(std::string_view machine) { return joined(kMachinesPrefix, machine); }
std::string state_prefix(std::string_view machine) { return str(kStatePrefix, machine, "/"); }
std::string state_key(std::string_view machine, std::string_view unit) {
  return str(kStatePrefix, machine, "/", unit);
}
std::string service_prefix(std::string_view service) { return str(kServicesPrefix, service, "/"); }
std::string service_key(std::string_view service, std::string_view unit) {
  return str(kServicesPrefix, service, "/", unit);
}

std::optional<std::string> key_suffix(std::string_view key, std::string_view prefix) {
  if (!key.starts_with(prefix)) return std::nullopt;
  std::string_view rest = key.substr(prefix.size());
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(rest);
}

std::optional<std::pair<std::string, std::string>> key_pair(std::string_view key,
                                                            std::string_view prefix) {
  if (!key.starts_with(prefix)) return std::nullopt;
  std::string_view rest = key.substr(prefix.size());
  std::size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair(std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1)));
}

std::string_view to_string(DesiredState state) {
  switch (state) {
    case DesiredState::kInactive:
      return "inactive";
    case DesiredState::kLoaded:
      return "loaded";
    case DesiredState::kLaunched:
      return "launched";
  }
  return "?";
}

Result<DesiredState> parse_desired_state(std::string_view text) {
  for (auto state : {DesiredState::kInactive, DesiredState::kLoaded, DesiredState::kLaunched}) {
    if (text == to_string(state)) return state;
  }
  return fail(Errc::kInvalidArgument,
              str("desired state \"", text, "\": expected inactive, loaded or launched"));
}

std::string encode(const EngineClaim& claim) {
  std::string term = std::to_string(claim.term);
  term.insert(0, 20 - term.size(), '0');  // 20 digits hold any 64-bit term
  return encode_record({{"term", term}, {"machine", claim.machine}});
}

Result<EngineClaim> decode_engine_claim(std::string_view text) {
  constexpr std::string_view kWhat = "engine claim";
  auto record = decode(text, kWhat);
  if (!record) return std::unexpected(record.error());
  auto term = number<std::uint64_t>(*record, "term", kWhat);
  if (!term) return std::unexpected(term.error());
  auto machine = required(*record, "machine", kWhat);
  if (!machine) return std::unexpected(machine.error());
  return EngineClaim{*term, **machine};
}

std::string encode(const MachineRecord& machine) {
  Record record{{"id", machine.id},
                {"ip", machine.ip},
                {"memory", std::to_string(machine.capacity.memory_bytes)},
                {"cpu", std::to_string(machine.capacity.cpu_percent)}};
  if (!machine.client_url.empty()) record.emplace_back("client_url", machine.client_url);
  for (const auto& [key, value] : machine.metadata) {
    record.emplace_back(str(kMetadataField, key), value);
  }
  return encode_record(record);
}

Result<MachineRecord> decode_machine(std::string_view text) {
  constexpr std::string_view kWhat = "machine record";
  auto record = decode(text, kWhat);
  if (!record) return std::unexpected(record.error());
  MachineRecord machine;
  auto id = required(*record, "id", kWhat);
  if (!id) return std::unexpected(id.error());
  if (auto ok = check_machine_id(**id); !ok) return std::unexpected(ok.error());
  machine.id = **id;
  auto ip = required(*record, "ip", kWhat);
  if (!ip) return std::unexpected(ip.error());
  machine.ip = **ip;
  auto memory = number<std::uint64_t>(*record, "memory", kWhat);
  if (!memory) return std::unexpected(memory.error());
  auto cpu = number<std::uint64_t>(*record, "cpu", kWhat);
  if (!cpu) return std::unexpected(cpu.error());
  machine.capacity = {*memory, *cpu};
  if (const std::string* url = find_field(*record, "client_url")) machine.client_url = *url;
  for (const auto& [field, value] : *record) {
    if (field.starts_with(kMetadataField)) {
      if (machine.metadata.size() == kMaxMachineMetadata) {
        return fail(Errc::kLimitExceeded, str(kWhat, ": more than ", kMaxMachineMetadata,
                                              " metadata pairs (kMaxMachineMetadata)"));
      }
      machine.metadata[field.substr(kMetadataField.size())] = value;
    }
  }
  return machine;
}

std::string encode(const Assignment& assignment) {
  return encode_record(
      {{"desired", std::string(to_string(assignment.desired))}, {"unit", assignment.unit_file}});
}

Result<Assignment> decode_assignment(std::string_view text) {
  constexpr std::string_view kWhat = "assignment";
  auto record = decode(text, kWhat);
  if (!record) return std::unexpected(record.error());
  auto desired_text = required(*record, "desired", kWhat);
  if (!desired_text) return std::unexpected(desired_text.error());
  auto desired = parse_desired_state(**desired_text);
  if (!desired) return fail(Errc::kInvalidArgument, str(kWhat, ": ", desired.error().message));
  if (*desired == DesiredState::kInactive) {
    return fail(Errc::kInvalidArgument, str(kWhat, ": an inactive unit is never assigned"));
  }
  auto unit = required(*record, "unit", kWhat);
  if (!unit) return std::unexpected(unit.error());
  return Assignment{*desired, **unit};
}

std::string encode_unplaced(std::string_view reason) {
  return encode_record({{"reason", std::string(reason)}});
}

Result<std::string> decode_unplaced(std::string_view text) {
  constexpr std::string_view kWhat = "unplaced reason";
  auto record = decode(text, kWhat);
  if (!record) return std::unexpected(record.error());
  auto reason = required(*record, "reason", kWhat);
  if (!reason) return std::unexpected(reason.error());
  return **reason;
}

std::string_view to_string(ActiveState state) {
  switch (state) {
    case ActiveState::kInactive:
      return "inactive";
    case ActiveState::kActivating:
      return "activating";
    case ActiveState::kActive:
      return "active";
    case ActiveState::kDeactivating:
      return "deactivating";
    case ActiveState::kFailed:
      return "failed";
  }
  return "?";
}

Result<ActiveState> parse_active_state(std::string_view text) {
  for (auto state : {ActiveState::kInactive, ActiveState::kActivating, ActiveState::kActive,
                     ActiveState::kDeactivating, ActiveState::kFailed}) {
    if (text == to_string(state)) return state;
  }
  return fail(Errc::kInvalidArgument,
              str("unit state \"", text,
                  "\": expected inactive, activating, active, deactivating or failed"));
}

bool may_be_running(ActiveState state) {
  return state == ActiveState::kActivating || state == ActiveState::kActive ||
         state == ActiveState::kDeactivating;
}

std::string encode(const UnitState& state) {
  return encode_record({{"state", std::string(to_string(state.state))},
                        {"exit", std::to_string(state.exit_code)},
                        {"restarts", std::to_string(state.restarts)},
                        {"reason", state.reason}});
}

Result<UnitState> decode_unit_state(std::string_view text) {
  constexpr std::string_view kWhat = "unit state";
  auto record = decode(text, kWhat);
  if (!record) return std::unexpected(record.error());
  auto state_text = required(*record, "state", kWhat);
  if (!state_text) return std::unexpected(state_text.error());
  auto state = parse_active_state(**state_text);
  if (!state) return std::unexpected(state.error());
  auto exit_code = number<int>(*record, "exit", kWhat);
  if (!exit_code) return std::unexpected(exit_code.error());
  auto restarts = number<std::uint32_t>(*record, "restarts", kWhat);
  if (!restarts) return std::unexpected(restarts.error());
  auto reason = required(*record, "reason", kWhat);
  if (!reason) return std::unexpected(reason.error());
  return UnitState{*state, *exit_code, *restarts, **reason};
}

std::string encode(const ServiceRecord& service) {
  return encode_record({{"name", service.name},
                        {"unit", service.unit},
                        {"machine", service.machine},
                        {"ip", service.ip},
                        {"port", std::to_string(service.port)}});
}

Result<ServiceRecord> decode_service(std::string_view text) {
  constexpr std::string_view kWhat = "service record";
  auto record = decode(text, kWhat);
  if (!record) return std::unexpected(record.error());
  ServiceRecord service;
  for (auto [field, target] : {std::pair<std::string_view, std::string*>{"name", &service.name},
                               {"unit", &service.unit},
                               {"machine", &service.machine},
                               {"ip", &service.ip}}) {
    auto value = required(*record, field, kWhat);
    if (!value) return std::unexpected(value.error());
    *target = **value;
  }
  auto port = number<std::uint16_t>(*record, "port", kWhat);
  if (!port) return std::unexpected(port.error());
  service.port = *port;
  return service;
}

}  // namespace keel::fleet
