#include "sim/scenario/equality.h"

#include <tuple>

namespace keel::sim {

bool operator==(const Target& a, const Target& b) {
  return std::tie(a.kind, a.names) == std::tie(b.kind, b.names);
}

bool operator==(const PartitionFault& a, const PartitionFault& b) {
  return std::tie(a.kind, a.nodes, a.groups, a.from, a.to) ==
         std::tie(b.kind, b.nodes, b.groups, b.from, b.to);
}

bool operator==(const CrashFault& a, const CrashFault& b) {
  return std::tie(a.target, a.restart_after) == std::tie(b.target, b.restart_after);
}

bool operator==(const RestartFault& a, const RestartFault& b) { return a.target == b.target; }

bool operator==(const ClockFault& a, const ClockFault& b) {
  return std::tie(a.target, a.offset, a.drift) == std::tie(b.target, b.offset, b.drift);
}

bool operator==(const DiskFault& a, const DiskFault& b) {
  const bool restarts = a.kind != DiskFault::Kind::kStall;
  return std::tie(a.target, a.kind) == std::tie(b.target, b.kind) &&
         (!restarts || a.restart_after == b.restart_after);
}

bool operator==(const NetworkFault& a, const NetworkFault& b) {
  return std::tie(a.drop, a.duplicate, a.latency) == std::tie(b.drop, b.duplicate, b.latency);
}

bool operator==(const PauseFault& a, const PauseFault& b) { return a.target == b.target; }

bool operator==(const HealFault&, const HealFault&) { return true; }
bool operator==(const ContainerFault& a, const ContainerFault& b) {
  return a.unit == b.unit && a.kind == b.kind;
}
bool operator==(const MemberFault& a, const MemberFault& b) {
  return a.kind == b.kind && a.machine == b.machine;
}

bool operator==(const Fault& a, const Fault& b) {
  return std::tie(a.at, a.lasts, a.every, a.until, a.action) ==
         std::tie(b.at, b.lasts, b.every, b.until, b.action);
}

bool operator==(const Scenario& a, const Scenario& b) {
  return std::tie(a.name, a.description, a.seeds.first, a.seeds.last, a.duration, a.settle,
                  a.cluster, a.latency, a.drop, a.duplicate, a.fsync, a.kv, a.watch, a.units,
                  a.faults, a.expect) == std::tie(b.name, b.description, b.seeds.first,
                                                  b.seeds.last, b.duration, b.settle, b.cluster,
                                                  b.latency, b.drop, b.duplicate, b.fsync, b.kv,
                                                  b.watch, b.units, b.faults, b.expect);
}

}  // namespace keel::sim
