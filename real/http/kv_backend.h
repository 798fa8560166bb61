// KvBackend: what the HTTP API needs from one member's key-value service, as a small interface so
// that tests may stand in for it; KvServiceBackend is the real one over node::KvService. All calls
// happen on the member's loop thread.
#pragma once

#include <cstdint>
#include <functional>

#include "core/env/error.h"
#include "core/kv/store.h"
#include "core/kv/types.h"
#include "core/kv/watch_hub.h"
#include "core/node/kv_forwarding.h"
#include "core/node/kv_service.h"

namespace keel::real::http {

class KvBackend {
 public:
  using Reply = std::function<void(Result<kv::Response>)>;

  virtual ~KvBackend() = default;
  // node::KvService::submit: `reply` runs once, maybe before submit() returns.
  virtual void submit(kv::Request request, Reply reply, node::ReadMode mode) = 0;
  // The member's applied store, for serializable reads.
  virtual const kv::Store& store() const = 0;
  virtual kv::WatchHub& watches() = 0;
  // The member's Raft applied index and term (X-Raft-Index, X-Raft-Term).
  virtual std::uint64_t raft_index() const = 0;
  virtual std::uint64_t raft_term() const = 0;
  // Whether the member knows a leader (etcd's /health).
  virtual bool has_leader() const = 0;
};

class KvServiceBackend final : public KvBackend {
 public:
  explicit KvServiceBackend(node::KvService& service) : service_(service) {}

  void submit(kv::Request request, Reply reply, node::ReadMode mode) override {
    service_.submit(std::move(request), std::move(reply), mode);
  }
  const kv::Store& store() const override { return service_.store(); }
  kv::WatchHub& watches() override { return service_.watches(); }
  std::uint64_t raft_index() const override { return service_.node().raft().applied(); }
  std::uint64_t raft_term() const override { return service_.node().raft().term(); }
  bool has_leader() const override { return service_.node().raft().leader() != kNoNode; }

 private:
  node::KvService& service_;
};

}  // namespace keel::real::http
