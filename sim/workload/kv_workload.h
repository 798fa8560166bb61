// KvWorkload: register clients outside the cluster (client hosts c1..cN of the World) that call
// get, put, compare-and-swap and delete over a few keys through the simulated network, in the
// client protocol (core/node/client_protocol.h), and record what they saw as a KvHistory for the
// linearizability checker.
//
// Each client does one operation at a time, starting one every `clients / rate` seconds (later if
// the previous one is still running). An operation is one request (client id, seq) sent to the
// member the client believes leads, retried with the same seq after a refusal that names another
// leader, after a refusal that leaves the outcome unknown, or after `attempt_timeout` without an
// answer (then to the next member): the store's sessions apply it at most once (kv/sessions.h).
// Past `timeout` the client gives up. The recorded outcome is kOk with the answer; kFailed if
// every attempt was refused before the store could have applied it; otherwise kUnknown.
//
// Values are unique ("c2-17": client 2's 17th write), so a read names the write it saw. A cas
// expects the value this client last saw for the key, so that some succeed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/checkers/kv_history.h"
#include "sim/world.h"

namespace keel::sim {

struct KvWorkloadOptions {
  int clients = 5;
  double rate_per_second = 200;  // all clients together
  int keys = 8;
  int get = 40, put = 40, cas = 15, del = 5;  // the mix, in relative weights
  Duration timeout = std::chrono::seconds(1);
  Duration attempt_timeout = std::chrono::milliseconds(250);
  bool serializable_reads = false;  // gets served by the member called, possibly stale
  std::uint64_t cluster = 1;        // the cluster id the members check on every frame
};

struct KvWorkloadStats {
  std::uint64_t invoked = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t unknown = 0;
  std::uint64_t attempts = 0;
};

class KvWorkload {
 public:
  // `members` lists the machines a client may call (read when it picks one).
  using Members = std::function<std::vector<NodeId>()>;
  KvWorkload(World& world, Members members, KvWorkloadOptions options);
  ~KvWorkload();

  // Adds the client hosts and starts them; stop() lets running operations finish but starts none.
  void start();
  void stop();
  // No operation is running (after stop(), within `timeout` at most).
  bool idle() const;

  const KvHistory& history() const { return history_; }
  const KvWorkloadStats& stats() const { return stats_; }

 private:
  class Client;
  friend class Client;

  World& world_;
  Members members_;
  KvWorkloadOptions options_;
  bool running_ = false;
  std::vector<Client*> clients_;  // owned by their hosts (they never crash)
  KvHistory history_;
  KvWorkloadStats stats_;
};

}  // namespace keel::sim
