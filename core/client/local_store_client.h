// LocalStoreClient: the StoreClient of a member, over its own KvService (no network of its own):
// fleet's engine and agent and discovery on a member reach the store this way, as etcd's
// embedded server (embed.Etcd) gives its own process a client.
//
// Calls and keep-alives go through a CallEngine (session, retries, deadlines) to
// KvService::submit/keep_alive, which forwards writes to the leader; a refusal that leaves the
// outcome unknown (no leader yet, a forward unanswered) is retried after a short pause until the
// call's timeout.
//
// Watches are watchers of the member's own WatchHub (KvService::watches()), drained on the loop
// after every round of the node's work (KvService::add_ready_listener). They see this member's
// applied state: a member cut off from the leader stalls its watchers, it never skips.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "core/client/call_engine.h"
#include "core/client/store_client.h"
#include "core/env/env.h"
#include "core/node/kv_service.h"

namespace keel::client {

class LocalStoreClient final : public StoreClient {
 public:
  // `service` must outlive the client (both belong to the member's program).
  LocalStoreClient(Env& env, node::KvService& service, StoreClientOptions options);
  ~LocalStoreClient() override;
  LocalStoreClient(const LocalStoreClient&) = delete;
  LocalStoreClient& operator=(const LocalStoreClient&) = delete;

  void call(kv::Operation op, Done done,
            node::ReadMode mode = node::ReadMode::kLinearizable) override;
  void keep_alive(kv::LeaseId lease, KeepAliveDone done) override;
  WatchHandle watch(kv::WatchRequest request, WatchHandler handler) override;
  void cancel_watch(WatchHandle handle) override;

  std::uint64_t session() const { return calls_.session(); }

 private:
  struct Watch {
    kv::WatchId id = 0;  // the hub's
    WatchHandler handler;
    bool opened = false;  // its "open" response went out: its events may follow
  };

  void send_attempt(std::uint64_t attempt, const CallEngine::Job& job);
  // Drains the watchers on the loop soon (one drain however often it is asked for).
  void drain_soon();
  void drain();

  Env& env_;
  node::KvService& service_;
  CallEngine calls_;
  std::uint64_t ready_listener_ = 0;
  WatchHandle next_watch_ = 1;
  std::map<WatchHandle, Watch> watches_;
  std::optional<TimerId> drain_timer_;
  // The service may answer after this client is gone: its replies check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keel::client
