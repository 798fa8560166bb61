// MemoryStore: one key-value store (kv::Store + WatchHub) shared by simulated machines without
// Raft, for tests of what runs on top of the store (fleet's engine and agents, discovery). Each
// machine's program talks to it through its own MemoryStoreClient, which honours the
// StoreClient contract: answers and watch responses run on that machine's loop, later.
//
// Faults: cut(machine) makes the store unreachable from that machine (its calls and keep-alives
// time out, its watches stall) until heal(machine). Leases never expire by themselves: a test
// expires one with revoke(), as a leader's lessor would. hold(machine, prefix) makes that
// machine's writes to keys under `prefix` (puts, deletes, and txns writing there) wait, neither
// applied nor answered, until release(machine) applies and answers them in order, even on a
// machine cut off meanwhile (they were past the cut): a write slowed on its way.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/client/store_client.h"
#include "core/env/env.h"
#include "core/kv/store.h"
#include "core/kv/watch_hub.h"

namespace keel::sim {

class MemoryStoreClient;

class MemoryStore {
 public:
  MemoryStore();
  kv::Store& store() { return store_; }
  kv::WatchHub& hub() { return hub_; }

  // Applies a request now (no session), for tests that set up or inspect state.
  Result<kv::Response> apply(kv::Operation op);
  void revoke(kv::LeaseId lease);

  void cut(NodeId machine) { cut_.insert(machine); }
  void heal(NodeId machine);
  bool reachable(NodeId machine) const { return !cut_.contains(machine); }

  void hold(NodeId machine, std::string prefix) { held_prefix_[machine] = std::move(prefix); }
  void release(NodeId machine);
  std::size_t held(NodeId machine) const;

  std::uint64_t writes() const { return writes_; }
  std::uint64_t keep_alives() const { return keep_alives_; }

 private:
  friend class MemoryStoreClient;
  Result<kv::Response> apply_request(const kv::Request& request);
  void applied();

  kv::Store store_;
  kv::WatchHub hub_;
  std::uint64_t index_ = 0;
  std::int64_t now_ms_ = 0;
  std::set<NodeId> cut_;
  std::map<NodeId, std::string> held_prefix_;
  std::map<NodeId, std::vector<std::function<void()>>> held_;  // each applies and answers one call
  std::set<MemoryStoreClient*> clients_;
  std::uint64_t writes_ = 0;
  std::uint64_t keep_alives_ = 0;
};

class MemoryStoreClient final : public client::StoreClient {
 public:
  MemoryStoreClient(Env& env, MemoryStore& store, client::StoreClientOptions options);
  ~MemoryStoreClient() override;

  void call(kv::Operation op, Done done,
            node::ReadMode mode = node::ReadMode::kLinearizable) override;
  void keep_alive(kv::LeaseId lease, KeepAliveDone done) override;
  client::WatchHandle watch(kv::WatchRequest request, WatchHandler handler) override;
  void cancel_watch(client::WatchHandle handle) override;

 private:
  friend class MemoryStore;
  struct Watch {
    kv::WatchId id = 0;
    WatchHandler handler;
  };
  // Runs `fn` on this machine's loop later, unless the client is gone by then.
  void later(std::function<void()> fn);
  void apply_and_answer(kv::Operation op, Done done);
  void pump();

  Env& env_;
  MemoryStore& store_;
  client::StoreClientOptions options_;
  std::uint64_t next_seq_ = 1;
  client::WatchHandle next_watch_ = 1;
  std::map<client::WatchHandle, Watch> watches_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::sim
