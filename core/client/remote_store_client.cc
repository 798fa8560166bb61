#include "core/client/remote_store_client.h"

#include <algorithm>
#include <utility>

#include "core/codec/frame.h"
#include "core/env/assert.h"
#include "core/node/kv_service.h"

namespace keel::client {

RemoteStoreClient::RemoteStoreClient(Env& env, Members members, std::uint64_t cluster,
                                     StoreClientOptions options, RemoteWatchOptions watch_options)
    : env_(env),
      members_(std::move(members)),
      cluster_(cluster),
      watch_options_(watch_options),
      calls_(
          env, options,
          [this](std::uint64_t attempt, const CallEngine::Job& job) { send_attempt(attempt, job); },
          [this](const std::optional<Error>& why) { return redirect(why); }),
      // A member keeps sending a former life's streams until they expire: their events must not
      // feed this life's watches.
      next_stream_(env.random.fresh_id()) {
  const std::vector<NodeId> ids = members_();
  // Clients start spread over the members; refusals lead them to the leader.
  if (!ids.empty()) target_ = ids[env_.random.below(ids.size())];
}

RemoteStoreClient::~RemoteStoreClient() {
  cancel(renew_timer_);
  for (auto& [handle, watch] : watches_) {
    cancel(watch.gap_timer);
    cancel(watch.resume_timer);
  }
}

void RemoteStoreClient::call(kv::Operation op, Done done, node::ReadMode mode) {
  calls_.call(std::move(op), std::move(done), mode);
}

void RemoteStoreClient::keep_alive(kv::LeaseId lease, KeepAliveDone done) {
  calls_.keep_alive(lease, std::move(done));
}

void RemoteStoreClient::send(NodeId to, const node::ClientMessage& message) {
  env_.transport.send(to, codec::encode_node_frame(cluster_, node::encode_client(message)));
}

void RemoteStoreClient::send_attempt(std::uint64_t attempt, const CallEngine::Job& job) {
  if (target_ == kNoNode) target_ = next_member(kNoNode);
  if (target_ == kNoNode) return;  // no member to call: the attempt times out and is retried
  ++stats_.attempts;
  if (const auto* request = std::get_if<kv::Request>(&job.what)) {
    send(target_, node::ClientCall{attempt, job.mode, *request});
  } else {
    send(target_, node::ClientKeepAlive{attempt, std::get<kv::LeaseId>(job.what)});
  }
}

Duration RemoteStoreClient::redirect(const std::optional<Error>& why) {
  if (why) {
    const NodeId hinted = node::leader_named_in(*why);
    if (hinted != kNoNode && hinted != target_) {
      target_ = hinted;
      return std::chrono::milliseconds(1);
    }
  }
  target_ = next_member(target_);
  // No answer: try the next member at once. A refusal without a usable hint (an election, a
  // member lagging): a short pause, so that a cluster without a leader is not flooded.
  return why ? Duration(std::chrono::milliseconds(20)) : Duration::zero();
}

NodeId RemoteStoreClient::next_member(NodeId after) const {
  std::vector<NodeId> ids = members_();
  if (ids.empty()) return kNoNode;
  std::sort(ids.begin(), ids.end());
  auto it = std::upper_bound(ids.begin(), ids.end(), after);
  return it == ids.end() ? ids.front() : *it;
}

WatchHandle RemoteStoreClient::watch(kv::WatchRequest request, WatchHandler handler) {
  const WatchHandle handle = next_watch_++;
  Watch& watch = watches_[handle];
  watch.request = std::move(request);
  watch.handler = std::move(handler);
  const std::vector<NodeId> ids = members_();
  if (!ids.empty()) watch.member = ids[env_.random.below(ids.size())];
  // Opened from the loop, so that no response can reach the handler inside watch().
  watch.resume_timer = env_.clock.after(Duration::zero(), [this, handle] {
    watches_.at(handle).resume_timer.reset();
    open(handle);
  });
  if (!renew_timer_) {
    renew_timer_ = env_.clock.after(watch_options_.renew_every, [this] { renew(); });
  }
  return handle;
}

void RemoteStoreClient::cancel_watch(WatchHandle handle) {
  auto it = watches_.find(handle);
  if (it == watches_.end()) return;
  Watch& watch = it->second;
  if (by_stream_.erase(watch.stream) > 0) send(watch.member, node::WatchClose{watch.stream});
  cancel(watch.gap_timer);
  cancel(watch.resume_timer);
  watches_.erase(it);
}

NodeId RemoteStoreClient::watch_member(WatchHandle handle) const {
  auto it = watches_.find(handle);
  if (it == watches_.end() || !by_stream_.contains(it->second.stream)) return kNoNode;
  return it->second.member;
}

void RemoteStoreClient::open(WatchHandle handle) {
  Watch& watch = watches_.at(handle);
  if (watch.member == kNoNode) watch.member = next_member(kNoNode);
  if (watch.member == kNoNode) {  // no member known yet: look again later
    watch.resume_timer = env_.clock.after(watch_options_.resume_pause, [this, handle] {
      watches_.at(handle).resume_timer.reset();
      open(handle);
    });
    return;
  }
  ++stats_.streams;
  watch.stream = next_stream_++;
  by_stream_[watch.stream] = handle;
  watch.order.restart();
  watch.stream_start = watch.request.start_revision;
  watch.to_skip = watch.delivered_at_start;
  watch.heard = env_.clock.now();
  send(watch.member, node::WatchOpen{watch.stream, watch.request});
}

void RemoteStoreClient::resume(WatchHandle handle, std::uint64_t& counter) {
  ++counter;
  Watch& watch = watches_.at(handle);
  send(watch.member, node::WatchClose{watch.stream});  // best effort: the member expires it too
  by_stream_.erase(watch.stream);
  cancel(watch.gap_timer);
  watch.member = next_member(watch.member);
  open(handle);
}

void RemoteStoreClient::renew() {
  renew_timer_.reset();
  if (watches_.empty()) return;
  const Time now = env_.clock.now();
  std::vector<WatchHandle> handles;
  for (const auto& [handle, watch] : watches_) {
    if (by_stream_.contains(watch.stream)) handles.push_back(handle);
  }
  for (WatchHandle handle : handles) {
    Watch& watch = watches_.at(handle);
    if (now - watch.heard >= watch_options_.silence_timeout) {
      resume(handle, stats_.resumed_after_silence);
    } else {
      send(watch.member, node::WatchRenew{watch.stream});
    }
  }
  renew_timer_ = env_.clock.after(watch_options_.renew_every, [this] { renew(); });
}

void RemoteStoreClient::on_frame(NodeId from, ByteView payload) {
  if (!node::is_client_message(payload)) return;
  auto message = node::decode_client(payload);
  if (!message) {
    env_.emit("client", "frame-rejected", {{"from", from}, {"reason", message.error().message}});
    return;
  }
  if (auto* answer = std::get_if<node::ClientAnswer>(&*message)) {
    calls_.answered(answer->id, std::move(answer->result));
  } else if (auto* renewed = std::get_if<node::ClientKeepAliveAnswer>(&*message)) {
    calls_.answered(renewed->id, std::move(renewed->ttl));
  } else if (auto* data = std::get_if<node::WatchData>(&*message)) {
    on_watch_data(from, std::move(*data));
  }
}

void RemoteStoreClient::on_watch_data(NodeId from, node::WatchData data) {
  auto stream_it = by_stream_.find(data.stream);
  if (stream_it == by_stream_.end()) return;  // an old stream's, or a canceled watch's
  const WatchHandle handle = stream_it->second;
  Watch& watch = watches_.at(handle);
  if (from != watch.member) return;                                  // a stray
  if (!watch.order.add(data.seq, std::move(data.response))) return;  // delivered already
  watch.heard = env_.clock.now();
  while (auto next = watches_.at(handle).order.next()) {
    if (!deliver(handle, next->seq, next->response)) return;
  }
  Watch& current = watches_.at(handle);
  if (current.order.held() == 0) {
    cancel(current.gap_timer);
  } else if (current.order.held() > watch_options_.max_early) {
    resume(handle, stats_.resumed_after_gap);
  } else if (!current.gap_timer) {
    current.gap_timer = env_.clock.after(watch_options_.gap_timeout, [this, handle] {
      watches_.at(handle).gap_timer.reset();
      resume(handle, stats_.resumed_after_gap);
    });
  }
}

bool RemoteStoreClient::deliver(WatchHandle handle, std::uint64_t seq,
                                const kv::WatchResponse& response) {
  Watch& watch = watches_.at(handle);
  const std::uint64_t stream = watch.stream;
  const bool first = seq == 0;
  if (response.canceled) {
    by_stream_.erase(stream);
    cancel(watch.gap_timer);
    if (response.compact_revision > 0) {
      // History the watch needs is gone: the watcher must re-read (etcd's ErrCompacted).
      WatchHandler handler = std::move(watch.handler);
      watches_.erase(handle);
      handler(response);
      return false;
    }
    // The member will not serve the stream (removed, no leader, too slow...): go elsewhere, not
    // at once (a member refusing new streams is given a moment).
    ++stats_.resumed_after_cancel;
    env_.emit("client", "watch-moved", {{"reason", response.cancel_reason}});
    watch.member = next_member(watch.member);
    watch.resume_timer = env_.clock.after(watch_options_.resume_pause, [this, handle] {
      watches_.at(handle).resume_timer.reset();
      open(handle);
    });
    return false;
  }
  if (first) {
    if (watch.told_open) return true;  // a resumed stream: the handler's stream goes on
    watch.told_open = true;
    // A watch of "changes after now" resumes after the revision its first member had.
    if (watch.request.start_revision == 0) watch.request.start_revision = response.revision + 1;
  } else if (response.events.empty()) {
    if (response.revision + 1 > watch.request.start_revision) {
      watch.request.start_revision = response.revision + 1;
      watch.delivered_at_start = 0;
    }
  } else {
    kv::WatchResponse fresh = response;
    std::erase_if(fresh.events, [&watch](const kv::Event& event) {
      if (watch.to_skip > 0 && event.kv.mod_revision == watch.stream_start) {
        --watch.to_skip;
        return true;
      }
      watch.to_skip = 0;  // past the events delivered before the stream
      return false;
    });
    if (fresh.events.empty()) return true;  // every one delivered before the resume
    KEEL_ASSERT(fresh.events.front().kv.mod_revision >= watch.request.start_revision,
                "a watch stream sent an event before the revision it was opened from");
    for (const kv::Event& event : fresh.events) {
      if (event.kv.mod_revision == watch.request.start_revision) {
        ++watch.delivered_at_start;
      } else {
        watch.request.start_revision = event.kv.mod_revision;
        watch.delivered_at_start = 1;
      }
    }
    watch.handler(fresh);
    return still_streaming(handle, stream);
  }
  watch.handler(response);
  return still_streaming(handle, stream);
}

bool RemoteStoreClient::still_streaming(WatchHandle handle, std::uint64_t stream) const {
  auto it = watches_.find(handle);
  return it != watches_.end() && it->second.stream == stream && by_stream_.contains(stream);
}

void RemoteStoreClient::cancel(std::optional<TimerId>& timer) {
  if (timer) env_.clock.cancel(*timer);
  timer.reset();
}

}  // namespace keel::client
