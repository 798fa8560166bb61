// Host: one simulated machine. It owns what survives a crash (its disk, its clock's hardware) and
// builds, for each incarnation, the Env and the Program that runs on it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/env/env.h"
#include "sim/program.h"
#include "sim/sim_clock.h"
#include "sim/sim_containers.h"
#include "sim/sim_file_system.h"

namespace keel::sim {

class World;

enum class HostState { kUp, kDown, kPaused };

class Host {
 public:
  Host(World& world, NodeId id, std::string name, ProgramFactory factory, const Random& root);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  HostState state() const { return state_; }
  bool up() const { return state_ != HostState::kDown; }
  // Bumped by every crash: events scheduled by an earlier incarnation are discarded.
  std::uint64_t incarnation() const { return incarnation_; }
  Program* program() const { return program_.get(); }
  SimClock& clock() { return clock_; }
  SimFileSystem& fs() { return fs_; }
  SimContainers& containers() { return containers_; }
  // The host's clock reading now (what its program would read).
  Time local_time();

  // Runs `fn` on this host's loop after `delay` of true time, if this incarnation still lives.
  void post(Duration delay, std::function<void()> fn);
  // Records an event of the machine itself (not of its program) in the world's trace.
  void record(std::string_view component, std::string_view event,
              std::initializer_list<TraceField> fields);

 private:
  friend class World;
  class HostClock;
  class HostTransport;
  class HostTraceSink;

  void boot();
  void crash(CrashMode mode);
  // Keeps the machine busy for `d` (a blocking fsync): its later work and sends are delayed.
  void charge(Duration d);
  // True time as this host sees it: later than the world's while it is busy.
  Time effective_now() const;

  World& world_;
  NodeId id_;
  std::string name_;
  ProgramFactory factory_;
  Random root_;
  HostState state_ = HostState::kDown;
  std::uint64_t incarnation_ = 0;
  SimClock clock_;
  std::uint64_t clock_epoch_ = 0;  // bumped when the clock changes: timers are re-queued
  SimFileSystem fs_;
  SimContainers containers_;
  Time busy_until_{};
  std::vector<std::uint32_t> paused_events_;  // events that arrived while paused, in arrival order
  // Events that arrived during a blocking sync, in arrival order, behind one kWake event.
  std::vector<std::uint32_t> waiting_;

  struct Timer {
    TimerId id;
    Time deadline;  // host time
    std::function<void()> callback;
  };
  // The pending timers, by id. Ids only grow, so a new timer goes at the end; a program has a few
  // pending at a time (a tick, a flush), so a flat vector beats a map's node per timer.
  std::vector<Timer> timers_;
  std::vector<Timer>::iterator find_timer(TimerId id);
  TimerId next_timer_ = 1;  // for timers and deferred calls alike
  // The ids of the calls deferred (Clock::defer) and neither run nor cancelled. Each call waits
  // in its event (World::queue_deferred_call), which runs it only if its id is still here. A
  // cancelled call's callback (and what it captured) stays alive in its event slot until the
  // event comes up and releases the slot: at the host's current instant, or later while the host
  // is paused or inside a blocking sync (a crash releases the events the host holds back).
  std::vector<TimerId> deferred_calls_;
  Transport::ReceiveHandler receive_;

  // Per incarnation.
  std::unique_ptr<HostClock> clock_iface_;
  std::unique_ptr<HostTransport> transport_;
  std::unique_ptr<HostTraceSink> trace_;
  std::optional<Random> random_;
  std::unique_ptr<Env> env_;
  std::unique_ptr<Program> program_;
};

}  // namespace keel::sim
