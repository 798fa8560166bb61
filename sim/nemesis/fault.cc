#include "sim/nemesis/fault.h"

#include <sstream>

#include "core/env/str.h"

namespace keel::sim {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

std::string duration(Duration d) {
  std::ostringstream out;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) {
    out << ms / 1000 << "s";
  } else {
    out << ms << "ms";
  }
  return out.str();
}

std::string list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + "]";
}

std::string target(const Target& t) {
  switch (t.kind) {
    case Target::Kind::kNames:
      return t.names.size() == 1 ? t.names.front() : list(t.names);
    case Target::Kind::kLeader:
      return "leader";
    case Target::Kind::kFollower:
      return "follower";
    case Target::Kind::kRandom:
      return "random";
    case Target::Kind::kMinority:
      return "minority";
    case Target::Kind::kMajority:
      return "majority";
    case Target::Kind::kAll:
      return "all";
  }
  return "?";
}

std::string partition(const PartitionFault& p) {
  switch (p.kind) {
    case PartitionFault::Kind::kIsolateLeader:
      return "isolate-leader";
    case PartitionFault::Kind::kIsolateNewLeader:
      return "isolate-new-leader";
    case PartitionFault::Kind::kFigure8:
      return "figure-8";
    case PartitionFault::Kind::kIsolate:
      return "{isolate: " + list(p.nodes) + "}";
    case PartitionFault::Kind::kHalves:
      return "halves";
    case PartitionFault::Kind::kMajorityMinority:
      return "majority-minority";
    case PartitionFault::Kind::kBridge:
      return "bridge";
    case PartitionFault::Kind::kRing:
      return "ring";
    case PartitionFault::Kind::kGroups: {
      std::string out = "{groups: [";
      for (std::size_t i = 0; i < p.groups.size(); ++i) out += (i ? ", " : "") + list(p.groups[i]);
      return out + "]}";
    }
    case PartitionFault::Kind::kOneWay:
      return "{oneway: {from: " + list(p.from) + ", to: " + list(p.to) + "}}";
  }
  return "?";
}

}  // namespace

// Renders the fault in the scenario file's own YAML flow syntax, so it can be pasted back.
std::string describe(const Fault& fault) {
  std::string out = fault.every
                        ? "{every: " + duration(*fault.every) + ", from: " + duration(fault.at) +
                              (fault.until ? ", until: " + duration(*fault.until) : "")
                        : "{at: " + duration(fault.at);
  out += std::visit(
      Overloaded{
          [](const PartitionFault& p) { return ", partition: " + partition(p); },
          [](const CrashFault& c) {
            return ", crash: " + target(c.target) +
                   (c.restart_after ? ", restart_after: " + duration(*c.restart_after) : "");
          },
          [](const RestartFault& r) { return ", restart: " + target(r.target); },
          [](const ClockFault& c) {
            std::ostringstream o;
            o << ", clock: {node: " << target(c.target);
            if (c.offset) o << ", offset: " << duration(*c.offset);
            if (c.drift) o << ", drift: " << *c.drift;
            o << "}";
            return o.str();
          },
          [](const DiskFault& d) {
            const char* kind = d.kind == DiskFault::Kind::kStall         ? "stall"
                               : d.kind == DiskFault::Kind::kCorruptTail ? "corrupt-tail"
                                                                         : "lose-unsynced";
            return ", disk: {node: " + target(d.target) + ", fault: " + kind + "}" +
                   (d.kind != DiskFault::Kind::kStall
                        ? ", restart_after: " + duration(d.restart_after)
                        : "");
          },
          [](const NetworkFault& n) {
            std::ostringstream o;
            o << ", network: {";
            const char* sep = "";
            if (n.drop) o << "drop: " << *n.drop, sep = ", ";
            if (n.duplicate) o << sep << "duplicate: " << *n.duplicate, sep = ", ";
            if (n.latency) {
              o << sep << "latency: [" << duration(n.latency->first) << ", "
                << duration(n.latency->second) << "]";
            }
            o << "}";
            return o.str();
          },
          [](const PauseFault& p) { return ", pause: " + target(p.target); },
          [](const HealFault&) { return std::string(", heal: all"); },
          [](const MemberFault& m) {
            return str(", member: {", m.kind == MemberFault::Kind::kAdd ? "add" : "remove", ": ",
                       m.machine, "}");
          },
          [](const ContainerFault& c) {
            return str(", container: {unit: ", c.unit,
                       ", fault: ", c.kind == ContainerFault::Kind::kCrash ? "crash" : "start-fail",
                       "}");
          },
      },
      fault.action);
  if (fault.lasts) out += ", for: " + duration(*fault.lasts);
  return out + "}";
}

}  // namespace keel::sim
