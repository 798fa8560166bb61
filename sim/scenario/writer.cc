#include "sim/scenario/writer.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <variant>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::sim {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

// The shortest fixed-notation text that reads back as `value` (units.h reads no exponents).
std::string number_text(double value) {
  char buffer[400];  // a fixed-notation double has at most ~330 characters
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  KEEL_ASSERT(error == std::errc(), "a double did not fit its text buffer");
  return std::string(buffer, end);
}

// Exact, as parse_size reads it: the largest binary unit that divides the size, else bytes.
std::string size_text(std::uint64_t bytes) {
  static constexpr std::pair<std::uint64_t, const char*> kUnits[] = {
      {std::uint64_t{1} << 30, "GiB"}, {std::uint64_t{1} << 20, "MiB"}, {1024, "KiB"}};
  for (const auto& [per, unit] : kUnits) {
    if (bytes != 0 && bytes % per == 0) return str(bytes / per, unit);
  }
  return str(bytes);
}

void emit_range(YAML::Emitter& out, const std::pair<Duration, Duration>& range) {
  out << YAML::Flow << YAML::BeginSeq << duration_text(range.first) << duration_text(range.second)
      << YAML::EndSeq;
}

void emit_names(YAML::Emitter& out, const std::vector<std::string>& names) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const std::string& name : names) out << name;
  out << YAML::EndSeq;
}

void emit_target(YAML::Emitter& out, const Target& target) {
  switch (target.kind) {
    case Target::Kind::kNames:
      if (target.names.size() == 1) {
        out << target.names.front();
      } else {
        emit_names(out, target.names);
      }
      return;
    case Target::Kind::kLeader:
      out << "leader";
      return;
    case Target::Kind::kFollower:
      out << "follower";
      return;
    case Target::Kind::kRandom:
      out << "random";
      return;
    case Target::Kind::kMinority:
      out << "minority";
      return;
    case Target::Kind::kMajority:
      out << "majority";
      return;
    case Target::Kind::kAll:
      out << "all";
      return;
  }
  KEEL_ASSERT(false, "a fault target of unknown kind");
}

void emit_partition(YAML::Emitter& out, const PartitionFault& p) {
  using Kind = PartitionFault::Kind;
  switch (p.kind) {
    case Kind::kIsolateLeader:
      out << "isolate-leader";
      return;
    case Kind::kIsolateNewLeader:
      out << "isolate-new-leader";
      return;
    case Kind::kFigure8:
      out << "figure-8";
      return;
    case Kind::kHalves:
      out << "halves";
      return;
    case Kind::kMajorityMinority:
      out << "majority-minority";
      return;
    case Kind::kBridge:
      out << "bridge";
      return;
    case Kind::kRing:
      out << "ring";
      return;
    case Kind::kIsolate:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "isolate" << YAML::Value;
      emit_names(out, p.nodes);
      out << YAML::EndMap;
      return;
    case Kind::kGroups:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::Flow
          << YAML::BeginSeq;
      for (const auto& group : p.groups) emit_names(out, group);
      out << YAML::EndSeq << YAML::EndMap;
      return;
    case Kind::kOneWay:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "oneway" << YAML::Value << YAML::Flow
          << YAML::BeginMap << YAML::Key << "from" << YAML::Value;
      emit_names(out, p.from);
      out << YAML::Key << "to" << YAML::Value;
      emit_names(out, p.to);
      out << YAML::EndMap << YAML::EndMap;
      return;
  }
  KEEL_ASSERT(false, "a partition of unknown kind");
}

const char* disk_fault_word(DiskFault::Kind kind) {
  switch (kind) {
    case DiskFault::Kind::kLoseUnsynced:
      return "lose-unsynced";
    case DiskFault::Kind::kCorruptTail:
      return "corrupt-tail";
    case DiskFault::Kind::kStall:
      return "stall";
  }
  KEEL_ASSERT(false, "a disk fault of unknown kind");
}

