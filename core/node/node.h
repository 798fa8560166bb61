// Node: one machine of a Keel cluster. It wires Raft, the write-ahead log, snapshots and the state
// machine to one Env, and drives them on that machine's event loop (DESIGN.md principles 1 and 4):
// every input (a frame, a tick, a proposal) is stepped into Raft, then the resulting Ready is
// persisted with one sync, then its messages are sent, then its committed entries are applied,
// then Raft is told to advance.
//
// The state machine is given at start: an AppendRegister by default (the Raft exploration and
// property tests use it), or the key-value store (kv_state_machine.h) under the KvService.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/codec/frame.h"
#include "core/env/env.h"
#include "core/node/append_register.h"
#include "core/node/node_listener.h"
#include "core/node/observer.h"
#include "core/node/state_machine.h"
#include "core/raft/raft.h"
#include "core/storage/snapshot_store.h"
#include "core/storage/wal.h"

namespace keel::node {

struct NodeConfig {
  std::uint64_t cluster = 1;
  std::vector<NodeId> members;  // the founding voters; every machine of the cluster gets the same
  Duration tick = std::chrono::milliseconds(50);  // one Raft tick: the heartbeat interval
  // Raft's tuning (election ticks, pre-vote, check-quorum, flow control); the node sets its id and
  // cluster, and one tick is one heartbeat.
  raft::Config raft;
  std::size_t snapshot_every = 10000;  // applied entries between two snapshots (etcd: 10,000+)
  // A snapshot's file is checksummed, then written and synced, this many bytes per turn of the
  // loop (see take_snapshot in node.cc): about 30 ms of fdatasync per turn on a laptop disk.
  std::size_t snapshot_step_bytes = 4u << 20;
  storage::WalOptions wal;
  NodeObserver* observer = nullptr;  // not owned; may be null
};

struct NodeStats {
  std::uint64_t frames_received = 0;
  std::uint64_t frames_rejected = 0;  // did not decode: bad magic, CRC, length, limit
  std::uint64_t frames_foreign = 0;   // carried another cluster's id
  std::uint64_t snapshots_taken = 0;
  std::uint64_t snapshot_steps = 0;  // turns of the loop spent writing snapshot files
  std::uint64_t readies = 0;
};

class Node {
 public:
  // Recovers from the machine's disk (a fresh disk starts a new member) and starts ticking. Fails
  // if the disk holds a corrupt log (the message names the file and offset) or belongs to another
  // cluster or member. `machine` is what the log replicates (null: an AppendRegister); the node
  // owns it and restores it from the latest snapshot before applying the entries after it.
  static Result<std::unique_ptr<Node>> start(Env& env, NodeConfig config,
                                             std::unique_ptr<StateMachine> machine = nullptr);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Proposes a value. `done` runs on this machine's loop with the value's log index once it is
  // applied, or with an error: kNotLeader (the message names the leader if known), kLimitExceeded,
  // kUnavailable when the entry was overwritten by another leader's. If this machine crashes or
  // loses touch first, `done` never runs: the caller's timeout decides, and the outcome is unknown.
  // The log entry shares `value`'s bytes (Raft::propose).
  using ProposeDone = std::function<void(Result<raft::Index>)>;
  void propose(SharedBytes value, ProposeDone done);
  Status change_membership(const raft::ConfChange& change);
  Status transfer_leadership(NodeId to);
  // ReadIndex (§6.4): the answer comes to the listener as a ReadState with `context`.
  Status read_index(std::uint64_t context);
  // Sends a node frame (codec::encode_node_frame) for the service on machine `to`; best effort,
  // like any message. Incoming node frames go to the listener.
  void send_node_frame(NodeId to, ByteView payload);
  // Not owned; must outlive the node or be reset to null. Called on the node's loop.
  void set_listener(NodeListener* listener) { listener_ = listener; }

  const raft::Raft& raft() const { return *raft_; }
  // The AppendRegister (asserts that the node runs one).
  const AppendRegister& state() const;
  const StateMachine& state_machine() const { return *machine_; }
  const NodeStats& stats() const { return stats_; }
  // Set when the node stopped itself after a storage failure; it ignores all input from then on.
  const std::optional<Error>& stopped() const { return stopped_; }

 private:
  Node(Env& env, NodeConfig config, storage::Wal wal, storage::SnapshotStore snapshots,
       std::unique_ptr<StateMachine> machine);
  Status recover();
  void arm_tick();
  void on_frame(NodeId from, const SharedBytes& frame);
  void on_node_frame(NodeId from, ByteView frame);
  // Runs Raft's Ready loop once every input queued at this instant has been stepped.
  void flush_soon();
  // Runs Raft's Ready loop until nothing is left to do.
  void process_ready();
  Status persist(const raft::Ready& ready);
  void send(const std::vector<raft::Message>& messages);
  void apply(const raft::Ready& ready);
  // Takes a snapshot (take_snapshot) once snapshot_every entries were applied since the last one
  // and none is being written. Inline: every turn of the Ready loop asks.
  Status maybe_snapshot() {
    if (snapshot_writer_ || raft_->applied() < snapshot_index_ + config_.snapshot_every) return {};
    return take_snapshot();
  }
  Status take_snapshot();
  void schedule_snapshot_step();
  Status step_snapshot();
  Status abandon_snapshot();
  void stop(Error error);

  // A proposal waiting to be applied at `index`, which it holds if that entry has `term`.
  struct Pending {
    raft::Index index;
    raft::Term term;
    ProposeDone done;
  };
  // Settles the proposal pending at the applied `entry`'s index, if there is one: `done` gets the
  // index if the entry is that proposal's (same term), else kUnavailable. The check is inline, as
  // most entries (all of a follower's) have none; settle_front() takes the front one.
  void settle_pending(const raft::Entry& entry) {
    if (!pending_.empty() && pending_.front().index <= entry.index) settle_front(entry);
  }
  void settle_front(const raft::Entry& entry);

  Env& env_;
  NodeConfig config_;
  storage::Wal wal_;
  storage::SnapshotStore snapshots_;
  std::unique_ptr<raft::Raft> raft_;
  std::unique_ptr<StateMachine> machine_;
  NodeListener* listener_ = nullptr;
  // By ascending index: a leader's proposals take increasing indexes and are applied in that
  // order, so this is a queue (a std::map cost an allocation and a rebalance per proposal).
  std::deque<Pending> pending_;
  raft::Index snapshot_index_ = 0;  // of the newest snapshot the WAL's marker points at
  std::optional<storage::SnapshotWriter> snapshot_writer_;  // a snapshot being written, if any
  TimerId snapshot_timer_ = 0;                              // 0: no step pending
  TimerId tick_timer_ = 0;
  TimerId flush_call_ = 0;  // 0: no flush deferred
  // process_ready() hands this one Ready back to Raft each round, so its vectors' capacity is
  // reused instead of allocated per Ready (Raft::ready(Ready&)).
  raft::Ready ready_;
  // Likewise reused: the frames of one Ready's messages and the room they are written in
  // (send(), codec::encode_frames), and the frame being received (on_frame(); its entries slice
  // the last Raft frame received, which stays alive until the next one is decoded).
  std::vector<SharedBytes> outgoing_frames_;
  Bytes frame_room_;
  codec::Frame incoming_frame_;
  NodeStats stats_;
  std::optional<Error> stopped_;
};

}  // namespace keel::node
