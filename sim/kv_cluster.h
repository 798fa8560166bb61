// KvCluster: a simulated Keel cluster whose members run the key-value client service
// (core/node/kv_service.h) on top of the Cluster's machines, Raft checker and faults. It adds KV
// clients that retry through leader changes with the same (client, seq) (exactly-once through the
// store's sessions), a sequential-model check of every answered request, and a lease checker.
//
// The model check (a first step before full linearizability checking): the reference history is
// the longest member's store history (every put and delete, by revision). Against it,
// - every put value (unique per client and seq) was applied at most once;
// - every answered write took effect at its revision as answered (a put wrote its value there; a
//   successful compare-and-swap saw the expected value just before and wrote its value; a failed
//   one saw another value; a delete removed the key or found none);
// - every read returned the model's value of the key at the read's revision;
// - real time: a linearizable request answers at a revision no lower than that of any request
//   answered before it was first submitted (strictly higher for a write that changed something);
// - every member's store equals the model at its own revision.
//
// The lease checker: a leader's Lessor must not expire a lease before its TTL has passed on that
// leader's clock since the later of its promotion and the lease's last grant or keep-alive on it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/node/kv_service.h"
#include "sim/checkers/kv_history.h"
#include "sim/cluster.h"

namespace keel::sim {

// What a member runs beside its KvService (fleet's engine and agent...): built once the service
// has started, destroyed before it.
using BesideFactory = std::function<std::unique_ptr<Program>(Env& env, node::KvService& service)>;

struct KvClusterOptions {
  ClusterOptions cluster;         // its `program` is set by the KvCluster
  node::KvServiceConfig service;  // its `node` is the cluster's
  BesideFactory beside;           // null: the member runs the KvService alone
};

struct KvClientOptions {
  int clients = 3;
  int keys = 3;
  Duration period = std::chrono::milliseconds(20);    // pause between two requests of a client
  Duration timeout = std::chrono::milliseconds(800);  // then the client retries elsewhere
  double serializable_reads = 0.1;  // fraction of reads served locally (no real-time check)
};

struct KvClientStats {
  std::uint64_t answered = 0;  // a definite answer
  std::uint64_t retries = 0;   // after a timeout or a retryable refusal
  std::uint64_t writes = 0;    // answered writes that changed the store
  std::uint64_t reads = 0;
  std::uint64_t cas_failed = 0;
};

class KvCluster {
 public:
  KvCluster(std::uint64_t seed, KvClusterOptions options);

  Cluster& cluster() { return *cluster_; }
  World& world() { return cluster_->world(); }
  node::KvService* service(NodeId id);
  // What runs beside the service on a member that is up (see BesideFactory), or null.
  Program* beside(NodeId id);
  NodeId leader() { return cluster_->leader(); }

  // Runs `request` on the leader (following leader changes, retrying with the same request) until
  // it is answered or `bound` passes. For tests that drive the cluster step by step.
  std::optional<Result<kv::Response>> call(kv::Request request, Duration bound);
  // A keep-alive on `via` (default: the current leader), recorded for the lease checker when the
  // leader renews it directly; runs the world until answered (up to 200 ms). False if there was
  // no answer or a refusal.
  bool keep_alive(kv::LeaseId id, NodeId via = kNoNode);

  void start_clients(const KvClientOptions& options);
  void stop_clients() { clients_running_ = false; }
  const KvClientStats& client_stats() const { return stats_; }

  // Liveness: a fresh write is answered and applied on every configured machine that is up (see
  // Cluster::configured_machines), within `bound`.
  // A failure is no safety violation: ok() stays as it was, first_violation() tells why. The write
  // (a put of "" to key "probe") is described through `probe` when given, for histories.
  bool converge(Duration bound, KvOp* probe = nullptr);
  // Every change the most up-to-date member applied, in revision order (with the revision it
  // starts from, after any compaction), or an error if no member runs.
  Result<std::pair<kv::Revision, std::vector<kv::Event>>> reference_events();
  // The model check above, after converge(). Adds violations and returns ok().
  bool check_history();
  bool ok() const { return cluster_->ok() && violations_.empty(); }
  std::string first_violation() const;
  std::uint64_t leases_checked() const { return leases_checked_; }

 private:
  enum class Kind { kPut, kGet, kCas, kDelete };
  struct Op {
    int client = 0;
    Kind kind = Kind::kPut;
    std::string key;
    std::string value;     // put, cas: the new value
    std::string expected;  // cas
    node::ReadMode mode = node::ReadMode::kLinearizable;
    Time invoked{};
    Time completed{};
    kv::Request request;
    std::optional<Result<kv::Response>> result;
  };
  struct Client {
    int id = 0;
    std::uint64_t next_seq = 1;
    NodeId target = kNoNode;
    std::uint64_t attempt = 0;
    std::optional<Op> op;  // in progress
  };

  void client_step(Client& client);
  void send(Client& client);
  void on_reply(Client& client, std::uint64_t attempt, Result<kv::Response> result);
  void retry(Client& client, const std::string& why);
  void violation(std::string check, std::string detail);
  void on_trace(const TraceEvent& event);

  KvClusterOptions options_;
  std::unique_ptr<Cluster> cluster_;
  Random random_;
  KvClientOptions client_options_;
  bool clients_running_ = false;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<Op> history_;  // answered ops
  KvClientStats stats_;
  std::vector<Violation> violations_;
  std::string liveness_failure_;  // why converge() last failed
  // Lease checker state, on each machine's own clock.
  std::map<std::string, Time> promoted_;                           // by machine
  std::map<std::pair<std::string, kv::LeaseId>, Time> refreshed_;  // grant applied or keep-alive
  std::map<kv::LeaseId, std::int64_t> lease_ttl_;                  // seconds, as granted
  std::uint64_t leases_checked_ = 0;
};

}  // namespace keel::sim
