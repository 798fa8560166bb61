// KvService: the key-value client API of one machine, independent of any transport (etcd's
// EtcdServer + v3 server, without gRPC). It owns the machine's Node (with a KvStateMachine) and
// the client requests waiting on it.
//
// - Writes (and txns, compactions, lease grants and revokes) go through Raft on the leader. The
//   requests submitted during one instant of the event loop are batched into as few entries as
//   the batch bounds allow (like the node's group commit), each stamped with leader time: this
//   leader's clock, offset so that it continues from the latest time the store applied (clocks of
//   different machines are not comparable; the store measures session expiry in this time).
//   A follower forwards them to the leader it knows in a node frame (kv_forwarding.h) and relays
//   the answer; if forwarding is off, or the request came forwarded, or it has no session
//   (client 0: a frame duplicated by the network could apply it twice), it refuses with
//   kNotLeader naming the leader. A forwarded request unanswered after two election timeouts
//   (a frozen or lost leader) waits for a leader again, below; once that wait is over too, it
//   fails with kUnavailable (outcome unknown: the client retries with the same seq).
// - Waiting for a leader (issue 7): a request this member would forward but for which it knows
//   no leader (an election is under way, or this member was the leader and lost it), one that
//   the member it was forwarded to refused with kNotLeader (it was not proposed, so sending it
//   again is safe), and a linearizable read whose ReadIndex found no leader, wait for a leader
//   instead of failing at once: they are routed again when one becomes known, and refused with
//   kNotLeader only once leader_wait_elections election timeouts passed since they were
//   submitted (noticing a frozen leader alone takes one to two). Reads whose ReadIndex round was
//   asked of a former leader, or timed out, join a new round within the same bound.
//   etcd's v2 API behaves alike: a request during an election blocks until a leader answers or it
//   times out.
// - Reads (range, lease time-to-live, lease list) are linearizable by default: the reads of one
//   instant share one ReadIndex round (thesis §6.4) and are served once the applied index reaches
//   the read index. A serializable read is served at once from the local store, on any member,
//   and may be stale (etcd's --consistency=s).
// - Back-pressure: a write is refused with kUnavailable, naming the lag, when the applied index
//   lags the commit index by more than max_apply_lag (etcd's ErrTooManyRequests past its
//   maxGapBetweenApplyAndCommitIndex of 5000); and with
//   kLimitExceeded when max_pending_requests are already waiting.
// - Leases (etcd's lessor): expiry is decided by the leader's Lessor and applied through a Raft
//   entry (a LeaseRevokeRequest with client 0); on becoming leader every lease gets its full TTL
//   again before any can expire (Lessor::promote); keep-alives are renewed by the leader's Lessor
//   alone (followers forward them).
//   The minimum TTL is 1.5 election timeouts (kv::min_lease_ttl_seconds).
//
// Replies run on the machine's loop. Exactly-once is the store's (kv/sessions.h): a client that
// times out or is refused retries with the same (client, seq), possibly on another member. If the
// machine crashes or loses touch, a reply may never come: the client's timeout decides.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "core/env/env.h"
#include "core/kv/types.h"
#include "core/node/client_gateway.h"
#include "core/node/kv_forwarding.h"
#include "core/node/kv_state_machine.h"
#include "core/node/node.h"

namespace keel::node {

struct KvServiceConfig {
  NodeConfig node;
  KvStateMachineConfig machine;          // min_lease_ttl_seconds is raised to 1.5 election timeouts
  std::size_t max_batch_requests = 128;  // requests per Raft entry (<= kv::kMaxBatchRequests)
  std::size_t max_batch_bytes = 256u << 10;  // encoded requests per Raft entry, roughly
  std::size_t max_pending_requests = 10000;  // submitted and not yet answered, reads and writes
  raft::Index max_apply_lag = 5000;          // commit - applied past which writes are refused
  std::size_t max_expired_per_tick = 64;     // lease revokes proposed per tick
  bool forward_to_leader = true;             // followers forward writes to the leader
  // Election timeouts a request may wait for a leader (see above); etcd's v2 requests wait up to
  // 5 s plus two election timeouts.
  std::uint64_t leader_wait_elections = 4;
};

struct KvServiceStats {
  std::uint64_t batches_proposed = 0;
  std::uint64_t requests_proposed = 0;
  std::uint64_t read_rounds = 0;  // ReadIndex requests
  std::uint64_t reads_served = 0;
  std::uint64_t refused_not_leader = 0;
  // Times a request was parked to wait for a leader (see above); one request may wait twice.
  std::uint64_t parked_for_leader = 0;
  std::uint64_t refused_backpressure = 0;
  std::uint64_t leases_expired = 0;  // revokes proposed by this machine's Lessor
  std::uint64_t forwarded = 0;       // requests this follower forwarded to the leader
  std::uint64_t forward_timeouts = 0;
  std::uint64_t forwards_served = 0;    // requests forwarded to this machine
  std::uint64_t forwards_rejected = 0;  // node frames whose payload did not decode
};

// The leader that a kNotLeader refusal names ("... the leader is n3"), or kNoNode.
NodeId leader_named_in(const Error& not_leader);

class KvService final : public NodeListener {
 public:
  using Reply = std::function<void(Result<kv::Response>)>;

  // Starts the node (see Node::start) with a KvStateMachine.
  static Result<std::unique_ptr<KvService>> start(Env& env, KvServiceConfig config);
  ~KvService() override;
  KvService(const KvService&) = delete;
  KvService& operator=(const KvService&) = delete;