// The action's key(s) inside the fault's flow map. A new fault kind adds one lambda here (the
// visit does not compile without it).
void emit_action(YAML::Emitter& out, const FaultAction& action) {
  std::visit(
      Overloaded{
          [&](const PartitionFault& p) {
            out << YAML::Key << "partition" << YAML::Value;
            emit_partition(out, p);
          },
          [&](const CrashFault& c) {
            out << YAML::Key << "crash" << YAML::Value;
            emit_target(out, c.target);
            if (c.restart_after) {
              out << YAML::Key << "restart_after" << YAML::Value << duration_text(*c.restart_after);
            }
          },
          [&](const RestartFault& r) {
            out << YAML::Key << "restart" << YAML::Value;
            emit_target(out, r.target);
          },
          [&](const ClockFault& c) {
            out << YAML::Key << "clock" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
                << "node" << YAML::Value;
            emit_target(out, c.target);
            if (c.offset) out << YAML::Key << "offset" << YAML::Value << duration_text(*c.offset);
            if (c.drift) out << YAML::Key << "drift" << YAML::Value << number_text(*c.drift);
            out << YAML::EndMap;
          },
          [&](const DiskFault& d) {
            out << YAML::Key << "disk" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
                << "node" << YAML::Value;
            emit_target(out, d.target);
            out << YAML::Key << "fault" << YAML::Value << disk_fault_word(d.kind) << YAML::EndMap;
            if (d.kind != DiskFault::Kind::kStall) {
              out << YAML::Key << "restart_after" << YAML::Value << duration_text(d.restart_after);
            }
          },
          [&](const NetworkFault& n) {
            out << YAML::Key << "network" << YAML::Value << YAML::Flow << YAML::BeginMap;
            if (n.drop) out << YAML::Key << "drop" << YAML::Value << number_text(*n.drop);
            if (n.duplicate) {
              out << YAML::Key << "duplicate" << YAML::Value << number_text(*n.duplicate);
            }
            if (n.latency) {
              out << YAML::Key << "latency" << YAML::Value;
              emit_range(out, *n.latency);
            }
            out << YAML::EndMap;
          },
          [&](const PauseFault& p) {
            out << YAML::Key << "pause" << YAML::Value;
            emit_target(out, p.target);
          },
          [&](const HealFault&) { out << YAML::Key << "heal" << YAML::Value << "all"; },
          [&](const MemberFault& m) {
            out << YAML::Key << "member" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
                << (m.kind == MemberFault::Kind::kAdd ? "add" : "remove") << YAML::Value
                << m.machine << YAML::EndMap;
          },
          [&](const ContainerFault& c) {
            out << YAML::Key << "container" << YAML::Value << YAML::Flow << YAML::BeginMap
                << YAML::Key << "unit" << YAML::Value << c.unit << YAML::Key << "fault"
                << YAML::Value << (c.kind == ContainerFault::Kind::kCrash ? "crash" : "start-fail")
                << YAML::EndMap;
          },
      },
      action);
}

void emit_fault(YAML::Emitter& out, const Fault& fault) {
  out << YAML::Flow << YAML::BeginMap;
  if (fault.every) {
    out << YAML::Key << "every" << YAML::Value << duration_text(*fault.every) << YAML::Key << "from"
        << YAML::Value << duration_text(fault.at);
    if (fault.until) out << YAML::Key << "until" << YAML::Value << duration_text(*fault.until);
  } else {
    out << YAML::Key << "at" << YAML::Value << duration_text(fault.at);
  }
  emit_action(out, fault.action);
  if (fault.lasts) out << YAML::Key << "for" << YAML::Value << duration_text(*fault.lasts);
  out << YAML::EndMap;
  if (!fault.where.empty()) out << YAML::Comment(fault.where);
}

