// Where fleet keeps its state in the store, and how each value is written. Every value is a small
// text record (record.h) so that `keelctl get` and etcd v2 clients can read it.
//
//   /fleet/units/<unit>             the unit file as submitted (text)            users
//   /fleet/desired/<unit>           inactive | loaded | launched                 users
//   /fleet/engine                   EngineClaim: the engine that may decide      engine
//   /fleet/assign/<machine>/<unit>  Assignment: the unit placed on the machine   engine (fenced)
//   /fleet/unplaced/<unit>          why the unit has no machine                  engine (fenced)
//   /fleet/machines/<machine>       MachineRecord, under the machine's lease     agent
//   /fleet/state/<machine>/<unit>   UnitState, under the machine's lease         agent
//   /services/<service>/<unit>      ServiceRecord, under the machine's lease     agent
//
// Why this shape (fleet's complaints: etcd load growing with machines x units):
// - an agent watches only /fleet/assign/<its machine>/, and an assignment carries the unit file
//   and the desired state, so no agent reads other units;
// - everything an agent writes hangs off its one lease: presence costs one keep-alive per machine
//   per renewal interval, whatever the number of units, and a dead machine's records vanish
//   together when the lease expires;
// - an agent writes a unit's state only when it changes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/env/error.h"
#include "core/fleet/placement.h"

namespace keel::fleet {

inline constexpr std::string_view kFleetPrefix = "/fleet/";  // everything but /services/
inline constexpr std::string_view kUnitsPrefix = "/fleet/units/";
inline constexpr std::string_view kDesiredPrefix = "/fleet/desired/";
inline constexpr std::string_view kEngineKey = "/fleet/engine";
inline constexpr std::string_view kAssignPrefix = "/fleet/assign/";
inline constexpr std::string_view kUnplacedPrefix = "/fleet/unplaced/";
inline constexpr std::string_view kMachinesPrefix = "/fleet/machines/";
inline constexpr std::string_view kStatePrefix = "/fleet/state/";
inline constexpr std::string_view kServicesPrefix = "/services/";

// Machine ids: [A-Za-z0-9_.-], 1 to 64 bytes (a hostname label or a systemd machine-id).
Status check_machine_id(std::string_view id);

std::string unit_key(std::string_view unit);
std::string desired_key(std::string_view unit);
std::string assign_prefix(std::string_view machine);  // "/fleet/assign/<machine>/"
std::string assign_key(std::string_view machine, std::string_view unit);
std::string unplaced_key(std::string_view unit);
std::string machine_key(std::string_view machine);
std::string state_prefix(std::string_view machine);
std::string state_key(std::string_view machine, std::string_view unit);
std::string service_prefix(std::string_view service);  // "/services/<service>/"
std::string service_key(std::string_view service, std::string_view unit);

// The last path component after `prefix` (a unit or a machine), or for two-level keys the pair;
// nullopt if the key is not under the prefix or has the wrong number of components.
std::optional<std::string> key_suffix(std::string_view key, std::string_view prefix);
std::optional<std::pair<std::string, std::string>> key_pair(std::string_view key,
                                                            std::string_view prefix);

std::string_view to_string(DesiredState state);
Result<DesiredState> parse_desired_state(std::string_view text);

// The engine's claim: the term of the leader it runs on (fencing, see engine.h) and its machine.
struct EngineClaim {
  std::uint64_t term = 0;
  std::string machine;
  bool operator==(const EngineClaim&) const = default;
};
// The value sorts by term as bytes (the term is written with 20 digits), so a claim can be
// guarded with a value compare "stored < mine".
std::string encode(const EngineClaim& claim);
Result<EngineClaim> decode_engine_claim(std::string_view text);

struct MachineRecord {
  std::string id;
  std::string ip;
  std::map<std::string, std::string> metadata;
  Resources capacity;
  // Where the machine's HTTP API answers ("http://IP:PORT"), for clients that need this machine
  // (keelctl journal); empty: not published. Workers publish theirs here; members publish
  // theirs as member attributes (core/node/member_attributes.h) and leave it empty.
  std::string client_url = {};
  bool operator==(const MachineRecord&) const = default;
};
std::string encode(const MachineRecord& machine);
Result<MachineRecord> decode_machine(std::string_view text);

// What the engine tells an agent: run (launched) or only hold (loaded) this unit file.
struct Assignment {
  DesiredState desired = DesiredState::kLaunched;  // kLoaded or kLaunched
  std::string unit_file;                           // the text as submitted
  bool operator==(const Assignment&) const = default;
};
std::string encode(const Assignment& assignment);
Result<Assignment> decode_assignment(std::string_view text);

// Why the engine could not place a unit (/fleet/unplaced/<unit>), in words.
std::string encode_unplaced(std::string_view reason);
Result<std::string> decode_unplaced(std::string_view text);

// What an agent reports of a unit on its machine (systemd's ActiveState, plus the last exit).
enum class ActiveState { kInactive, kActivating, kActive, kDeactivating, kFailed };
std::string_view to_string(ActiveState state);
Result<ActiveState> parse_active_state(std::string_view text);
// Whether a container of the unit may be running in this state (the engine does not place a
// non-global unit elsewhere while any machine reports it so).
bool may_be_running(ActiveState state);

struct UnitState {
  ActiveState state = ActiveState::kInactive;
  int exit_code = 0;           // of the last exit
  std::uint32_t restarts = 0;  // by Restart= since the unit was assigned
  std::string reason;          // why it failed, in words
  bool operator==(const UnitState&) const = default;
};
std::string encode(const UnitState& state);
Result<UnitState> decode_unit_state(std::string_view text);

struct ServiceRecord {
  std::string name;
  std::string unit;
  std::string machine;
  std::string ip;
  std::uint16_t port = 0;
  bool operator==(const ServiceRecord&) const = default;
};
std::string encode(const ServiceRecord& service);
Result<ServiceRecord> decode_service(std::string_view text);

}  // namespace keel::fleet
