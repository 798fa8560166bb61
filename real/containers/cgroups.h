// Cgroups: the control groups that hold a container's limits, as systemd names them: MemoryMax=,
// CPUQuota=, TasksMax=. Both hierarchies are handled:
// - cgroup v2 (one tree at the mount, recognised by its cgroup.controllers file): memory.max and
//   memory.swap.max, cpu.max, pids.max (Documentation/admin-guide/cgroup-v2.rst);
// - cgroup v1 (one tree per controller, /sys/fs/cgroup/<controller>): memory.limit_in_bytes and
//   memory.memsw.limit_in_bytes, cpu.cfs_quota_us over cpu.cfs_period_us, pids.max
//   (Documentation/admin-guide/cgroup-v1/).
// A container's groups live under keeld's own group (read from /proc/self/cgroup) in "keel/":
// <keeld's group>/keel/<leaf>. Only the controllers a limit needs get a group.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/env/error.h"

namespace keel::real {

enum class CgroupVersion { kV1, kV2 };

struct CgroupLimits {
  std::optional<std::uint64_t> memory_max_bytes;
  std::optional<std::uint32_t> cpu_quota_percent;  // 100 = one CPU
  std::optional<std::uint32_t> tasks_max;

  bool any() const { return memory_max_bytes || cpu_quota_percent || tasks_max; }
};

// Where keeld's own groups are.
struct CgroupHost {
  CgroupVersion version;
  // v2: the single group ("" key). v1: controller -> absolute directory of keeld's group in that
  // controller's hierarchy.
  std::map<std::string, std::string> own_groups;
};

// Reads the version from `mount` and keeld's groups from `self_cgroup` (the text of
// /proc/self/cgroup). Fails when a needed hierarchy is missing.
Result<CgroupHost> detect_cgroups(const std::string& mount, const std::string& self_cgroup);

// The period CPUQuota= is spread over, as systemd's default (100 ms).
inline constexpr std::uint64_t kCpuPeriodMicros = 100'000;

class ContainerCgroups {
 public:
  // Creates a group named `leaf` for each controller the limits need and writes the limits.
  // On failure, removes what it made; the error names the file.
  static Result<ContainerCgroups> create(const CgroupHost& host, const std::string& leaf,
                                         const CgroupLimits& limits);

  // The cgroup.procs file of each group, for the container's init to join.
  std::vector<std::string> procs_files() const;
  // Whether the kernel's OOM killer ended a process of the group: oom_kill in memory.oom_control
  // (v1) or memory.events (v2).
  bool oom_killed() const;
  // Removes the groups. Fails (kUnavailable) while a group still holds a process: a caller
  // whose processes have all been reaped may retry shortly.
  Status remove();
  const std::vector<std::string>& directories() const { return directories_; }

 private:
  ContainerCgroups(CgroupVersion version, std::vector<std::string> directories,
                   std::string memory_directory)
      : version_(version),
        directories_(std::move(directories)),
        memory_directory_(std::move(memory_directory)) {}

  CgroupVersion version_;
  std::vector<std::string> directories_;
  std::string memory_directory_;  // empty: no memory limit, so no OOM to report
};

}  // namespace keel::real
