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
  bool operator==(const MachineSpec&) const = default;
};

struct ClusterSpec {
  int members = 3;  // named n1..nN
  int workers = 0;  // named w1..wM
  std::optional<Duration> heartbeat;
  std::optional<std::pair<Duration, Duration>> election_timeout;
  // The rest of Raft's tuning, as `keelsim run --swarm` draws it per seed (raft_run.h,
  // options_for_seed); a file sets it (an extension of SCENARIOS.md: `cluster.raft.pre_vote`, ...)
  // so that a seed's draw reproduces without --swarm. Unset: the node's defaults.
  std::optional<bool> pre_vote;
  std::optional<bool> check_quorum;
  std::optional<int> max_entries_per_message;
  std::optional<int> max_inflight_messages;
  std::optional<int> snapshot_every;  // applied entries between two snapshots
  std::optional<std::uint64_t> snapshot_chunk_bytes;
  std::optional<int> max_held_appends;  // appends a follower holds past a gap (0: rejects them)
  std::optional<int> log_kept_below_snapshot;  // entries a compaction keeps for catching up
  std::map<std::string, MachineSpec> machines;
  bool operator==(const ClusterSpec&) const = default;
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
  bool operator==(const KvWorkloadSpec&) const = default;
};

struct WatchWorkloadSpec {
  int clients = 1;
  std::string prefix;
  bool operator==(const WatchWorkloadSpec&) const = default;
};

struct UnitSpec {
  std::string name;
  std::string file;  // the unit file's text (inline `file:`, or read from `path:`)
  std::string state = "launched";
  bool operator==(const UnitSpec&) const = default;
};

struct ExpectSpec {
  std::optional<bool> linearizable;
  std::optional<bool> watches;
  std::optional<Duration> leader_within;
  std::optional<Duration> units_within;
  std::optional<Duration> catalog_within;
  std::optional<std::uint64_t> min_ops;
  bool operator==(const ExpectSpec&) const = default;
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
