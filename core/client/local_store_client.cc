#include "core/client/local_store_client.h"

#include <utility>
#include <vector>

namespace keel::client {

LocalStoreClient::LocalStoreClient(Env& env, node::KvService& service, StoreClientOptions options)
    : env_(env),
      service_(service),
      calls_(
          env, options,
          [this](std::uint64_t attempt, const CallEngine::Job& job) { send_attempt(attempt, job); },
          [](const std::optional<Error>& why) {
            // The service itself finds the leader; a refusal means there is none yet, or the
            // forward went unanswered: wait a little. No answer at all: try again at once.
            return why ? Duration(std::chrono::milliseconds(20)) : Duration::zero();
          }) {
  ready_listener_ = service_.add_ready_listener([this] {
    if (!watches_.empty()) drain_soon();
  });
}

LocalStoreClient::~LocalStoreClient() {
  *alive_ = false;
  service_.remove_ready_listener(ready_listener_);
  if (drain_timer_) env_.clock.cancel(*drain_timer_);
  for (const auto& [handle, watch] : watches_) (void)service_.watches().cancel(watch.id);
}

void LocalStoreClient::call(kv::Operation op, Done done, node::ReadMode mode) {
  calls_.call(std::move(op), std::move(done), mode);
}

void LocalStoreClient::keep_alive(kv::LeaseId lease, KeepAliveDone done) {
  calls_.keep_alive(lease, std::move(done));
}

void LocalStoreClient::send_attempt(std::uint64_t attempt, const CallEngine::Job& job) {
  if (const auto* request = std::get_if<kv::Request>(&job.what)) {
    service_.submit(
        *request,
        [this, alive = alive_, attempt](Result<kv::Response> result) {
          if (*alive) calls_.answered(attempt, std::move(result));
        },
        job.mode);
  } else {
    service_.keep_alive(std::get<kv::LeaseId>(job.what),
                        [this, alive = alive_, attempt](Result<std::int64_t> ttl) {
                          if (*alive) calls_.answered(attempt, std::move(ttl));
                        });
  }
}

WatchHandle LocalStoreClient::watch(kv::WatchRequest request, WatchHandler handler) {
  const WatchHandle handle = next_watch_++;
  kv::WatchHub& hub = service_.watches();
  Result<kv::WatchId> id = hub.watch(request);
  if (!id) {
    const kv::WatchResponse first =
        kv::watch_refused(id.error(), service_.store().compact_revision());
    env_.clock.after(Duration::zero(), [alive = alive_, handler = std::move(handler), first] {
      if (*alive) handler(first);
    });
    return handle;
  }
  kv::WatchResponse first;
  first.watch_id = *id;
  first.revision = service_.store().revision();
  watches_.emplace(handle, Watch{*id, std::move(handler), false});
  // The "open" response first, then whatever the watcher has (a start in the past).
  env_.clock.after(Duration::zero(), [this, alive = alive_, handle, first] {
    if (!*alive) return;
    auto it = watches_.find(handle);
    if (it == watches_.end()) return;
    it->second.opened = true;
    it->second.handler(first);
    drain_soon();
  });
  return handle;
}

void LocalStoreClient::cancel_watch(WatchHandle handle) {
  auto it = watches_.find(handle);
  if (it == watches_.end()) return;
  (void)service_.watches().cancel(it->second.id);
  watches_.erase(it);
}

void LocalStoreClient::drain_soon() {
  if (drain_timer_) return;
  drain_timer_ = env_.clock.after(Duration::zero(), [this] {
    drain_timer_.reset();
    drain();
  });
}

void LocalStoreClient::drain() {
  kv::WatchHub& hub = service_.watches();
  std::vector<WatchHandle> handles;
  for (const auto& [handle, watch] : watches_) {
    if (watch.opened) handles.push_back(handle);
  }
  for (WatchHandle handle : handles) {
    // A handler may cancel any watch, its own included: look the watch up before each response.
    for (auto it = watches_.find(handle); it != watches_.end(); it = watches_.find(handle)) {
      std::optional<kv::WatchResponse> response = hub.poll(it->second.id);
      if (!response) break;
      if (response->canceled) {  // the hub has dropped the watcher already
        WatchHandler handler = std::move(it->second.handler);
        watches_.erase(it);
        handler(*response);
        break;
      }
      it->second.handler(*response);
    }
  }
}

}  // namespace keel::client
