// Nemesis: applies a schedule of faults to a simulated Cluster during the safety phase, and heals
// everything for the liveness phase. Targets are resolved when a fault fires, from the simulator's
// true state, with the run's seeded randomness (SCENARIOS.md, "Targets").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/env/random.h"
#include "sim/cluster.h"
#include "sim/nemesis/fault.h"
#include "sim/nemesis/figure8_rounds.h"
#include "sim/nemesis/member_changes.h"

namespace keel::sim {

struct NemesisStats {
  std::uint64_t fired = 0;
  std::uint64_t crashes = 0;
  std::uint64_t partitions = 0;
};

class Nemesis {
 public:
  Nemesis(Cluster& cluster, std::vector<Fault> faults);

  // Schedules every fault relative to `start`; repeated faults stop at `end` (or their `until`).
  void schedule(Time start, Time end);
  // Ends every fault: heals partitions and link changes, resumes paused machines, restarts the
  // machines of the configuration that are down (one removed from it stays down), ends disk
  // stalls, sets every clock's rate back to true time, and gives up membership changes still
  // under way.
  void heal_all();
  const NemesisStats& stats() const { return stats_; }
  const MemberChanges& member_changes() const { return member_changes_; }
  const Figure8Stats& figure8() const { return figure8_.stats(); }

 private:
  void fire(const Fault& fault);
  void heal_partition();  // ends the partition; a leader that kept its term had no failover
  std::vector<NodeId> resolve(const Target& target, bool want_up);
  void apply_partition(const PartitionFault& partition, std::optional<Duration> lasts);
  void crash(NodeId id, CrashMode mode, std::optional<Duration> restart_after);
  void end_stall(NodeId id);  // if stalled, recorded in the trace
  void begin_network_fault(const NetworkFault& fault, std::optional<Duration> lasts);
  void apply_network_faults();
  void end_network_faults();  // a heal: back to network_base_
  NodeId id_of(const std::string& name) const;

  Cluster& cluster_;
  World& world_;
  std::vector<Fault> faults_;
  Random random_;
  void isolate_new_leader(NodeId leader);

  std::uint64_t partition_generation_ = 0;
  Time trap_new_leaders_until_{};  // kIsolateNewLeader is armed until then
  // The link faults in force, in the order they began, each with its number; the link defaults
  // are network_base_ with each applied in turn (apply_network_faults).
  std::vector<std::pair<std::uint64_t, NetworkFault>> network_faults_;
  LinkConfig network_base_;  // the link defaults before the first of them
  std::uint64_t network_faults_begun_ = 0;
  MemberChanges member_changes_{cluster_};
  NemesisStats stats_;
  Figure8Rounds figure8_{cluster_, random_, partition_generation_, [this] { heal_partition(); }};
};

}  // namespace keel::sim
