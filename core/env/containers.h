// env::Containers: starts and stops the processes that units run, and reports what became of them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/env/types.h"

namespace keel {

using ContainerId = std::uint64_t;

// What to run. Resource limits are optional; a container without them is unlimited.
struct ContainerSpec {
  std::string name;  // the unit's name, for logs and events
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> environment;
  std::string working_directory;
  std::string root_directory;  // run in this directory as "/" ...
  std::string image;           // ... or in this image (name:tag); neither: the host's root
  std::string hostname;
  bool private_network = false;  // loopback only; default is the host's network, as fleet did
  std::optional<std::uint64_t> memory_max_bytes;
  std::optional<std::uint32_t> cpu_quota_percent;  // 100 = one CPU
  std::optional<std::uint32_t> tasks_max;
};

struct ContainerEvent {
  enum class Kind { kStarted, kExited, kFailedToStart };
  Kind kind;
  ContainerId id;
  int exit_code = 0;        // kExited: the main process's code, or 128 + signal
  int signal = 0;           // kExited: the signal that ended it, 0 for a normal exit
  bool oom_killed = false;  // kExited: killed for exceeding memory_max_bytes
  std::string reason;       // kFailedToStart: why, in words
};

// Contract:
// - start(spec) returns at once with a fresh id; exactly one of kStarted or kFailedToStart
//   follows for that id, then (after kStarted) exactly one kExited.
// - stop(id, grace) asks the container to end (SIGTERM) and kills it after `grace`; its kExited
//   event follows. Stopping an ended or unknown id does nothing.
// - Events are delivered on the machine's event loop, never from inside start() or stop().
class Containers {
 public:
  using EventHandler = std::function<void(const ContainerEvent&)>;
  virtual ~Containers() = default;
  virtual ContainerId start(const ContainerSpec& spec) = 0;
  virtual void stop(ContainerId id, Duration grace) = 0;
  virtual void set_event_handler(EventHandler handler) = 0;
};

}  // namespace keel
