// ClientGateway: serves remote clients that speak the binary client protocol (client_protocol.h)
// on one member: their calls and lease keep-alives go to the member's KvService (which forwards
// writes and keep-alives to the leader, as etcd's members do), their watch streams are watchers of
// the member's WatchHub, drained into numbered WatchData frames whenever the hub has something for
// them. A stream refused for a compacted start revision says so in compact_revision.
//
// A member that cannot follow the cluster's changes sends its watchers elsewhere: it cancels its
// streams, and refuses new ones, when it is not in its latest configuration (etcd's removed members
// stop) or has known no leader for `no_leader_timeout` (etcd's WithRequireLeader watch option: a
// member cut off, or removed without learning it, would otherwise keep a watcher waiting forever).
//
// Bounds: the hub's max_watchers bounds the streams; a stream not renewed for kWatchStreamTimeout
// is canceled (its client is gone or went elsewhere); one WatchData carries at most
// kEventsPerData events, and a response too large for a frame cancels its stream with a reason.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "core/env/env.h"
#include "core/kv/types.h"
#include "core/node/client_protocol.h"

namespace keel::node {

class KvService;

struct ClientGatewayStats {
  std::uint64_t calls = 0;
  std::uint64_t keep_alives = 0;
  std::uint64_t streams_opened = 0;
  std::uint64_t streams_expired = 0;
  std::uint64_t data_sent = 0;
  std::uint64_t rejected = 0;  // payloads that did not decode, or that only a member may send
};

class ClientGateway {
 public:
  static constexpr std::size_t kEventsPerData = 256;
  static constexpr const char* kRemoved = "this member was removed from the cluster";
  static constexpr const char* kNoLeader = "this member has no leader";

  ClientGateway(Env& env, KvService& service, Duration no_leader_timeout)
      : env_(env), service_(service), no_leader_timeout_(no_leader_timeout) {}

  void on_message(NodeId from, ByteView payload);
  // Sends what the hub's ready watchers have. Call after entries are applied.
  void pump();
  // Cancels the streams whose clients have not renewed them in time. Call now and then.
  void expire();

  std::size_t streams() const { return streams_.size(); }
  const ClientGatewayStats& stats() const { return stats_; }

 private:
  struct Stream {
    NodeId client = kNoNode;
    std::uint64_t number = 0;  // the client's
    std::uint64_t next_seq = 0;
    Time renewed{};
  };
  using StreamKey = std::pair<NodeId, std::uint64_t>;

  void call(NodeId from, ClientCall call);
  void renew_lease(NodeId from, const ClientKeepAlive& keep_alive);
  void open(NodeId from, const WatchOpen& open);
  // False if the response was too large and a cancellation went instead: the caller closes.
  bool send(const Stream& stream, std::uint64_t seq, const kv::WatchResponse& response);
  void close(kv::WatchId id);
  // Why this member should serve no watcher now, or null.
  const char* unfit() const;
  void cancel_all(const std::string& reason);

  Env& env_;
  KvService& service_;
  Duration no_leader_timeout_;
  std::optional<Time> leaderless_since_;
  std::map<kv::WatchId, Stream> streams_;
  std::map<StreamKey, kv::WatchId> by_client_;
  ClientGatewayStats stats_;
};

}  // namespace keel::node
