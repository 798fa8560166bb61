// SimContainers: env::Containers for a simulated machine. A container starts after a short delay,
// runs until it is stopped or a fault ends it, and reports each step as an event on the machine.
//
// For checkers, the machine records in the world's trace when a container's process exists
// ("container.live" from start(), since the process may run before kStarted is delivered) and
// when it is gone ("container.gone": exited, failed to start, or lost with the machine), with
// the unit and the container id.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/env/containers.h"
#include "core/env/random.h"

namespace keel::sim {

class Host;

class SimContainers final : public Containers {
 public:
  SimContainers(Host& host, Random random);

  ContainerId start(const ContainerSpec& spec) override;
  void stop(ContainerId id, Duration grace) override;
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

  // Faults. crash(): every running container of the unit dies of SIGKILL.
  void crash(std::string_view unit);
  // The next start of the unit fails with a reason.
  void fail_next_start(std::string_view unit);
  // The machine crashed: every container is gone, and nobody is told.
  void lose_all();

  // What runs on this machine right now (true state, for checkers): container id -> unit name.
  std::map<ContainerId, std::string> running() const;

 private:
  enum class Phase { kStarting, kRunning, kStopping };
  struct Container {
    std::string unit;
    Phase phase;
    bool started = false;  // kStarted was delivered
  };
  void deliver(ContainerEvent event);
  void record_gone(ContainerId id, const std::string& unit);
  void exit(ContainerId id, int signal);

  Host& host_;
  Random random_;
  EventHandler handler_;
  std::map<ContainerId, Container> containers_;
  std::set<std::string, std::less<>> fail_next_;
  ContainerId next_id_ = 1;
};

}  // namespace keel::sim
