// A failure scenario as ../shared/SCENARIOS.md defines it, loaded and validated (loader.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/nemesis/fault.h"
#include "sim/units.h"

namespace keel::sim {

struct MachineSpec {
  std::map<std::string, std::string> metadata;
  std::optional<std::uint64_t> memory_bytes;
  std::optional<double> cpus;
};

struct ClusterSpec {
  int members = 3;  // named n1..nN
  int workers = 0;  // named w1..wM
  std::optional<Duration> heartbeat;
  std::optional<std::pair<Duration, Duration>> election_timeout;
  std::map<std::string, MachineSpec> machines;
};

struct KvWorkloadSpec {
  int clients = 5;
  double rate_per_second = 200;  // all clients together
  int keys = 8;
  int get = 40, put = 40, cas = 15, del = 5;  // the mix, in relative weights
  Duration timeout = std::chrono::seconds(1);
  // `reads: serializable` (an extension of SCENARIOS.md): gets are served from the member's local
  // store (etcd's --consistency=s) and may be stale; the linearizability checker should say so.
  bool serializable_reads = false;
};

struct WatchWorkloadSpec {
  int clients = 1;
  std::string prefix;
};

struct UnitSpec {
  std::string name;
  std::string file;  // the unit file's text (inline `file:`, or read from `path:`)
  std::string state = "launched";
};

struct ExpectSpec {
  std::optional<bool> linearizable;
  std::optional<bool> watches;
  std::optional<Duration> leader_within;
  std::optional<Duration> units_within;
  std::optional<Duration> catalog_within;
  std::optional<std::uint64_t> min_ops;
};

struct Scenario {
  std::string file;  // where it was loaded from
  std::string name;
  std::string description;
  SeedRange seeds{1, 1};
  Duration duration = std::chrono::seconds(60);
  Duration settle = std::chrono::seconds(20);
  ClusterSpec cluster;
  std::optional<std::pair<Duration, Duration>> latency;
  std::optional<double> drop;
  std::optional<double> duplicate;
  std::optional<std::pair<Duration, Duration>> fsync;
  std::optional<KvWorkloadSpec> kv;
  std::optional<WatchWorkloadSpec> watch;
  std::vector<UnitSpec> units;
  std::vector<Fault> faults;
  ExpectSpec expect;

  // Machine names: members n1..nN, then workers w1..wM.
  std::vector<std::string> machine_names() const;
};

}  // namespace keel::sim
