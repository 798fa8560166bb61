#include "core/fleet/unit_file.h"

#include <algorithm>
#include <array>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/fleet/ini.h"
#include "core/fleet/unit_values.h"

namespace keel::fleet {
namespace {

using std::string_view;

std::unexpected<Error> invalid(std::string message) {
  return fail(Errc::kInvalidArgument, std::move(message));
}

// Appends the value of `result` to `list`, or resets the list on an empty assignment.
template <class T>
Status append_list(std::vector<T>& list, string_view value, Result<std::vector<T>> items) {
  if (value.empty()) {
    list.clear();
    return {};
  }
  if (!items) return std::unexpected(items.error());
  list.insert(list.end(), items->begin(), items->end());
  return {};
}

Result<std::vector<Glob>> parse_globs(string_view value) {
  auto words = split_words(value);
  if (!words) return std::unexpected(words.error());
  std::vector<Glob> globs;
  for (const std::string& word : *words) {
    auto glob = Glob::parse(word);
    if (!glob) return std::unexpected(glob.error());
    globs.push_back(std::move(*glob));
  }
  return globs;
}

// Unit names of MachineOf=. A template's own text may name templates ("db@%i.service" with an
// empty %i); its instances name instances.
Result<std::vector<std::string>> parse_unit_names(string_view value, bool allow_templates) {
  auto words = split_words(value);
  if (!words) return std::unexpected(words.error());
  for (const std::string& word : *words) {
    auto name = parse_unit_name(word);
    if (!name) return std::unexpected(name.error());
    if (name->is_template && !allow_templates)
      return invalid(str("'", word, "' is a template, name an instance"));
  }
  return words;
}

bool is_variable_name(string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Environment=: "A=1 B='two words'" (systemd.exec(5)).
Result<std::vector<EnvironmentVariable>> parse_environment(string_view value) {
  auto words = split_words(value);
  if (!words) return std::unexpected(words.error());
  std::vector<EnvironmentVariable> variables;
  for (const std::string& word : *words) {
    const auto equals = word.find('=');
    if (equals == std::string::npos || !is_variable_name(string_view(word).substr(0, equals))) {
      return invalid(str("'", word, "' is not NAME=value with NAME made of letters, digits and _"));
    }
    variables.push_back({word.substr(0, equals), word.substr(equals + 1)});
  }
  return variables;
}

// MachineMetadata=: "region=us-east disk=ssd", each pair key=value with both non-empty (fleet's
// RequiredTargetMetadata silently skipped malformed pairs; Keel refuses them).
Status add_metadata(FleetSettings& fleet, string_view value) {
  if (value.empty()) {
    fleet.machine_metadata.clear();
    return {};
  }
  auto words = split_words(value);
  if (!words) return std::unexpected(words.error());
  for (const std::string& word : *words) {
    const auto equals = word.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == word.size() ||
        word.find('=', equals + 1) != std::string::npos) {
      return invalid(str("'", word, "' is not key=value with a non-empty key and value"));
    }
    auto& accepted = fleet.machine_metadata[word.substr(0, equals)];
    std::string wanted = word.substr(equals + 1);
    if (std::find(accepted.begin(), accepted.end(), wanted) == accepted.end()) {
      accepted.push_back(std::move(wanted));
    }
  }
  return {};
}

Status set_restart(ServiceSettings& service, string_view value) {
  if (value == "no") {
    service.restart = RestartPolicy::kNo;
  } else if (value == "on-failure") {
    service.restart = RestartPolicy::kOnFailure;
  } else if (value == "always") {
    service.restart = RestartPolicy::kAlways;
  } else {
    return invalid(str("'", value, "' is not one of no, on-failure, always"));
  }
  return {};
}

Status set_path(std::string& field, string_view value, bool allow_home) {
  if (!value.empty() && value.front() != '/' && !(allow_home && value == "~")) {
    return invalid(str("'", value, "' is not an absolute path"));
  }
  field = std::string(value);
  return {};
}

template <class T, class Parsed>
Status assign(T& field, Result<Parsed> parsed) {
  if (!parsed) return std::unexpected(parsed.error());
  field = std::move(*parsed);
  return {};
}

// Check=: tcp, http:PATH, exec:CMD or none.
Status set_check(AnnounceSettings& announce, string_view value) {
  announce.check_argument.clear();
  if (value == "tcp") {
    announce.check = CheckKind::kTcp;
  } else if (value == "none") {
    announce.check = CheckKind::kNone;
  } else if (value.starts_with("http:") && value.size() > 5 && value[5] == '/') {
    announce.check = CheckKind::kHttp;
    announce.check_argument = std::string(value.substr(5));
  } else if (value.starts_with("exec:") && value.size() > 5) {
    announce.check = CheckKind::kExec;
    announce.check_argument = std::string(value.substr(5));
  } else {
    return invalid(str("'", value, "' is not tcp, http:/PATH, exec:COMMAND or none"));
  }
  return {};
}

// A service name is a DNS label (RFC 1123): lower-case letters, digits, '-', 1 to 63 long, not
// starting or ending with '-'; it becomes a key under /services/ and a name clients look up.
Status set_service_name(AnnounceSettings& announce, string_view value) {
  const bool valid = !value.empty() && value.size() <= 63 && value.front() != '-' &&
                     value.back() != '-' && std::all_of(value.begin(), value.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
  if (!valid) {
    return invalid(str("'", value, "' is not a DNS label (a-z, 0-9, '-', at most 63 long)"));
  }
  announce.name = std::string(value);
  return {};
}

struct Reader {
  UnitFile unit;
  int exec_start_line = 0;
  int machine_id_line = 0;

  AnnounceSettings& announce() {
    if (!unit.announce) unit.announce.emplace();
    return *unit.announce;
  }

  Status service(string_view key, string_view value, int line) {
    ServiceSettings& s = unit.service;
    if (key == "ExecStart") {
      if (!value.empty() && !s.exec_start.empty()) {
        return invalid(
            str("given again (first on line ", exec_start_line,
                "); a unit runs one main process, reset with an empty ExecStart= first"));
      }
      s.exec_start = std::string(value);
      exec_start_line = line;
      return {};
    }
    if (key == "ExecStop") {
      return append_list(
          s.exec_stop, value,
          Result<std::vector<std::string>>(std::vector<std::string>{std::string(value)}));
    }
    if (key == "Environment") return append_list(s.environment, value, parse_environment(value));
    if (key == "WorkingDirectory") return set_path(s.working_directory, value, true);
    if (key == "Restart") return set_restart(s, value);
    if (key == "RestartSec") return assign(s.restart_sec, parse_duration(value));
    if (key == "TimeoutStopSec") return assign(s.timeout_stop_sec, parse_duration(value));
    if (key == "MemoryMax") return assign(s.memory_max, parse_size(value));
    if (key == "CPUQuota") {
      if (value.empty()) {
        s.cpu_quota_percent.reset();
        return {};
      }
      return assign(s.cpu_quota_percent, parse_cpu_quota(value));
    }
    if (key == "TasksMax") return assign(s.tasks_max, parse_count(value));
    unit.ignored.push_back({"Service", std::string(key), line});
    return {};
  }

  Status fleet(string_view key, string_view value, int line) {
    FleetSettings& f = unit.fleet;
    // The X-Condition and X- spellings are fleet's deprecated names (job.go validRequirements).
    if (key == "MachineID" || key == "X-ConditionMachineID" || key == "X-ConditionMachineBootID") {
      if (machine_id_line != 0 && f.machine_id != value) {
        return invalid(
            str("given again with another machine (first on line ", machine_id_line, ")"));
      }
      if (value.empty()) return invalid("empty machine ID");
      f.machine_id = std::string(value);
      machine_id_line = line;
      return {};
    }
    if (key == "MachineOf" || key == "X-ConditionMachineOf") {
      return append_list(f.machine_of, value, parse_unit_names(value, unit.name.is_template));
    }
    if (key == "MachineMetadata" || key == "X-ConditionMachineMetadata") {
      return add_metadata(f, value);
    }
    if (key == "Conflicts" || key == "X-Conflicts") {
      return append_list(f.conflicts, value, parse_globs(value));
    }
    if (key == "Replaces") return append_list(f.replaces, value, parse_globs(value));
    if (key == "Global") return assign(f.global, parse_bool(value));
    return invalid(
        "unknown [X-Fleet] key (known: MachineID, MachineOf, MachineMetadata, "
        "Conflicts, Global, Replaces)");
  }

  Status container(string_view key, string_view value) {
    if (key == "Image") {
      if (value.empty()) return invalid("empty image reference");
      unit.container.image = std::string(value);
      return {};
    }
    if (key == "RootDirectory") return set_path(unit.container.root_directory, value, false);
    return invalid("unknown [X-Container] key (known: Image, RootDirectory)");
  }

  Status announcement(string_view key, string_view value) {
    if (key == "Name") return set_service_name(announce(), value);
    if (key == "Port") return assign(announce().port, parse_port(value));
    if (key == "Check") return set_check(announce(), value);
    if (key == "Interval") return assign(announce().interval, parse_duration(value));
    if (key == "TTL") return assign(announce().ttl, parse_duration(value));
    return invalid("unknown [X-Service] key (known: Name, Port, Check, Interval, TTL)");
  }

  Status read(const IniSection& section, const IniAssignment& a, string_view value) {
    if (section.name == "Unit") {
      if (a.key == "Description") {
        unit.description = std::string(value);
      } else {
        unit.ignored.push_back({"Unit", a.key, a.line});
      }
      return {};
    }
    if (section.name == "Install") {
      unit.ignored.push_back({"Install", a.key, a.line});
      return {};
    }
    if (section.name == "Service") return service(a.key, value, a.line);
    if (section.name == "X-Fleet") return fleet(a.key, value, a.line);
    if (section.name == "X-Container") return container(a.key, value);
    if (section.name == "X-Service") return announcement(a.key, value);
    KEEL_UNREACHABLE("section ", section.name, " was checked before its assignments");
  }
};

// Settings whose values are numbers, sizes, times or words from a fixed set: systemd resolves no
// specifiers in them, and a '%' there is part of the value (CPUQuota=50%).
bool resolves_specifiers(string_view key) {
  constexpr std::array<string_view, 10> kTyped = {
      "Restart",  "RestartSec", "TimeoutStopSec", "MemoryMax", "CPUQuota",
      "TasksMax", "Global",     "Port",           "Interval",  "TTL"};
  return std::find(kTyped.begin(), kTyped.end(), key) == kTyped.end();
}

bool known_section(string_view name) {
  constexpr std::array<string_view, 6> kSections = {"Unit",        "Service", "Install",
                                                    "X-Container", "X-Fleet", "X-Service"};
  return std::find(kSections.begin(), kSections.end(), name) != kSections.end();
}

bool any_matches(const std::vector<Glob>& globs, string_view name) {
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.matches(name); });
}

// The [X-Fleet] combinations fleet refuses (fleet's api.ValidateOptions), and Keel's own.
Status check_fleet(const UnitFile& unit) {
  const FleetSettings& f = unit.fleet;
  const bool pinned = !f.machine_id.empty();
  const bool has_peers = !f.machine_of.empty();
  const bool has_conflicts = !f.conflicts.empty();
  for (const std::string& peer : f.machine_of) {
    if (peer == unit.name.full) return invalid(str("MachineOf names the unit itself"));
    for (const Glob& conflict : f.conflicts) {
      if (conflict.matches(peer)) {
        return invalid(str("unresolvable: MachineOf peer '", peer, "' matches Conflicts '",
                           conflict.pattern(), "'"));
      }
    }
    for (const Glob& replaced : f.replaces) {
      if (replaced.matches(peer)) {
        return invalid(str("unresolvable: MachineOf peer '", peer, "' matches Replaces '",
                           replaced.pattern(), "'"));
      }
    }
  }
  if (pinned && has_peers) return invalid("MachineID cannot be used with MachineOf");
  if (pinned && has_conflicts) return invalid("MachineID cannot be used with Conflicts");
  if (pinned && f.global) return invalid("MachineID cannot be used with Global");
  if (f.global && has_peers) return invalid("Global cannot be used with MachineOf");
  if (f.global && has_conflicts) return invalid("Global cannot be used with Conflicts");
  // Keel's: a global unit is on every matching machine, so it has nothing to move elsewhere.
  if (f.global && !f.replaces.empty()) return invalid("Global cannot be used with Replaces");
  if (any_matches(f.replaces, unit.name.full)) return invalid("Replaces matches the unit itself");
  return {};
}

Status check_whole(const UnitFile& unit, const std::vector<IniSection>& sections) {
  const auto section_line = [&](string_view name) {
    const auto found = std::find_if(sections.begin(), sections.end(),
                                    [&](const IniSection& s) { return s.name == name; });
    return found == sections.end() ? 0 : found->line;
  };
  if (unit.service.exec_start.empty()) {
    const int line = section_line("Service");
    return invalid(line == 0 ? std::string("no [Service] section with an ExecStart=")
                             : str("line ", line, ": [Service] has no ExecStart="));
  }
  if (!unit.container.image.empty() && !unit.container.root_directory.empty()) {
    return invalid(str("line ", section_line("X-Container"),
                       ": [X-Container] takes Image= or RootDirectory=, not both"));
  }
  if (Status fleet = check_fleet(unit); !fleet) {
    return invalid(str("line ", section_line("X-Fleet"), ": [X-Fleet]: ", fleet.error().message));
  }
  if (unit.announce) {
    const AnnounceSettings& a = *unit.announce;
    const std::string where = str("line ", section_line("X-Service"), ": [X-Service]: ");
    if (a.name.empty()) return invalid(where + "Name= is required");
    if (a.port == 0) return invalid(where + "Port= is required");
    if (a.interval.count() == 0) return invalid(where + "Interval= must be above 0");
    if (a.ttl <= a.interval) {
      return invalid(where +
                     "TTL= must be longer than Interval=, or the announcement expires "
                     "between two checks");
    }
  }
  return {};
}

}  // namespace

