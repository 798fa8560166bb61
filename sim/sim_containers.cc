#include "sim/sim_containers.h"

#include "sim/host.h"

namespace keel::sim {
namespace {
constexpr Duration kStartLow = std::chrono::milliseconds(5);
constexpr Duration kStartHigh = std::chrono::milliseconds(50);
constexpr Duration kStopHigh = std::chrono::milliseconds(20);
constexpr int kSigKill = 9;
constexpr int kSigTerm = 15;
}  // namespace

SimContainers::SimContainers(Host& host, Random random) : host_(host), random_(std::move(random)) {}

ContainerId SimContainers::start(const ContainerSpec& spec) {
  const ContainerId id = next_id_++;
  if (auto it = fail_next_.find(spec.name); it != fail_next_.end()) {
    fail_next_.erase(it);
    host_.post(random_.between(kStartLow, kStartHigh), [this, id] {
      deliver({ContainerEvent::Kind::kFailedToStart, id, 0, 0, false, "injected start failure"});
    });
    return id;
  }
  containers_[id] = Container{spec.name, Phase::kStarting};
  host_.record("container", "live", {{"unit", spec.name}, {"id", id}});
  host_.post(random_.between(kStartLow, kStartHigh), [this, id] {
    auto it = containers_.find(id);
    if (it == containers_.end() || it->second.phase != Phase::kStarting) return;
    it->second.phase = Phase::kRunning;
    it->second.started = true;
    deliver({ContainerEvent::Kind::kStarted, id, 0, 0, false, {}});
  });
  return id;
}

void SimContainers::stop(ContainerId id, Duration grace) {
  auto it = containers_.find(id);
  if (it == containers_.end() || it->second.phase == Phase::kStopping) return;
  it->second.phase = Phase::kStopping;
  // A well-behaved process ends on SIGTERM within a few milliseconds, never after the grace.
  const Duration delay = std::min(grace, random_.between(Duration(0), kStopHigh));
  host_.post(delay, [this, id] { exit(id, kSigTerm); });
}

void SimContainers::exit(ContainerId id, int signal) {
  auto it = containers_.find(id);
  if (it == containers_.end()) return;
  const bool started = it->second.started;
  record_gone(id, it->second.unit);
  containers_.erase(it);
  if (!started) {
    deliver({ContainerEvent::Kind::kFailedToStart, id, 0, 0, false, "stopped while starting"});
    return;
  }
  deliver({ContainerEvent::Kind::kExited, id, 128 + signal, signal, false, {}});
}

void SimContainers::crash(std::string_view unit) {
  std::vector<ContainerId> victims;
  for (const auto& [id, container] : containers_) {
    if (container.unit == unit && container.started) victims.push_back(id);
  }
  for (ContainerId id : victims) {
    host_.post(Duration(0), [this, id] { exit(id, kSigKill); });
  }
}

void SimContainers::fail_next_start(std::string_view unit) { fail_next_.emplace(unit); }

void SimContainers::lose_all() {
  for (const auto& [id, container] : containers_) record_gone(id, container.unit);
  containers_.clear();
  handler_ = nullptr;
}

std::map<ContainerId, std::string> SimContainers::running() const {
  std::map<ContainerId, std::string> out;
  for (const auto& [id, container] : containers_) {
    if (container.started) out.emplace(id, container.unit);
  }
  return out;
}

void SimContainers::record_gone(ContainerId id, const std::string& unit) {
  host_.record("container", "gone", {{"unit", unit}, {"id", id}});
}

void SimContainers::deliver(ContainerEvent event) {
  if (handler_) handler_(event);
}

}  // namespace keel::sim
