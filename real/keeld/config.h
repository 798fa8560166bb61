// keeld's configuration: command-line flags and an optional YAML file (--config FILE), flags
// overriding the file, as etcd's --config-file does.
//
//   --name n1                      this machine; its NodeId is the number after the 'n'
//   --data-dir DIR                 default "<name>.keeld" (etcd: "<name>.etcd")
//   --cluster-id ID                positive, decimal or 0x-hex; peers of another id are refused
//   --initial-cluster n1=127.0.0.1:2380,n2=...   the founding members and their peer addresses
//   --listen-peer ADDR             default 0.0.0.0:2380 (etcd's peer port); ":PORT" is 0.0.0.0
//   --listen-client ADDR           default 0.0.0.0:2379 (etcd's client port)
//   --role member|worker           default member (a worker runs units but does not vote)
//   --worker                       the same as --role worker
//   --workers n4=IP:PORT,...       the workers and their peer addresses, the same on every
//                                  machine: the members answer a worker's requests there
//   --metadata k=v,...             machine metadata for unit placement (fleet's --metadata)
//   --capacity cpus=2,memory=4Gi   what units may use here: cpus up to 3 decimals, memory in
//                                  bytes with an optional K/M/G/T (1000) or Ki/Mi/Gi/Ti (1024)
//   --advertise-ip IP              the IP announced for this machine's services; default the
//                                  --listen-client address, 127.0.0.1 when that is a wildcard
//   --lease-ttl SECONDS            the machine's presence lease (fleet's agent TTL), default 5
//   --snapshot-count N             applied entries between two snapshots, default 10000 (etcd's
//                                  flag, whose default is 100000 since etcd 3.2)
//   --snapshot-catchup-entries N   log entries kept below each snapshot, default 5000 (etcd
//                                  3.6's flag): a member at most that far behind the leader's
//                                  latest snapshot catches up by appends, not from the snapshot
//   --log-format text|json         default text; the log goes to stderr
// Flags are spelled "--flag value" or "--flag=value". The file holds the same keys without the
// dashes; initial-cluster, metadata and capacity may also be YAML maps there.
//
// Contract: a bad value is an Error (kInvalidArgument) whose one-line message names where it came
// from ("--cluster-id" or "FILE:LINE:COLUMN: cluster-id") and what was expected. Nothing here
// throws or asserts on input.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/node/node.h"
#include "real/endpoint.h"
#include "real/stream_trace_sink.h"

namespace keel::real::keeld {

enum class Role { kMember, kWorker };

struct Member {
  std::string name;  // "n3"
  NodeId id = kNoNode;
  Endpoint peer;  // where the others reach its peer listener
  friend bool operator==(const Member&, const Member&) = default;
};

struct Capacity {
  std::uint64_t millicpus = 0;     // 0: not declared
  std::uint64_t memory_bytes = 0;  // 0: not declared
  friend bool operator==(const Capacity&, const Capacity&) = default;
};

inline constexpr std::size_t kMaxMembers = 64;
inline constexpr std::size_t kMaxMetadata = 64;
inline constexpr std::size_t kMaxMetadataBytes = 256;  // per key and per value
// The agent renews its lease every TTL/4 and fences itself 1.5 s before the lease may expire
// (fleet/presence.h's defaults): a renewal must come before the fence, TTL/4 < TTL - 1.5 s, which
// whole seconds satisfy from 3 on.
inline constexpr std::uint64_t kMinLeaseTtlSeconds = 3;
inline constexpr std::uint64_t kMaxLeaseTtlSeconds = 3600;
// For --snapshot-count and --snapshot-catchup-entries: a member holds up to their sum of entries
// in memory (each up to Raft's max_bytes_per_message).
inline constexpr std::uint64_t kMaxSnapshotEntries = 1'000'000;

struct KeeldConfig {
  std::string name;
  NodeId id = kNoNode;  // from the name
  std::string data_dir;
  std::uint64_t cluster_id = 0;
  std::vector<Member> initial_cluster;  // by id
  std::vector<Member> workers;          // by id; a worker must be listed
  Endpoint listen_peer{"0.0.0.0", 2380};
  Endpoint listen_client{"0.0.0.0", 2379};
  Role role = Role::kMember;
  std::map<std::string, std::string> metadata;
  Capacity capacity;
  std::string advertise_ip;  // set by parse_command_line (see default_advertise_ip)
  Duration lease_ttl = std::chrono::seconds(5);
  std::uint64_t snapshot_count = node::NodeConfig{}.snapshot_every;
  std::uint64_t snapshot_catchup_entries = raft::Config{}.log_kept_below_snapshot;
  TraceFormat log_format = TraceFormat::kText;
};

struct CommandLine {
  bool help = false;  // --help: print usage() and exit; config is then unset
  KeeldConfig config;
};

// Parses the arguments after the program name.
Result<CommandLine> parse_command_line(std::span<const std::string_view> args);

// The flags and their meaning, for --help.
std::string_view usage();

// The IP a machine announces when --advertise-ip is not given: the client listener's address,
// or 127.0.0.1 when that is a wildcard (0.0.0.0, ::).
std::string default_advertise_ip(const Endpoint& listen_client);

// "n7" -> 7. kInvalidArgument (naming `origin`) for anything but 'n' and a positive decimal
// without leading zeros.
Result<NodeId> node_id_from_name(std::string_view name, std::string_view origin);

}  // namespace keel::real::keeld
