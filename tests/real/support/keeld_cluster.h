// KeeldCluster: members n1..nK of one cluster as keeld processes on 127.0.0.1, each with a free
// peer port and a free client (HTTP) port, all under one temporary directory that goes away with
// the cluster. Member k's life number l logs JSON lines to n<k>.<l>.log, so a restarted member's
// log starts empty and the logs of its earlier lives stay for Raft's one-leader-per-term check.
// Waits read the logs (real/stream_trace_sink.h) and are bounded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/str.h"
#include "core/env/types.h"
#include "real/keelctl/http_client.h"
#include "real/support/keeld_process.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {

// The latest raft.role event of a log: the member's role, term and the leader it knows.
struct Role {
  std::string role = "follower";
  std::uint64_t term = 0;
  std::uint64_t leader = 0;
};
Role latest_role(const std::string& log);

// Whether the log holds a `component`.`event` line whose fields include all of `fields`.
bool logged(const std::string& log, std::string_view component, std::string_view event,
            const std::map<std::string, std::string>& fields = {});

// One HTTP exchange with a member's client port on 127.0.0.1 (connect within 1 s, answer within
// 3 s), e.g. ("PUT", "/v2/keys/a", "value=1").
Result<keelctl::HttpAnswer> client_exchange(std::uint16_t port, std::string method,
                                            std::string target, std::string body = "");

// The newest WAL segment file of a keeld data directory ("" if there is none).
std::string last_wal_segment(const std::string& data_dir);

class KeeldCluster {
 public:
  // Every member gets `flags` (e.g. {"--snapshot-count", "50"}) after the ones the cluster sets.
  explicit KeeldCluster(int size, std::vector<std::string> flags = {});

  static std::string name(int k) { return str("n", k); }
  int size() const { return static_cast<int>(peer_ports_.size()); }
  std::string data_dir(int k) const { return dir_ / str(name(k), ".keeld"); }
  KeeldProcess& member(int k) { return *members_.at(k); }
  std::string log(int k) const { return members_.at(k)->log_path(); }
  // Every started member's current log, each under a "== n<k> ==" line: for failure messages.
  std::string logs() const;
  std::uint16_t client_port(int k) const { return client_ports_.at(k - 1); }
  const TempDir& dir() const { return dir_; }

  std::uint16_t peer_port(int k) const { return peer_ports_.at(k - 1); }

  // From its next start on, member k reaches member `peer` at 127.0.0.1:`port` (a FaultProxy's)
  // instead of at that member's own peer port.
  void route(int k, int peer, std::uint16_t port) { routes_.at(k).at(peer - 1) = port; }

  // Starts (or restarts) member k in a new life.
  KeeldProcess& start(int k, std::uint64_t cluster_id = 1);

  // Waits until the running members in `alive` all know the same leader, which is one of them
  // and says it leads in that term; returns it (0 if that did not happen within `bound`).
  std::uint64_t agreed_leader(const std::vector<int>& alive, Duration bound);

  // Raft's Election Safety (§3.6.3): in every log, no two members claim to lead in one term.
  void expect_one_leader_per_term() const;

 private:
  TempDir dir_;
  std::vector<std::uint16_t> peer_ports_;    // by k - 1
  std::vector<std::uint16_t> client_ports_;  // by k - 1
  // routes_[k][j - 1]: the port member k dials to reach member j (its peer port unless routed).
  std::vector<std::vector<std::uint16_t>> routes_;
  std::vector<std::string> flags_;
  std::vector<std::unique_ptr<KeeldProcess>> members_;  // by k; index 0 unused
  std::vector<int> lives_;
};

}  // namespace keel::real::testing