  // Submits one request; `reply` runs exactly once unless the machine crashes (see above); it may
  // run before submit() returns (a refusal, a serializable read). `mode` matters for reads only.
  void submit(kv::Request request, Reply reply, ReadMode mode = ReadMode::kLinearizable);
  // A lease keep-alive (etcd's LeaseKeepAlive): the lease's deadline becomes now + its TTL on the
  // leader's clock. `done` gets the TTL in seconds; kNotFound for a lease the leader has not
  // applied. A follower forwards it to the leader like a write (kNotLeader, naming the leader, if
  // it cannot). `done` may run before keep_alive() returns.
  using KeepAliveDone = std::function<void(Result<std::int64_t>)>;
  void keep_alive(kv::LeaseId id, KeepAliveDone done);

  Node& node() { return *node_; }
  const Node& node() const { return *node_; }
  const KvStateMachine& state() const { return *machine_; }
  const kv::Store& store() const { return machine_->store(); }
  // This member's watchers, fed from its applied state (etcd serves watches on every member):
  // the transport creates them, drains ready() watchers with poll() and cancels them.
  kv::WatchHub& watches() { return machine_->watches(); }
  // Runs `listener` at the end of every round of the node's work (entries applied, reads
  // served), after the gateway has drained its streams: a local user of watches() drains its own
  // watchers then (client::LocalStoreClient). A listener must not call back into the service
  // (it schedules its work on the loop instead). Returns the id that removes it.
  std::uint64_t add_ready_listener(std::function<void()> listener);
  void remove_ready_listener(std::uint64_t id);
  // Remote clients speaking client_protocol.h in node frames (calls and watch streams).
  const ClientGateway& gateway() const { return gateway_; }
  const KvServiceStats& stats() const { return stats_; }
  std::size_t pending() const { return pending_; }

  // NodeListener.
  void on_role_changed(const raft::SoftState& state, raft::Term term) override;
  void on_ready_done(std::span<const raft::ReadState> read_states) override;
  void on_node_frame(NodeId from, ByteView payload) override;

 private:
  struct Waiting {
    kv::Request request;
    Reply reply;
    std::uint64_t submitted = 0;  // tick
  };
  struct Forwarded {
    NodeId to = kNoNode;
    std::uint64_t sent = 0;    // tick
    Waiting waiting;           // a request (with its reply), or
    KeepAliveDone keep_alive;  // a keep-alive's answer
  };

  KvService(Env& env, KvServiceConfig config);
  void submit_here(kv::Request request, Reply reply, ReadMode mode, bool may_forward);
  // Sends a submitted request on its way: served, batched for Raft, forwarded, parked or refused.
  void route(Waiting waiting, ReadMode mode, bool may_forward);
  // Forwards to the leader when allowed and possible, parks when allowed but no leader is known,
  // else refuses with kNotLeader.
  void forward_or_refuse(Waiting waiting, bool may_forward);
  // Holds a request until a leader is known, or refuses it if it already waited the bound.
  void park(Waiting waiting);
  // Routes the parked requests again if a leader is known; refuses those past the bound.
  void unpark();
  void refuse_not_leader(Waiting& waiting);
  // Two election timeouts, in ticks: how long a forward or a ReadIndex round may take.
  std::uint64_t give_up_ticks() const;
  // Whether a request submitted at tick `submitted` waited for a leader as long as it may.
  bool waited_too_long(std::uint64_t submitted) const;
  void forward(Waiting waiting, NodeId leader);
  void finish(Forwarded& forwarded, const Error& error);
  bool is_read(const kv::Request& request) const;
  Error not_leader() const;
  void answer(Reply& reply, Result<kv::Response> result);
  void serve_read(Waiting& read);
  void flush_soon();
  void flush();
  void propose(std::vector<Waiting> batch);
  void continue_leader_time();
  std::int64_t leader_time_ms() const;
  void arm_tick();
  void on_tick();

  Env& env_;
  KvServiceConfig config_;
  KvStateMachine* machine_ = nullptr;  // owned by node_
  std::unique_ptr<Node> node_;
  std::vector<Waiting> writes_;  // to propose at the end of this instant
  std::vector<Waiting> reads_;   // to start a ReadIndex round for at the end of this instant
  std::vector<Waiting> parked_;  // waiting for a leader, oldest first
  std::uint64_t next_context_;   // see the constructor
  struct UnconfirmedReads {
    std::uint64_t sent = 0;  // the tick the ReadIndex round started at
    std::vector<Waiting> reads;
  };
  std::map<std::uint64_t, UnconfirmedReads> unconfirmed_reads_;  // by ReadIndex context
  std::multimap<raft::Index, Waiting> confirmed_reads_;          // by read index
  std::uint64_t next_forward_id_;                                // see the constructor
  std::map<std::uint64_t, Forwarded> forwarded_;                 // by id, so by age
  std::size_t pending_ = 0;                                      // submitted, not yet answered
  // Streams go elsewhere after two election timeouts without a leader (the forwarding bound too).
  ClientGateway gateway_{env_, *this, 2 * config_.node.tick* config_.node.raft.election_ticks};
  std::uint64_t ticks_ = 0;
  std::int64_t leader_time_offset_ms_ = 0;  // added to this machine's clock to stamp entries
  std::map<std::uint64_t, std::function<void()>> ready_listeners_;  // by id
  std::uint64_t next_ready_listener_ = 1;
  TimerId flush_timer_ = 0;
  TimerId tick_timer_ = 0;
  KvServiceStats stats_;
};

}  // namespace keel::node
