// UnitChecker: fleet's safety properties on the simulator's true state (SCENARIOS.md, "always-on
// checks"), fed with the machines' container lifecycle ("container.live" / "container.gone" in
// the trace, see sim_containers.h) as it happens in true time:
// - placement rules hold among the processes that exist at every instant: MachineID,
//   MachineMetadata, Conflicts, Replaces and reserved resources (placement_checker.h; MachineOf
//   is a rule of assignments and is left to the engine's tests: a peer restarting would break it
//   for an instant without harm);
// - a non-global unit never has a process on two machines at the same instant, and no unit ever
//   has two processes on one machine. A machine whose agent was paused (the `pause` fault:
//   keeld stopped, its containers running on) cannot fence itself, as no lease-based fencing can
//   while its process is stopped: a second process beside one of its processes, while it is
//   paused or within `fencing_margin` after it resumed, is counted (excused_double_runs), not
//   reported;
// - fencing: once a machine's presence lease is gone from the store, no process it started
//   before that may still exist `margin` later (the agent must have stopped it).
// A unit the checker was not told about (not in the scenario) is checked for duplicates only.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/env/containers.h"
#include "core/env/types.h"
#include "core/fleet/placement.h"
#include "core/fleet/presence.h"
#include "sim/checkers/raft_checker.h"

namespace keel::sim {

class UnitChecker {
 public:
  UnitChecker(std::vector<fleet::Machine> machines, std::vector<fleet::Unit> units,
              Duration fencing_margin = fleet::PresenceOptions{}.fencing_margin);

  void on_live(Time now, const std::string& machine, const std::string& unit, ContainerId id);
  void on_gone(Time now, const std::string& machine, ContainerId id);
  // The machine's keeld was paused, or resumed (the pause fault).
  void on_paused(const std::string& machine);
  void on_resumed(Time now, const std::string& machine);
  // The machine's presence lease was revoked at `expired` (true time); call at `now` >=
  // expired + margin to check that its older processes are gone.
  void check_fenced(Time now, const std::string& machine, Time expired);

  // unit -> machines where a process of it exists now (true state).
  std::map<std::string, std::set<std::string>> live() const;
  const std::vector<Violation>& violations() const { return violations_; }
  bool ok() const { return violations_.empty(); }
  std::uint64_t processes_checked() const { return processes_checked_; }
  std::uint64_t excused_double_runs() const { return excused_double_runs_; }

 private:
  struct Process {
    std::string machine;
    std::string unit;
    Time since;
  };
  void violation(Time now, std::string check, std::string detail);
  void check_rules(Time now, const std::string& machine);
  // Whether the machine's agent could not have fenced by `now`: paused, or resumed too recently.
  bool could_not_fence(Time now, const std::string& machine) const;

  fleet::Cluster cluster_;  // machines and units; `current` unused
  std::map<std::string, const fleet::Unit*> units_;
  std::map<std::pair<std::string, ContainerId>, Process> processes_;
  std::vector<Violation> violations_;
  std::set<std::string> reported_;  // one violation per distinct finding
  std::uint64_t processes_checked_ = 0;
  Duration fencing_margin_;
  std::set<std::string> paused_;
  std::map<std::string, Time> resumed_at_;  // by machine: its latest resume
  std::uint64_t excused_double_runs_ = 0;
};

}  // namespace keel::sim
