#include "tests/sim/support/memory_store.h"

#include "core/env/assert.h"

namespace keel::sim {
namespace {

bool under(const Bytes& key, std::string_view prefix) {
  return kv::to_string(key).starts_with(prefix);
}

template <class Ops>
bool ops_write_under(const Ops& ops, std::string_view prefix) {
  for (const kv::TxnOp& op : ops) {
    if (const auto* put = std::get_if<kv::PutRequest>(&op); put && under(put->key, prefix)) {
      return true;
    }
    if (const auto* erase = std::get_if<kv::DeleteRangeRequest>(&op);
        erase && under(erase->key, prefix)) {
      return true;
    }
  }
  return false;
}

// Whether `op` writes a key under `prefix` (a range delete counts by its first key).
bool writes_under(const kv::Operation& op, std::string_view prefix) {
  if (const auto* put = std::get_if<kv::PutRequest>(&op)) return under(put->key, prefix);
  if (const auto* erase = std::get_if<kv::DeleteRangeRequest>(&op)) {
    return under(erase->key, prefix);
  }
  if (const auto* txn = std::get_if<kv::TxnRequest>(&op)) {
    return ops_write_under(txn->success, prefix) || ops_write_under(txn->failure, prefix);
  }
  return false;
}

}  // namespace

MemoryStore::MemoryStore() : hub_(store_) {}

Result<kv::Response> MemoryStore::apply_request(const kv::Request& request) {
  now_ms_ += 1;
  auto result = store_.apply(request, ++index_, now_ms_);
  ++writes_;
  applied();
  return result;
}

Result<kv::Response> MemoryStore::apply(kv::Operation op) {
  if (std::holds_alternative<kv::RangeRequest>(op)) {
    auto range = store_.range(std::get<kv::RangeRequest>(op));
    if (!range) return std::unexpected(range.error());
    return kv::Response{store_.revision(), *range};
  }
  return apply_request(kv::Request{0, 0, std::move(op)});
}

void MemoryStore::revoke(kv::LeaseId lease) { (void)apply(kv::LeaseRevokeRequest{lease}); }

void MemoryStore::heal(NodeId machine) {
  cut_.erase(machine);
  applied();
}

void MemoryStore::release(NodeId machine) {
  held_prefix_.erase(machine);
  auto calls = std::move(held_[machine]);
  held_.erase(machine);
  for (auto& apply_and_answer : calls) apply_and_answer();
}

std::size_t MemoryStore::held(NodeId machine) const {
  auto it = held_.find(machine);
  return it == held_.end() ? 0 : it->second.size();
}

void MemoryStore::applied() {
  hub_.on_applied();
  for (MemoryStoreClient* client : clients_) client->pump();
}

MemoryStoreClient::MemoryStoreClient(Env& env, MemoryStore& store,
                                     client::StoreClientOptions options)
    : env_(env), store_(store), options_(options) {
  KEEL_ASSERT(options_.client_id != 0, "a store client needs a session id");
  store_.clients_.insert(this);
}

MemoryStoreClient::~MemoryStoreClient() {
  *alive_ = false;
  store_.clients_.erase(this);
  for (const auto& [handle, watch] : watches_) (void)store_.hub_.cancel(watch.id);
}

void MemoryStoreClient::later(std::function<void()> fn) {
  env_.clock.after(Duration::zero(), [alive = alive_, fn = std::move(fn)] {
    if (*alive) fn();
  });
}

void MemoryStoreClient::call(kv::Operation op, Done done, node::ReadMode) {
  if (!store_.reachable(env_.self)) {
    env_.clock.after(options_.timeout, [alive = alive_, done = std::move(done)] {
      if (*alive) done(fail(Errc::kTimeout, "the store did not answer"));
    });
    return;
  }
  if (auto hold = store_.held_prefix_.find(env_.self);
      hold != store_.held_prefix_.end() && writes_under(op, hold->second)) {
    store_.held_[env_.self].push_back(
        [this, alive = alive_, op = std::move(op), done = std::move(done)]() mutable {
          if (*alive) apply_and_answer(std::move(op), std::move(done));
        });
    return;
  }
  apply_and_answer(std::move(op), std::move(done));
}

void MemoryStoreClient::apply_and_answer(kv::Operation op, Done done) {
  Result<kv::Response> result;
  if (std::holds_alternative<kv::RangeRequest>(op)) {
    result = store_.apply(std::move(op));
  } else {
    result = store_.apply_request(kv::Request{options_.client_id, next_seq_++, std::move(op)});
  }
  later([done = std::move(done), result = std::move(result)] { done(result); });
}

void MemoryStoreClient::keep_alive(kv::LeaseId lease, KeepAliveDone done) {
  if (!store_.reachable(env_.self)) {
    env_.clock.after(options_.timeout, [alive = alive_, done = std::move(done)] {
      if (*alive) done(fail(Errc::kTimeout, "the store did not answer"));
    });
    return;
  }
  ++store_.keep_alives_;
  auto ttl = store_.store_.lease_time_to_live(kv::LeaseTimeToLiveRequest{lease, false});
  Result<std::int64_t> result =
      ttl ? Result<std::int64_t>(ttl->granted_ttl) : std::unexpected(ttl.error());
  later([done = std::move(done), result] { done(result); });
}

client::WatchHandle MemoryStoreClient::watch(kv::WatchRequest request, WatchHandler handler) {
  client::WatchHandle handle = next_watch_++;
  auto id = store_.hub_.watch(request);
  if (!id) {
    const kv::WatchResponse canceled =
        kv::watch_refused(id.error(), store_.store_.compact_revision());
    later([handler = std::move(handler), canceled] { handler(canceled); });
    return handle;
  }
  watches_[handle] = Watch{*id, std::move(handler)};
  kv::WatchResponse opened;
  opened.watch_id = *id;
  opened.revision = store_.store_.revision();
  later([this, handle, opened] {
    if (auto it = watches_.find(handle); it != watches_.end()) it->second.handler(opened);
    pump();
  });
  return handle;
}

void MemoryStoreClient::cancel_watch(client::WatchHandle handle) {
  auto it = watches_.find(handle);
  if (it == watches_.end()) return;
  (void)store_.hub_.cancel(it->second.id);
  watches_.erase(it);
}

void MemoryStoreClient::pump() {
  if (!store_.reachable(env_.self) || watches_.empty()) return;
  later([this] {
    if (!store_.reachable(env_.self)) return;
    std::vector<client::WatchHandle> handles;
    for (const auto& [handle, watch] : watches_) handles.push_back(handle);
    for (client::WatchHandle handle : handles) {
      while (true) {
        auto it = watches_.find(handle);
        if (it == watches_.end()) break;
        auto response = store_.hub_.poll(it->second.id);
        if (!response) break;
        if (response->canceled) {
          WatchHandler handler = std::move(it->second.handler);
          watches_.erase(it);
          handler(*response);
          break;
        }
        it->second.handler(*response);
      }
    }
  });
}

}  // namespace keel::sim
