// The faults of a scenario (../shared/SCENARIOS.md, "faults:"), as plain values. The YAML loader
// and the random schedule generators produce these; the Nemesis applies them to a Cluster.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/env/types.h"

namespace keel::sim {

// Which machines a fault hits, resolved when it fires from the simulator's true state.
struct Target {
  enum class Kind { kNames, kLeader, kFollower, kRandom, kMinority, kMajority, kAll };
  Kind kind = Kind::kRandom;
  std::vector<std::string> names;  // kNames
};

struct PartitionFault {
  enum class Kind {
    kIsolateLeader,     // the leader alone vs everyone else
    kIsolateNewLeader,  // during `for`, a member that wins an election is, with probability 9/10,
                        // cut off at once, before its first message as leader leaves, for a
                        // time between one heartbeat and one election timeout (leader churn)
    kFigure8,           // during `for`, rounds that stage the thesis's Figure 3.7: the leader
                        // and a minority cut off, the rest's new leader cut off alone at once,
                        // then the old minority's entries replicated by a later leader
                        // (figure8_rounds.h)
    kIsolate,           // `nodes` vs everyone else
    kHalves,            // a random split into two halves
    kMajorityMinority,  // a random split into a majority and a minority
    kBridge,            // two halves that only one machine (the bridge) sees both of
    kRing,              // each member sees only its two neighbours on a random ring
    kGroups,            // `groups`; machines in no group see nobody
    kOneWay,            // frames from `from` to `to` are dropped; the reverse works
  };
  Kind kind = Kind::kHalves;
  std::vector<std::string> nodes;
  std::vector<std::vector<std::string>> groups;
  std::vector<std::string> from, to;
};

struct CrashFault {
  Target target;
  std::optional<Duration> restart_after;  // none: down until a restart fault (or the settle phase)
};

struct RestartFault {
  Target target;  // among the machines that are down
};

struct ClockFault {
  Target target;
  std::optional<Duration> offset;  // a step
  std::optional<double> drift;     // a rate: 1.05 runs 5% fast
};

struct DiskFault {
  enum class Kind { kLoseUnsynced, kCorruptTail, kStall };
  Target target;
  Kind kind = Kind::kLoseUnsynced;
  Duration restart_after = std::chrono::seconds(1);  // lose-unsynced, corrupt-tail
};

struct NetworkFault {
  std::optional<double> drop;
  std::optional<double> duplicate;
  std::optional<std::pair<Duration, Duration>> latency;
};

struct PauseFault {
  Target target;
};

struct HealFault {};

// A unit's processes, wherever they run: `crash` kills them (SIGKILL); `start-fail` makes the next
// start of the unit fail on every machine.
struct ContainerFault {
  enum class Kind { kCrash, kStartFail };
  std::string unit;
  Kind kind = Kind::kCrash;
};

// A membership change through the API, as an operator makes one (`member: {add: n6}`): `add`
// boots a new machine and has the leader add it as a learner, then promote it to voter; `remove`
// has the leader remove a member (thesis §4.1, one server at a time).
struct MemberFault {
  enum class Kind { kAdd, kRemove };
  Kind kind = Kind::kAdd;
  std::string machine;  // "nK"; an added machine is the next one the cluster boots
};

using FaultAction = std::variant<PartitionFault, CrashFault, RestartFault, ClockFault, DiskFault,
                                 NetworkFault, PauseFault, HealFault, MemberFault, ContainerFault>;

struct Fault {
  Duration at{0};                 // when it fires (first firing, for a repeated fault)
  std::optional<Duration> lasts;  // `for`: reverted after this long
  std::optional<Duration> every;  // repeated from `at` while before `until`
  std::optional<Duration> until;
  FaultAction action;
  std::string where;  // where it was defined ("file:line"), for reports; may be empty
};

// One line describing a fault, for reports and shrunk schedules.
std::string describe(const Fault& fault);

}  // namespace keel::sim
