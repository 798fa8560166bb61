#include "core/fleet/container_spec.h"

#include <limits>

#include "core/env/str.h"
#include "core/fleet/unit_values.h"

namespace keel::fleet {

Result<ContainerSpec> container_spec(const UnitFile& unit) {
  auto argv = split_words(unit.service.exec_start);
  if (!argv) {
    return fail(Errc::kInvalidArgument,
                str(unit.name.full, ": ExecStart=: ", argv.error().message));
  }
  if (argv->empty()) {
    return fail(Errc::kInvalidArgument, str(unit.name.full, ": ExecStart= has no command"));
  }
  ContainerSpec spec;
  spec.name = unit.name.full;
  spec.argv = std::move(*argv);
  for (const EnvironmentVariable& variable : unit.service.environment) {
    spec.environment.emplace_back(variable.name, variable.value);
  }
  spec.working_directory = unit.service.working_directory;
  spec.root_directory = unit.container.root_directory;
  spec.image = unit.container.image;
  spec.hostname = unit.name.stem;
  spec.memory_max_bytes = unit.service.memory_max;
  spec.cpu_quota_percent = unit.service.cpu_quota_percent;
  if (unit.service.tasks_max) {
    if (*unit.service.tasks_max > std::numeric_limits<std::uint32_t>::max()) {
      return fail(
          Errc::kInvalidArgument,
          str(unit.name.full, ": TasksMax=", *unit.service.tasks_max,
              " is above a container's limit of ", std::numeric_limits<std::uint32_t>::max()));
    }
    spec.tasks_max = static_cast<std::uint32_t>(*unit.service.tasks_max);
  }
  return spec;
}

}  // namespace keel::fleet
