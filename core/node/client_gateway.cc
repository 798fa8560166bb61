#include "core/node/client_gateway.h"

#include <optional>
#include <vector>

#include "core/codec/limits.h"
#include "core/env/str.h"
#include "core/node/kv_service.h"
#include "core/raft/conf_change.h"

namespace keel::node {

void ClientGateway::on_message(NodeId from, ByteView payload) {
  auto message = decode_client(payload);
  if (!message) {
    ++stats_.rejected;
    env_.emit("kv", "client-rejected", {{"from", from}, {"reason", message.error().message}});
    return;
  }
  if (auto* call_message = std::get_if<ClientCall>(&*message)) {
    return call(from, std::move(*call_message));
  }
  if (const auto* keep_alive = std::get_if<ClientKeepAlive>(&*message)) {
    return renew_lease(from, *keep_alive);
  }
  if (const auto* open_message = std::get_if<WatchOpen>(&*message)) {
    open(from, *open_message);
  } else if (const auto* renew = std::get_if<WatchRenew>(&*message)) {
    auto it = by_client_.find({from, renew->stream});
    if (it != by_client_.end()) {
      streams_.at(it->second).renewed = env_.clock.now();
      // Unavailable while the watcher catches up: its events are on their way anyway.
      (void)service_.watches().progress(it->second);
    }
  } else if (const auto* closing = std::get_if<WatchClose>(&*message)) {
    auto it = by_client_.find({from, closing->stream});
    if (it != by_client_.end()) close(it->second);
  } else {
    ++stats_.rejected;  // an answer or watch data: only a member sends those
    return;
  }
  pump();
}

void ClientGateway::call(NodeId from, ClientCall call) {
  ++stats_.calls;
  service_.submit(
      std::move(call.request),
      [this, from, id = call.id](Result<kv::Response> result) {
        Bytes out = encode_client(ClientAnswer{id, std::move(result)});
        if (out.size() > codec::kMaxFrameBodyBytes) {
          out = encode_client(
              ClientAnswer{id, fail(Errc::kLimitExceeded, "the response is too large to send")});
        }
        service_.node().send_node_frame(from, out);
      },
      call.mode);
}

void ClientGateway::renew_lease(NodeId from, const ClientKeepAlive& keep_alive) {
  ++stats_.keep_alives;
  service_.keep_alive(keep_alive.lease, [this, from, id = keep_alive.id](Result<std::int64_t> ttl) {
    service_.node().send_node_frame(from, encode_client(ClientKeepAliveAnswer{id, std::move(ttl)}));
  });
}

const char* ClientGateway::unfit() const {
  const raft::ConfState& conf = service_.node().raft().conf();
  if (!raft::is_voter(conf, env_.self) && !raft::is_learner(conf, env_.self)) return kRemoved;
  if (leaderless_since_ && env_.clock.now() - *leaderless_since_ >= no_leader_timeout_) {
    return kNoLeader;
  }
  return nullptr;
}

void ClientGateway::open(NodeId from, const WatchOpen& open) {
  const StreamKey key{from, open.stream};
  if (by_client_.contains(key)) return;  // a duplicate of the opening frame
  Stream stream{from, open.stream, 1, env_.clock.now()};
  const char* why = unfit();
  Result<kv::WatchId> id =
      why ? fail(Errc::kUnavailable, why) : service_.watches().watch(open.request);
  if (!id) {
    send(stream, 0, kv::watch_refused(id.error(), service_.store().compact_revision()));
    return;
  }
  ++stats_.streams_opened;
  kv::WatchResponse first;
  first.watch_id = *id;
  first.revision = service_.store().revision();
  send(stream, 0, first);
  streams_.emplace(*id, stream);
  by_client_.emplace(key, *id);
}

void ClientGateway::pump() {
  kv::WatchHub& hub = service_.watches();
  for (kv::WatchId id : hub.ready()) {
    auto it = streams_.find(id);
    if (it == streams_.end()) continue;  // another user's watcher (the hub is the member's)
    std::optional<kv::WatchResponse> response = hub.poll(id, kEventsPerData);
    if (!response) continue;
    Stream& stream = it->second;
    const bool fits = send(stream, stream.next_seq++, *response);
    if (!fits) {
      close(id);
    } else if (response->canceled) {  // the hub has dropped the watcher already
      by_client_.erase({stream.client, stream.number});
      streams_.erase(it);
    }
  }
}

void ClientGateway::expire() {
  const Time now = env_.clock.now();
  if (service_.node().raft().leader() != kNoNode) {
    leaderless_since_.reset();
  } else if (!leaderless_since_) {
    leaderless_since_ = now;
  }
  if (const char* why = unfit(); why && !streams_.empty()) return cancel_all(why);
  std::vector<kv::WatchId> stale;
  for (const auto& [id, stream] : streams_) {
    if (now - stream.renewed >= kWatchStreamTimeout) stale.push_back(id);
  }
  for (kv::WatchId id : stale) {
    ++stats_.streams_expired;
    close(id);
  }
}

void ClientGateway::cancel_all(const std::string& reason) {
  while (!streams_.empty()) {
    const kv::WatchId id = streams_.begin()->first;
    kv::WatchResponse canceled;
    canceled.watch_id = id;
    canceled.canceled = true;
    canceled.cancel_reason = reason;
    Stream& stream = streams_.begin()->second;
    send(stream, stream.next_seq++, canceled);
    close(id);
  }
}

bool ClientGateway::send(const Stream& stream, std::uint64_t seq,
                         const kv::WatchResponse& response) {
  bool fits = true;
  Bytes out = encode_client(WatchData{stream.number, seq, response});
  if (out.size() > codec::kMaxFrameBodyBytes) {
    kv::WatchResponse canceled;
    canceled.watch_id = response.watch_id;
    canceled.canceled = true;
    canceled.cancel_reason = str("a response of ", out.size(), " bytes is too large to send");
    out = encode_client(WatchData{stream.number, seq, canceled});
    fits = false;
  }
  ++stats_.data_sent;
  service_.node().send_node_frame(stream.client, out);
  return fits;
}

void ClientGateway::close(kv::WatchId id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  (void)service_.watches().cancel(id);
  by_client_.erase({it->second.client, it->second.number});
  streams_.erase(it);
}

}  // namespace keel::node
