// RemoteStoreClient: the StoreClient of a machine that reaches the members over the transport, in
// the binary client protocol (node/client_protocol.h) carried in node frames, as the simulator's
// workloads (sim/workload/) speak it and etcd's clientv3 speaks gRPC to its endpoints.
//
// Calls and keep-alives (CallEngine: sessions, retries, deadlines) go to the member believed to
// lead: a refusal naming the leader (node::leader_named_in) sends the next attempt there; no
// answer within an attempt, or a refusal naming none, sends it to the next member in id order.
//
// Watches: each watch is one stream on one member at a time. The member numbers the stream's
// responses; early ones are put aside and delivered in order (the network reorders, duplicates
// and loses frames). The client renews its streams every `renew_every` (the member expires one
// after kWatchStreamTimeout; each renewal is answered with a progress notification), and resumes
// a watch on the next member, from where it stopped delivering (see Watch), when a response
// stays missing for `gap_timeout`, when the member says nothing for `silence_timeout`, or when it
// cancels the stream; a cancel for compaction is passed on and ends the watch. The handler sees
// one stream: one "open" response, then events exactly once in revision order.
//
// Frames reach it through on_frame(): the program that owns the transport's receive handler
// decodes the node frame (checking the cluster id) and hands the payload over.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/client/call_engine.h"
#include "core/client/store_client.h"
#include "core/client/stream_order.h"
#include "core/env/env.h"
#include "core/node/client_protocol.h"

namespace keel::client {

struct RemoteWatchOptions {
  Duration renew_every = std::chrono::seconds(1);
  Duration silence_timeout = std::chrono::seconds(3);
  Duration gap_timeout = std::chrono::milliseconds(500);
  Duration resume_pause = std::chrono::milliseconds(100);  // after a member's cancel
  std::size_t max_early = 1024;  // responses put aside while one is missing; past it, resume
};

class RemoteStoreClient final : public StoreClient {
 public:
  // The members' ids, read whenever one is chosen (membership changes).
  using Members = std::function<std::vector<NodeId>()>;

  RemoteStoreClient(Env& env, Members members, std::uint64_t cluster, StoreClientOptions options,
                    RemoteWatchOptions watch_options = {});
  ~RemoteStoreClient() override;
  RemoteStoreClient(const RemoteStoreClient&) = delete;
  RemoteStoreClient& operator=(const RemoteStoreClient&) = delete;

  void call(kv::Operation op, Done done,
            node::ReadMode mode = node::ReadMode::kLinearizable) override;
  void keep_alive(kv::LeaseId lease, KeepAliveDone done) override;
  WatchHandle watch(kv::WatchRequest request, WatchHandler handler) override;
  void cancel_watch(WatchHandle handle) override;

  // A node frame's payload from `from`; anything but a client protocol answer is ignored.
  void on_frame(NodeId from, ByteView payload);

  // The member serving a watch's stream now; kNoNode between streams or for an unknown handle.
  NodeId watch_member(WatchHandle handle) const;
  std::uint64_t session() const { return calls_.session(); }

  struct Stats {
    std::uint64_t attempts = 0;
    std::uint64_t streams = 0;
    std::uint64_t resumed_after_gap = 0;
    std::uint64_t resumed_after_silence = 0;
    std::uint64_t resumed_after_cancel = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Watch {
    // start_revision: where the next stream starts, the revision of the last event delivered
    // (or after the last progress). A revision's events may span responses (ClientGateway's
    // kEventsPerData), so a stream can end inside one: the next starts at it again and skips the
    // `delivered_at_start` events delivered already (every member holds them in the same order).
    kv::WatchRequest request;
    std::size_t delivered_at_start = 0;
    kv::Revision stream_start = 0;  // the current stream's start_revision
    std::size_t to_skip = 0;        // of its events at stream_start, those still to skip
    WatchHandler handler;
    NodeId member = kNoNode;
    std::uint64_t stream = 0;  // the current stream's number
    StreamOrder order;         // its responses, back in order
    Time heard{};
    std::optional<TimerId> gap_timer;
    std::optional<TimerId> resume_timer;
    bool told_open = false;  // the handler has had its "open" response
  };

  void send(NodeId to, const node::ClientMessage& message);
  void send_attempt(std::uint64_t attempt, const CallEngine::Job& job);
  Duration redirect(const std::optional<Error>& why);
  NodeId next_member(NodeId after) const;

  void open(WatchHandle handle);
  void resume(WatchHandle handle, std::uint64_t& counter);
  void on_watch_data(NodeId from, node::WatchData data);
  // Returns false once the watch is gone or moved to another stream.
  bool deliver(WatchHandle handle, std::uint64_t seq, const kv::WatchResponse& response);
  bool still_streaming(WatchHandle handle, std::uint64_t stream) const;
  void renew();
  void cancel(std::optional<TimerId>& timer);

  Env& env_;
  Members members_;
  std::uint64_t cluster_;
  RemoteWatchOptions watch_options_;
  NodeId target_ = kNoNode;  // where calls go: the member believed to lead
  CallEngine calls_;
  WatchHandle next_watch_ = 1;
  std::uint64_t next_stream_;  // see the constructor
  std::map<WatchHandle, Watch> watches_;
  std::map<std::uint64_t, WatchHandle> by_stream_;
  std::optional<TimerId> renew_timer_;  // set while there are watches
  Stats stats_;
};

}  // namespace keel::client
