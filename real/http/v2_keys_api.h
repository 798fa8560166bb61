// V2KeysApi: etcd's v2 keys API at /v2/keys/<path> over one member's KvBackend, answered as etcd
// 3.4 answers it with --enable-v2 (JSON shapes in v2_json.h, errors in v2_error.h, the mapping
// onto the MVCC store in v2_keyspace.h, write rules in v2_write_plan.h, waits in v2_waits.h).
//
// - GET reads the member's applied store (etcd serves v2 GETs locally); quorum=true first waits
//   for a linearizable read (ReadIndex) so the answer reflects every write acknowledged before.
//   recursive=true lists a directory's whole subtree; listings are always sorted by key (etcd
//   sorts only with sorted=true; any order is allowed without it). wait=true is a long poll
//   answered with one event (stream=true is not supported: it is answered the same way).
// - PUT, POST and DELETE: a linearizable read orders the plan after every acknowledged write, the
//   plan's Txn goes through Raft, and a Txn whose compares failed (a concurrent v2 write to a node
//   it read) is planned again, at most kMaxAttempts times (then 300). A TTL first grants a lease.
//   Each write carries a fresh client id, so that a follower may forward it to the leader
//   (kv/sessions.h).
// - Every answer carries X-Etcd-Index (the store's revision, or the write's), X-Etcd-Cluster-Id,
//   X-Raft-Index and X-Raft-Term. Raft refusals (no leader, limits) answer 300 with the reason.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>

#include "core/env/random.h"
#include "real/http/exchange.h"
#include "real/http/form.h"
#include "real/http/kv_backend.h"
#include "real/http/v2_waits.h"
#include "real/http/v2_write_plan.h"

namespace keel::real::http {

class V2KeysApi {
 public:
  static constexpr int kMaxAttempts = 64;

  V2KeysApi(boost::asio::io_context& io, KvBackend& backend, std::uint64_t cluster_id);
  ~V2KeysApi();
  V2KeysApi(const V2KeysApi&) = delete;
  V2KeysApi& operator=(const V2KeysApi&) = delete;

  void handle(const std::shared_ptr<Exchange>& exchange);
  std::size_t waits() const { return waits_.size(); }
  // Txns whose compares failed (a concurrent v2 write to a node it read) and were planned again.
  std::uint64_t replans() const { return replans_; }

 private:
  struct PendingWrite;

  void get(const std::shared_ptr<Exchange>& exchange, const Form& form, const std::string& path);
  void answer_get(const std::shared_ptr<Exchange>& exchange, const std::string& path,
                  bool recursive);
  void wait(const std::shared_ptr<Exchange>& exchange, const Form& form, const std::string& path);
  void write(const std::shared_ptr<Exchange>& exchange, const Form& form, V2Write write);
  void attempt(const std::shared_ptr<PendingWrite>& pending);
  void commit(const std::shared_ptr<PendingWrite>& pending, V2WritePlan plan);
  // Runs `then` once a linearizable read confirms this member has applied every write
  // acknowledged before now; answers 300 itself if the read fails.
  void barrier(const std::shared_ptr<Exchange>& exchange, std::function<void()> then);

  void respond(const std::shared_ptr<Exchange>& exchange, unsigned status, std::string body,
               kv::Revision index) const;
  void respond_error(const std::shared_ptr<Exchange>& exchange, const V2Error& error) const;
  V2Error raft_error(const Error& error) const;
  std::uint64_t fresh_client();

  KvBackend& backend_;
  std::uint64_t cluster_id_;
  Random random_;
  V2Waits waits_;
  std::uint64_t replans_ = 0;
  // Replies from the backend check this before touching the API (they may outlive it).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Wall-clock unix milliseconds (for TTL display only; expiry is the lease's).
std::int64_t unix_now_ms();

}  // namespace keel::real::http
