// StoreClient: the key-value store as fleet and discovery use it from any machine (a member or a
// worker), independent of how the machine reaches the store. Two implementations: a member's own
// KvService (local_store_client.h) and the binary client protocol to the members over the
// transport (remote_store_client.h), as etcd's clientv3 is one API over any endpoint.
//
// Contract, for every implementation:
// - call(): the request runs at most once (the store's sessions: one client id per StoreClient,
//   a fresh seq per call, the same seq on every retry). The client retries by itself across
//   leader changes and members (a refusal naming another leader, no answer within an attempt, a
//   refusal that leaves the outcome unknown) until `timeout` of the machine's clock has passed;
//   then `done` gets kTimeout (the outcome of a write is then unknown). A definite refusal by the
//   store (kInvalidArgument, kNotFound, kLimitExceeded...) is passed on at once.
// - keep_alive(): etcd's LeaseKeepAlive, retried the same way; `done` gets the TTL in seconds, or
//   kNotFound when the lease is gone (expired or revoked), or kTimeout.
// - watch(): the handler gets the stream's responses in order: events by ascending revision, each
//   exactly once even across reconnections (the client resumes from the revision after the last
//   one it delivered, on any member), and progress notifications. A canceled response ends the
//   watch: compact_revision > 0 means history before it is gone (re-read, then watch again), any
//   other reason is in cancel_reason. The first response says the watch is open (no events).
// - Every callback runs on the machine's event loop, never from inside the call that registered
//   it, and never after the StoreClient is destroyed (a crash destroys it with its program).
#pragma once

#include <cstdint>
#include <functional>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/kv/types.h"
#include "core/node/kv_forwarding.h"

namespace keel::client {

using WatchHandle = std::uint64_t;  // 0 is never a handle

class StoreClient {
 public:
  using Done = std::function<void(Result<kv::Response>)>;
  using KeepAliveDone = std::function<void(Result<std::int64_t>)>;
  using WatchHandler = std::function<void(const kv::WatchResponse&)>;

  virtual ~StoreClient() = default;

  virtual void call(kv::Operation op, Done done,
                    node::ReadMode mode = node::ReadMode::kLinearizable) = 0;
  virtual void keep_alive(kv::LeaseId lease, KeepAliveDone done) = 0;
  virtual WatchHandle watch(kv::WatchRequest request, WatchHandler handler) = 0;
  // The handler will not run again; unknown or ended handles are ignored.
  virtual void cancel_watch(WatchHandle handle) = 0;
};

struct StoreClientOptions {
  std::uint64_t client_id = 0;  // the session id; unique among the store's clients, never 0
  Duration timeout = std::chrono::seconds(5);                 // per call()/keep_alive()
  Duration attempt_timeout = std::chrono::milliseconds(500);  // then retry on another member
};

}  // namespace keel::client
