// Timeline: what happened to each machine of one simulated run, and which faults were on when,
// rebuilt from the run's trace records (sim/trace_log.h) for the HTML report. Only the text of
// the records is read (sim/report/trace_text.h); nothing else about the run is needed.
//
// What is understood (every other record is skipped):
// - the simulator's own records (sim/world.cc, sim/nemesis/nemesis.cc): crash / restart,
//   pause / resume, partition (replaces the previous one) / block (adds a direction) / heal,
//   clock-step (offsets add up), clock-rate, disk-stall / disk-stall-end, and network (link
//   defaults; the first one, recorded by the Cluster at time 0, is the baseline and is no fault);
// - a machine's records: raft.role (role, term), node.recovered (a booted node is a follower in
//   its recovered term: Raft §5.2, "when servers start up, they begin as followers"),
//   node.stopped and node.failed-to-start.
// Spans still open when the run ends are closed at `end` (or at the last record, if later) and
// marked open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/env/types.h"
#include "sim/trace_log.h"

namespace keel::sim {

enum class MachineState : std::uint8_t {
  kDown,     // crashed, until restarted
  kPaused,   // frozen: its frames and timers wait
  kStopped,  // its node stopped on an error (or could not start) while the machine was up
};

struct StateSpan {
  MachineState state = MachineState::kDown;
  Time begin{}, end{};
  bool open = false;   // still so when the run ended
  std::string detail;  // the crash's disk mode, the stop's reason
};

struct RoleSpan {
  std::string role;                  // follower, pre-candidate, candidate, leader
  std::optional<std::int64_t> term;  // when the record said
  Time begin{}, end{};
  bool open = false;
};

struct MachineLane {
  std::string machine;
  std::vector<StateSpan> states;  // by begin time
  std::vector<RoleSpan> roles;    // by begin time; none while down or stopped
};

enum class FaultKind : std::uint8_t { kPartition, kCrash, kPause, kClock, kDisk, kLinks };

struct FaultSpan {
  FaultKind kind = FaultKind::kPartition;
  std::string label;  // "partition n1 | n2,n3", "crash n2", "clock n1 +0.300s"...
  Time begin{}, end{};
  bool open = false;
  // The machines it marks: for a partition those outside its largest group (cut off from the
  // biggest side; everyone when no group is strictly largest). Empty: every machine.
  std::vector<std::string> machines;
};

struct Timeline {
  std::vector<MachineLane> lanes;  // one per machine name, in the order given
  std::vector<FaultSpan> faults;   // by begin time
  std::size_t unreadable = 0;      // records whose text did not parse
  std::string first_unreadable;    // why the first of them did not
};

// Records may come in any order (a machine stamps its records with the time it finished work,
// which may be later than the simulator's next record): they are read in world-time order, ties
// in the order given. Records of machines not in `machines` are skipped; faults naming them are
// kept.
Timeline build_timeline(const std::vector<TraceRecord>& records,
                        const std::vector<std::string>& machines, Time end);

std::string_view to_string(MachineState state);
std::string_view to_string(FaultKind kind);

}  // namespace keel::sim
