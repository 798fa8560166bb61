// A unit file read into typed settings: systemd's [Unit] and [Service] (the part Keel runs),
// [X-Container] (what the unit runs in), fleet's [X-Fleet] (where it may run) and Keel's
// [X-Service] (how it is announced to service discovery).
//
// Contract of parse_unit_file: the text is read with ini.h's syntax, specifiers (%n %N %p %i) are
// expanded with the unit's own name in every value but the typed ones (numbers, sizes, times,
// booleans), and each setting is checked and typed. Any
// error names the line (and column where it helps), the key, and what was expected. An empty
// assignment to a list-valued key (`ExecStart=`) resets the list, as in systemd.unit(5). Keys
// systemd knows but Keel does not act on ([Unit] After=, [Service] ExecStartPre=, an [Install]
// section...) are kept in `ignored` so a caller can warn, as systemd logs "Unknown key name";
// unknown keys in the X- sections and unknown sections are refused, as fleet refuses unknown
// [X-Fleet] keys (job.ValidateRequirements).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/fleet/glob.h"
#include "core/fleet/unit_name.h"

namespace keel::fleet {

enum class RestartPolicy { kNo, kOnFailure, kAlways };

struct EnvironmentVariable {
  std::string name;
  std::string value;
  bool operator==(const EnvironmentVariable&) const = default;
};

// [Service], with systemd's defaults (systemd.service(5), systemd-system.conf(5)).
struct ServiceSettings {
  std::string exec_start;  // exactly one: the container's main process
  std::vector<std::string> exec_stop;
  std::vector<EnvironmentVariable> environment;
  std::string working_directory;
  RestartPolicy restart = RestartPolicy::kNo;
  Duration restart_sec = std::chrono::milliseconds(100);
  Duration timeout_stop_sec = std::chrono::seconds(90);
  std::optional<std::uint64_t> memory_max;         // bytes; nullopt: no limit
  std::optional<std::uint32_t> cpu_quota_percent;  // of one CPU; nullopt: no limit
  std::optional<std::uint64_t> tasks_max;          // nullopt: no limit
};

// [X-Container]: exactly one of an image reference or a root directory on the machine.
struct ContainerSettings {
  std::string image;
  std::string root_directory;
};

// [X-Fleet], as fleet defines it (fleet's Documentation/unit-files-and-scheduling.md).
struct FleetSettings {
  std::string machine_id;               // run only on this machine
  std::vector<std::string> machine_of;  // run only where all these units run
  // key -> accepted values: a key repeated means OR, different keys mean AND (fleet's
  // RequiredTargetMetadata and machine.HasMetadata).
  std::map<std::string, std::vector<std::string>> machine_metadata;
  std::vector<Glob> conflicts;  // never share a machine with a unit matching one of these
  bool global = false;          // run on every machine that matches machine_metadata
  std::vector<Glob> replaces;   // take precedence over matching units: they move elsewhere
};

enum class CheckKind { kNone, kTcp, kHttp, kExec };

// [X-Service] (Keel's): the unit announces itself as service `name` on `port`; the agent checks
// it every `interval` and the announcement's lease lives `ttl` without a passing check.
struct AnnounceSettings {
  std::string name;
  std::uint16_t port = 0;
  CheckKind check = CheckKind::kTcp;
  std::string check_argument;  // the path of kHttp, the command of kExec
  Duration interval = std::chrono::seconds(10);
  Duration ttl = std::chrono::seconds(30);
};

struct IgnoredKey {
  std::string section;
  std::string key;
  int line = 0;
};

struct UnitFile {
  UnitName name;
  std::string description;
  ServiceSettings service;
  ContainerSettings container;
  FleetSettings fleet;
  std::optional<AnnounceSettings> announce;
  std::vector<IgnoredKey> ignored;
};

// Reads the unit file `text` of the unit `name`. For an instance ("web@1.service") pass the
// template's text: specifiers resolve with the instance's name. A template's own text is read
// with an empty %i, which checks it; templates are never placed.
Result<UnitFile> parse_unit_file(std::string_view name, std::string_view text);

}  // namespace keel::fleet