Result<UnitFile> parse_unit_file(std::string_view name, std::string_view text) {
  auto parsed_name = parse_unit_name(name);
  if (!parsed_name) return std::unexpected(parsed_name.error());
  auto sections = parse_ini(text);
  if (!sections) return std::unexpected(sections.error());
  Reader reader;
  reader.unit.name = *parsed_name;
  for (const IniSection& section : *sections) {
    if (!known_section(section.name)) {
      return invalid(str("line ", section.line, ": unknown section [", section.name,
                         "] (known: Unit, Service, Install, X-Container, X-Fleet, X-Service)"));
    }
    for (const IniAssignment& a : section.assignments) {
      auto value = resolves_specifiers(a.key) ? expand_specifiers(a.value, reader.unit.name)
                                              : Result<std::string>(a.value);
      if (!value) {
        return invalid(str("line ", a.line, ", column ", a.value_column, ": ", a.key,
                           "=: ", value.error().message));
      }
      if (Status read = reader.read(section, a, *value); !read) {
        return fail(read.error().code, str("line ", a.line, ", column ", a.value_column, ": ",
                                           a.key, "=: ", read.error().message));
      }
    }
  }
  if (Status whole = check_whole(reader.unit, *sections); !whole) {
    return std::unexpected(whole.error());
  }
  return std::move(reader.unit);
}

}  // namespace keel::fleet
