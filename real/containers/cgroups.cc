#include "real/containers/cgroups.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "core/env/str.h"

namespace keel::real {
namespace {

constexpr const char* kParent = "keel";

Status write_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail(Errc::kIo, str("cgroup file ", path, ": ", std::strerror(errno)));
  const ssize_t written = ::write(fd, text.data(), text.size());
  const int error = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) {
    return fail(Errc::kIo, str("write '", text, "' to ", path, ": ", std::strerror(error)));
  }
  return {};
}

std::optional<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, got);
  ::close(fd);
  return text;
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

Status make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(Errc::kIo, str("create cgroup ", path, ": ", std::strerror(errno)));
  }
  return {};
}

// The value of `key` in a flat keyed file ("key value" lines), 0 when absent.
std::uint64_t keyed_value(const std::string& text, std::string_view key) {
  std::istringstream lines(text);
  std::string name;
  std::uint64_t value = 0;
  while (lines >> name >> value) {
    if (name == key) return value;
  }
  return 0;
}

// The controllers a set of limits needs, each with the files and values to write, in order.
struct ControllerLimits {
  std::string controller;
  std::vector<std::pair<std::string, std::string>> files;
};

std::vector<ControllerLimits> files_for(CgroupVersion version, const CgroupLimits& limits,
                                        const std::string& dir_of_memory) {
  std::vector<ControllerLimits> wanted;
  const bool v1 = version == CgroupVersion::kV1;
  if (limits.memory_max_bytes) {
    const std::string bytes = std::to_string(*limits.memory_max_bytes);
    ControllerLimits memory{"memory", {{v1 ? "memory.limit_in_bytes" : "memory.max", bytes}}};
    // No swap beyond the limit, so the limit is what the OOM killer enforces.
    const std::string swap_file = v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max";
    if (exists(dir_of_memory + "/" + swap_file)) {
      memory.files.emplace_back(swap_file, v1 ? bytes : "0");
    }
    wanted.push_back(std::move(memory));
  }
  if (limits.cpu_quota_percent) {
    const std::uint64_t quota = *limits.cpu_quota_percent * kCpuPeriodMicros / 100;
    if (v1) {
      wanted.push_back({"cpu",
                        {{"cpu.cfs_period_us", std::to_string(kCpuPeriodMicros)},
                         {"cpu.cfs_quota_us", std::to_string(quota)}}});
    } else {
      wanted.push_back({"cpu", {{"cpu.max", str(quota, " ", kCpuPeriodMicros)}}});
    }
  }
  if (limits.tasks_max) {
    wanted.push_back({"pids", {{"pids.max", std::to_string(*limits.tasks_max)}}});
  }
  return wanted;
}

}  // namespace

Result<CgroupHost> detect_cgroups(const std::string& mount, const std::string& self_cgroup) {
  CgroupHost host{
      .version = exists(mount + "/cgroup.controllers") ? CgroupVersion::kV2 : CgroupVersion::kV1,
      .own_groups = {}};
  // /proc/self/cgroup: "hierarchy-ID:controller-list:cgroup-path" per line (cgroups(7)).
  std::istringstream lines(self_cgroup);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t first = line.find(':');
    const std::size_t second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (path == "/") path.clear();
    if (host.version == CgroupVersion::kV2) {
      if (line.starts_with("0::")) host.own_groups[""] = mount + path;
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (name == "memory" || name == "cpu" || name == "pids") {
        host.own_groups[name] = str(mount, "/", name, path);
      }
    }
  }
  if (host.own_groups.empty()) {
    return fail(Errc::kUnavailable, str("no usable cgroup hierarchy under ", mount));
  }
  return host;
}

Result<ContainerCgroups> ContainerCgroups::create(const CgroupHost& host, const std::string& leaf,
                                                  const CgroupLimits& limits) {
  const bool v1 = host.version == CgroupVersion::kV1;
  auto own_group = [&](const std::string& controller) -> Result<std::string> {
    const auto found = host.own_groups.find(v1 ? controller : "");
    if (found == host.own_groups.end()) {
      return fail(Errc::kUnavailable, str("no ", controller, " cgroup controller on this host"));
    }
    return found->second;
  };
  const auto memory_own = own_group("memory");
  const std::string memory_dir =
      memory_own ? str(*memory_own, "/", kParent, "/", leaf) : std::string();
  ContainerCgroups made(host.version, {}, limits.memory_max_bytes ? memory_dir : "");
  auto make_one = [&](const ControllerLimits& wanted) -> Status {
    auto own = own_group(wanted.controller);
    if (!own) return std::unexpected(own.error());
    const std::string parent = str(*own, "/", kParent);
    const std::string dir = str(parent, "/", leaf);
    if (auto status = make_dir(parent); !status) return status;
    if (!v1) {
      // v2 hands a controller down only where each ancestor's subtree_control enables it.
      const std::string enable = str("+", wanted.controller);
      if (auto status = write_file(*own + "/cgroup.subtree_control", enable); !status) {
        return status;
      }
      if (auto status = write_file(parent + "/cgroup.subtree_control", enable); !status) {
        return status;
      }
    }
    if (auto status = make_dir(dir); !status) return status;
    // v2 has one group for every controller: record it once.
    if (std::find(made.directories_.begin(), made.directories_.end(), dir) ==
        made.directories_.end()) {
      made.directories_.push_back(dir);
    }
    for (const auto& [file, value] : wanted.files) {
      if (auto status = write_file(dir + "/" + file, value); !status) return status;
    }
    return {};
  };
  for (const ControllerLimits& wanted : files_for(host.version, limits, memory_dir)) {
    if (auto status = make_one(wanted); !status) {
      (void)made.remove();
      return std::unexpected(status.error());
    }
  }
  return made;
}

std::vector<std::string> ContainerCgroups::procs_files() const {
  std::vector<std::string> files;
  for (const std::string& dir : directories_) files.push_back(dir + "/cgroup.procs");
  return files;
}

bool ContainerCgroups::oom_killed() const {
  if (memory_directory_.empty()) return false;
  const bool v1 = version_ == CgroupVersion::kV1;
  const auto text = read_file(memory_directory_ + (v1 ? "/memory.oom_control" : "/memory.events"));
  return text && keyed_value(*text, "oom_kill") > 0;
}

Status ContainerCgroups::remove() {
  while (!directories_.empty()) {
    const std::string& dir = directories_.back();
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
      return fail(Errc::kUnavailable, str("remove cgroup ", dir, ": ", std::strerror(errno)));
    }
    directories_.pop_back();
  }
  return {};
}

}  // namespace keel::real