void emit_cluster(YAML::Emitter& out, const ClusterSpec& c) {
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "members" << YAML::Value << c.members;
  if (c.workers != 0) out << YAML::Key << "workers" << YAML::Value << c.workers;
  const bool tuned = c.heartbeat || c.election_timeout || c.pre_vote || c.check_quorum ||
                     c.max_entries_per_message || c.max_inflight_messages || c.snapshot_every ||
                     c.snapshot_chunk_bytes || c.max_held_appends || c.log_kept_below_snapshot;
  if (tuned) {
    out << YAML::Key << "raft" << YAML::Value << YAML::BeginMap;
    if (c.heartbeat) out << YAML::Key << "heartbeat" << YAML::Value << duration_text(*c.heartbeat);
    if (c.election_timeout) {
      out << YAML::Key << "election_timeout" << YAML::Value;
      emit_range(out, *c.election_timeout);
    }
    if (c.pre_vote) out << YAML::Key << "pre_vote" << YAML::Value << *c.pre_vote;
    if (c.check_quorum) out << YAML::Key << "check_quorum" << YAML::Value << *c.check_quorum;
    if (c.max_entries_per_message) {
      out << YAML::Key << "max_entries_per_message" << YAML::Value << *c.max_entries_per_message;
    }
    if (c.max_inflight_messages) {
      out << YAML::Key << "max_inflight_messages" << YAML::Value << *c.max_inflight_messages;
    }
    if (c.snapshot_every) out << YAML::Key << "snapshot_every" << YAML::Value << *c.snapshot_every;
    if (c.snapshot_chunk_bytes) {
      out << YAML::Key << "snapshot_chunk" << YAML::Value << size_text(*c.snapshot_chunk_bytes);
    }
    if (c.max_held_appends) {
      out << YAML::Key << "max_held_appends" << YAML::Value << *c.max_held_appends;
    }
    if (c.log_kept_below_snapshot) {
      out << YAML::Key << "log_kept_below_snapshot" << YAML::Value << *c.log_kept_below_snapshot;
    }
    out << YAML::EndMap;
  }
  if (!c.machines.empty()) {
    out << YAML::Key << "machines" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, spec] : c.machines) {
      out << YAML::Key << name << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (!spec.metadata.empty()) {
        out << YAML::Key << "metadata" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [key, value] : spec.metadata)
          out << YAML::Key << key << YAML::Value << value;
        out << YAML::EndMap;
      }
      if (spec.memory_bytes) {
        out << YAML::Key << "memory" << YAML::Value << size_text(*spec.memory_bytes);
      }
      if (spec.cpus) out << YAML::Key << "cpus" << YAML::Value << number_text(*spec.cpus);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_workload(YAML::Emitter& out, const Scenario& s) {
  if (!s.kv && !s.watch && s.units.empty()) return;
  out << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
  if (const auto& kv = s.kv) {
    out << YAML::Key << "kv" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "clients" << YAML::Value << kv->clients;
    out << YAML::Key << "rate" << YAML::Value << str(number_text(kv->rate_per_second), "/s");
    out << YAML::Key << "keys" << YAML::Value << kv->keys;
    out << YAML::Key << "mix" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "get" << YAML::Value << kv->get << YAML::Key << "put" << YAML::Value
        << kv->put << YAML::Key << "cas" << YAML::Value << kv->cas << YAML::Key << "delete"
        << YAML::Value << kv->del;
    out << YAML::EndMap;
    out << YAML::Key << "timeout" << YAML::Value << duration_text(kv->timeout);
    out << YAML::Key << "reads" << YAML::Value
        << (kv->serializable_reads ? "serializable" : "linearizable");
    out << YAML::EndMap;
  }
  if (const auto& watch = s.watch) {
    out << YAML::Key << "watch" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "clients" << YAML::Value << watch->clients;
    out << YAML::Key << "prefix" << YAML::Value << YAML::DoubleQuoted << watch->prefix;
    out << YAML::EndMap;
  }
  if (!s.units.empty()) {
    out << YAML::Key << "units" << YAML::Value << YAML::BeginSeq;
    for (const UnitSpec& unit : s.units) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << unit.name;
      out << YAML::Key << "file" << YAML::Value << YAML::Literal << unit.file;
      out << YAML::Key << "state" << YAML::Value << unit.state << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void emit_expect(YAML::Emitter& out, const ExpectSpec& e) {
  if (e == ExpectSpec{}) return;
  out << YAML::Key << "expect" << YAML::Value << YAML::BeginMap;
  if (e.linearizable) out << YAML::Key << "linearizable" << YAML::Value << *e.linearizable;
  if (e.watches) out << YAML::Key << "watches" << YAML::Value << *e.watches;
  if (e.leader_within) {
    out << YAML::Key << "leader_within" << YAML::Value << duration_text(*e.leader_within);
  }
  if (e.units_within) {
    out << YAML::Key << "units_within" << YAML::Value << duration_text(*e.units_within);
  }
  if (e.catalog_within) {
    out << YAML::Key << "catalog_within" << YAML::Value << duration_text(*e.catalog_within);
  }
  if (e.min_ops) out << YAML::Key << "min_ops" << YAML::Value << *e.min_ops;
  out << YAML::EndMap;
}

}  // namespace

std::string duration_text(Duration d) {
  static constexpr std::pair<std::int64_t, const char*> kUnits[] = {
      {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  const std::int64_t ns = d.count();
  for (const auto& [per, unit] : kUnits) {
    if (ns % per == 0) return str(ns / per, unit);
  }
  return str(ns, "ns");
}

std::string to_yaml(const Scenario& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  if (!s.description.empty()) out << YAML::Key << "description" << YAML::Value << s.description;
  out << YAML::Key << "seeds" << YAML::Value
      << (s.seeds.count() == 1 ? str(s.seeds.first) : str(s.seeds.first, "..", s.seeds.last));
  out << YAML::Key << "duration" << YAML::Value << duration_text(s.duration);
  out << YAML::Key << "settle" << YAML::Value << duration_text(s.settle);
  emit_cluster(out, s.cluster);
  if (s.latency || s.drop || s.duplicate) {
    out << YAML::Key << "network" << YAML::Value << YAML::Flow << YAML::BeginMap;
    if (s.latency) {
      out << YAML::Key << "latency" << YAML::Value;
      emit_range(out, *s.latency);
    }
    if (s.drop) out << YAML::Key << "drop" << YAML::Value << number_text(*s.drop);
    if (s.duplicate) out << YAML::Key << "duplicate" << YAML::Value << number_text(*s.duplicate);
    out << YAML::EndMap;
  }
  if (s.fsync) {
    out << YAML::Key << "disk" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "fsync" << YAML::Value;
    emit_range(out, *s.fsync);
    out << YAML::EndMap;
  }
  emit_workload(out, s);
  if (!s.faults.empty()) {
    out << YAML::Key << "faults" << YAML::Value << YAML::BeginSeq;
    for (const Fault& fault : s.faults) emit_fault(out, fault);
    out << YAML::EndSeq;
  }
  emit_expect(out, s.expect);
  out << YAML::EndMap;
  KEEL_ASSERT(out.good(), str("the scenario writer built bad YAML: ", out.GetLastError()));
  return str(out.c_str(), "\n");
}

}  // namespace keel::sim
