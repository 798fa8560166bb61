// keeld's metrics in the Prometheus text exposition format (version 0.0.4: "# HELP", "# TYPE",
// then one "name{labels} value" line per sample), for the HTTP API's /metrics to serve. Names
// follow Prometheus' conventions (a keel_ prefix, _total for counters, base units: seconds).
//
// sample_metrics() reads a machine's state on its event loop; compose_metrics() renders a sample
// and touches nothing else, so it can be tested on hand-made samples.
#pragma once

#include <cstdint>
#include <string>

#include "core/node/kv_service.h"
#include "real/keeld/latency_histogram.h"
#include "real/transport_stats.h"

namespace keel::real::keeld {

struct MetricsSample {
  std::string machine;  // the "machine" label on every sample
  // Raft (core/raft/raft.h).
  std::uint64_t term = 0;
  NodeId leader = kNoNode;  // 0: no leader known
  bool is_leader = false;
  std::uint64_t commit_index = 0;
  std::uint64_t applied_index = 0;
  // The key-value service (KvServiceStats).
  std::uint64_t proposals = 0;  // client requests proposed through Raft by this machine
  std::uint64_t proposal_batches = 0;
  std::uint64_t refused_not_leader = 0;
  std::uint64_t refused_backpressure = 0;
  std::uint64_t pending_requests = 0;
  std::uint64_t watchers = 0;
  std::uint64_t leases = 0;
  std::uint64_t keys = 0;
  std::uint64_t snapshots_taken = 0;
  // The transport: connections that completed their handshake and are still open, both
  // directions, and frames refused for carrying another cluster's id.
  std::uint64_t peer_connections = 0;
  std::uint64_t handshakes_refused = 0;
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t dead_peer_closes = 0;  // connections closed as dead (TransportStats)
  LatencyHistogram wal_fsync;
};

MetricsSample sample_metrics(std::string machine, node::KvService& service,
                             const TransportStats& transport, const LatencyHistogram& wal_fsync);

std::string compose_metrics(const MetricsSample& sample);

}  // namespace keel::real::keeld
