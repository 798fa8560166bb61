// Raft as a pure state machine (DESIGN.md principle 4; the etcd-raft / ScyllaDB fsm shape).
//
// Inputs are tick(), step(message) and the proposal calls; the output is a Ready. Nothing here does
// I/O, reads a clock or spawns anything; randomness comes only from the Random it is given. The
// node drives it in a loop:
//
//   while (raft.has_ready()) {
//     Ready rd = raft.ready();
//     persist rd.snapshot, then rd.entries (overwriting from the first one's index), then
//       rd.hard_state; sync if rd.must_sync;
//     send rd.messages;                     // only after the writes above are durable (§3.8),
//                                           // except a settled leader's (§10.2.1: see Node)
//     apply rd.snapshot, then rd.committed, in order; serve rd.read_states once applied;
//     raft.advance(rd);
//   }
//
// Only one Ready may be outstanding: ready() and advance() alternate.
// Thesis references are to Ongaro, "Consensus: Bridging Theory and Practice" (2014).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/env/error.h"
#include "core/env/random.h"
#include "core/raft/conf_change.h"
#include "core/raft/log.h"
#include "core/raft/progress.h"
#include "core/raft/read_only.h"
#include "core/raft/types.h"

namespace keel::raft {

struct Config {
  NodeId id = kNoNode;
  std::uint64_t cluster = 0;  // stamped on every message; messages of other clusters are dropped
  int heartbeat_ticks = 1;
  int election_ticks = 10;  // the election timeout is drawn from [election_ticks, 2*election_ticks)
  bool pre_vote = true;     // §9.6
  bool check_quorum = true;  // §6.2: a leader that loses touch with a majority steps down
  // §6.4.1: a leader serves reads at its commit index without a heartbeat round, trusting that no
  // other leader can be elected within an election timeout. Needs check_quorum and bounded drift.
  bool lease_reads = false;
  std::size_t max_entries_per_message = 64;
  std::size_t max_bytes_per_message = 1 << 20;  // also the largest proposal accepted
  std::size_t max_inflight_messages = 256;      // per follower: the pipelining window
  std::size_t snapshot_chunk_bytes = 64 << 10;
  std::size_t max_uncommitted_entries = 10000;  // proposals past this fail with kLimitExceeded
  std::size_t max_pending_reads = 1024;         // ReadIndex requests waiting for a quorum
  std::size_t max_committed_per_ready = 1024;   // committed entries handed out per Ready
  // A learner is promoted only if its match index is within this many entries of the leader's
  // last index, so that a new voter does not stall commitment while it catches up (§4.2.1).
  std::size_t max_promotion_lag = 64;
  // Follower: appends that arrive past the end of its log (the network reordered them, or lost
  // one before them) are held, at most this many, until the missing ones fill the gap or for one
  // to two ticks, instead of being rejected at once: a rejection sends the leader back to probing
  // and resending everything after the match point (under load, with big batched appends, a storm
  // of rejections and resends). Holding a message is the same as the network delivering it later,
  // so no Raft rule changes; a held append is still answered at once with the index known to
  // match, so that the leader's check-quorum (§6.2) sees the follower. 0: reject at once (§3.5).
  std::size_t max_held_appends = 64;
  // Leader: when the state machine takes a new snapshot while a follower is still receiving the
  // previous one, that one is kept, with the log after it, so the transfer goes on and the
  // follower then catches up by appends; restarting it from the new snapshot each time could
  // never finish under load. Kept while the new snapshot is at most this many entries past it;
  // past that, the follower is sent the newest snapshot. 0: never kept.
  std::size_t max_catch_up_entries = 5000;
  // Every compaction keeps at most this many entries of log below the new snapshot (etcd's
  // SnapshotCatchUpEntries), so that a follower that far behind the snapshot when it is taken
  // catches up by appends instead of being sent the whole state machine. 0: the log is dropped up
  // to the snapshot. In memory only: a restarted node's log starts at its snapshot (as etcd's).
  std::size_t log_kept_below_snapshot = 5000;
};

// What the node restores from its disk at start.
struct Bootstrap {
  HardState hard_state;
  std::optional<Snapshot> snapshot;  // the latest snapshot, if any
  std::vector<Entry> entries;        // the log after the snapshot (or from index 1)
  // The configuration at index 0: the cluster's founding members. It is the base of the log when
  // there is no snapshot, so every machine of a cluster, including ones that join later, must be
  // given the same one (a joining machine learns its own membership from the log or a snapshot).
  ConfState initial_conf;
};

enum class Role { kFollower, kPreCandidate, kCandidate, kLeader };
std::string_view to_string(Role role);

// A read that may be served once the applied index reaches `index` (§6.4).
struct ReadState {
  Index index = 0;
  std::uint64_t context = 0;
  friend bool operator==(const ReadState&, const ReadState&) = default;
};

// Volatile state worth reporting when it changes (the node emits events from it).
struct SoftState {
  NodeId leader = kNoNode;
  Role role = Role::kFollower;
  friend bool operator==(const SoftState&, const SoftState&) = default;
};

struct Ready {
  std::optional<SoftState> soft_state;  // changed since the last Ready
  std::optional<HardState> hard_state;  // changed since the last Ready: persist
  // Received from the leader: it replaces the whole log up to its index (the node drops its WAL
  // entries up to there), is persisted, then restores the state machine.
  std::optional<Snapshot> snapshot;
  // Append to stable storage, replacing any suffix from entries[0]. A view into Raft's log (no
  // copy): valid until the next call that changes Raft (step, tick, a proposal, compact...), so the
  // node persists them before it applies anything (applying may propose).
  std::span<const Entry> entries;
  // Send after persisting everything above. Exception (§10.2.1): a leader that did not just win
  // its term may send them before its own write, if it steps no reply before that write is durable.
  std::vector<Message> messages;
  // Apply in order (after the snapshot, if any). kConfChange entries are among them: Raft already
  // switched configuration when it appended them (§4.1); the node may decode them with
  // codec::decode<raft::ConfChange> to report membership, and applies nothing for them.
  std::vector<Entry> committed;
  std::vector<ReadState> read_states;  // serve once applied index >= index
  bool must_sync = false;  // a new term, vote, entry or snapshot must be synced before sending
};

class Raft {
 public:
  Raft(Config config, Bootstrap bootstrap, Random random);

  void tick();
  void step(const Message& message);

  // Leader: appends and returns the entry's index. Follower: forwards to the leader and returns 0
  // (the index is not known here). Fails with kNotLeader when no leader is known, kUnavailable
  // during a leadership transfer, kLimitExceeded past max_uncommitted_entries or for a proposal
  // larger than max_bytes_per_message. The entry holds `data` itself (shared, not copied): a caller
  // that builds it as SharedBytes makes the proposal's one copy of its bytes.
  Result<Index> propose(SharedBytes data);
  // Leader only; one at a time (§4.1), after the leader committed an entry of its term.
  Status propose_conf_change(const ConfChange& change);
  // ReadIndex (§6.4): a ReadState with this context appears in a later Ready once leadership is
  // confirmed (a new leader first waits for its no-op to commit); if it cannot be confirmed, never,
  // and the caller times out. A follower forwards the request to the leader. Fails with kNotLeader
  // when no leader is known and kLimitExceeded past max_pending_reads.
  Status read_index(std::uint64_t context);
  // §3.10. Fails with kNotLeader off the leader, kNotFound if `to` is not a voter.
  Status transfer_leadership(NodeId to);
  // The state machine took a snapshot covering everything up to `index`. Raft keeps it to send to
  // followers that fall behind, drops its log up to log_kept_below_snapshot entries before index
  // (a leader further back, up to its previous snapshot, while a follower still receives that
  // one: see max_catch_up_entries), and returns the snapshot's metadata (with the configuration
  // as of index) for the node to persist with the data. Fails with kInvalidArgument if index is
  // past the applied index or not past the latest snapshot.
  Result<SnapshotMeta> compact(Index index, ChunkedBytes snapshot_data);

  bool has_ready() const;
  Ready ready();
  // The same as ready(), written into rd: every field is replaced, and rd's vectors keep their
  // capacity, so a caller that hands the same Ready back each round (the node does) allocates
  // no new vectors per Ready.
  void ready(Ready& rd);
  void advance(const Ready& ready);

  // Observers, for the node, tests, checkers and metrics.
  NodeId id() const { return config_.id; }
  Role role() const { return role_; }
  Term term() const { return term_; }
  NodeId vote() const { return vote_; }
  NodeId leader() const { return leader_; }
  Index commit() const { return log_.commit(); }
  Index applied() const { return log_.applied(); }
  Index last_index() const { return log_.last_index(); }
  HardState hard_state() const { return HardState{term_, vote_, log_.commit()}; }
  const ConfState& conf() const { return confs_.current(); }
  const Log& log() const { return log_; }
  const std::optional<Snapshot>& snapshot() const { return snapshot_; }  // the latest one
  NodeId lead_transferee() const { return lead_transferee_; }
  // Leader only; nullptr otherwise. Valid until the next step, tick or proposal (a membership
  // change may move any member's entry). Inline: looked up for every acknowledgement.
  const Progress* progress(NodeId node) const {
    for (const auto& [id, pr] : progress_) {
      if (id == node) return &pr;
    }
    return nullptr;
  }
  std::uint64_t dropped_foreign_cluster_messages() const { return dropped_foreign_cluster_; }
  // Messages not for this node, or claiming to come from it or from node 0.
  std::uint64_t dropped_misaddressed_messages() const { return dropped_misaddressed_; }
  std::uint64_t dropped_proposals() const { return dropped_proposals_; }
  std::uint64_t dropped_reads() const { return dropped_reads_; }

 private:
  enum class Campaign { kPreElection, kElection, kTransfer };

  // Roles (§3.3).
  void reset(Term term);
  void become_follower(Term term, NodeId leader);
  void become_pre_candidate();
  void become_candidate();
  void become_leader();
  void campaign(Campaign kind);
  bool promotable() const;
  bool committed_in_term() const;

  // Input by role.
  void step_leader(const Message& m);
  void step_candidate(const Message& m);
  void step_follower(const Message& m);
  void handle_vote_request(const Message& m);
  void handle_append(const Message& m);
  void reject_append(const Message& m);
  bool hold_append(const Message& m);  // false: no room, or not past the end of the log
  void release_held_appends();         // the ones the log now reaches, in index order
  void reject_stale_held_appends();    // the ones held since before the previous tick
  void handle_heartbeat(const Message& m);
  void handle_snapshot(const Message& m);
  void hold_snapshot_chunk(const Message& m);  // dropped if max_inflight_messages are held
  // Takes a chunk starting at or before the end of the bytes held; true if it was the last one.
  bool take_snapshot_chunk(std::uint64_t offset, const Bytes& chunk, bool last);
  void drop_incoming_snapshot();
  void handle_append_response(const Message& m);
  void handle_heartbeat_response(const Message& m);
  void handle_snapshot_response(const Message& m);
  void tick_election();
  void tick_heartbeat();

  // The log and configuration.
  void append(std::span<const Entry> entries);
  void on_conf_changed();
  bool maybe_commit();
  void on_commit();
  bool restore(const SnapshotMeta& meta, Bytes data);

  // Replication (leader).
  Status check_can_propose(std::size_t bytes) const;
  void append_as_leader(EntryType type, SharedBytes data);
  // pr is progress_'s entry for `to` (the callers hold it already: no lookup per append).
  bool send_append(NodeId to, Progress& pr, bool send_if_empty);
  void send_snapshot_chunks(NodeId to, Progress& pr);
  // The snapshot pr's follower is receiving: the kept one, or else the latest (restarting pr).
  const Snapshot& snapshot_for(Progress& pr);
  // compact(): keeps the snapshot a follower still receives, or lets go of the one kept.
  void keep_snapshot_in_transfer(Index new_snapshot_index);
  bool receiving(Index snapshot_index) const;  // some follower receives that snapshot
  // An empty entry vector, with the capacity of one used before if any: for an append the leader
  // sends, or an append a follower holds.
  std::vector<Entry> take_spare_entry_vector();
  // Keeps the entry vectors of messages handed out in a Ready, emptied, for
  // take_spare_entry_vector.
  void recycle_entry_vectors(std::vector<Message>& sent);
  // The same for one vector (a released held append's). Inline: called for every message sent.
  void recycle_entry_vector(std::vector<Entry>& entries) {
    if (spare_entry_vectors_.size() >= kMaxSpareEntryVectors || entries.capacity() == 0) return;
    entries.clear();  // lets go of the entries' bytes now
    spare_entry_vectors_.push_back(std::move(entries));
  }
  void broadcast_append();
  // Replication owed since the last Ready, sent when the next Ready is built: every proposal and
  // acknowledgement stepped before it then leaves in one append per follower instead of one each.
  // kNewEntries sends only what followers lack; kEveryFollower also sends an empty append (a
  // probe, or the news of a higher commit index) to those that lack nothing.
  enum class Owed { kNewEntries, kEveryFollower };
  void owe_appends(Owed owed);
  void send_owed_appends();
  void broadcast_heartbeat(std::uint64_t read_seq);
  void send_timeout_now(NodeId to);
  void abort_transfer() { lead_transferee_ = kNoNode; }

  // Reads (leader).
  bool handle_read_request(ReadRequest request);  // false: over max_pending_reads
  bool serve_read(ReadRequest request);
  void answer_read(const ReadRequest& request, Index index);

  // Queues m for the next Ready, stamped with this node's cluster, id and (except election
  // messages) term. Takes m by rvalue reference: one move into the queue, not two.
  void send(Message&& m);
  // Queues a message of `type` (an Append, a Heartbeat, or an AppendResponse that
  // acknowledge_append found no queued one to merge into) for `to`, stamped like send()'s, and
  // returns it for the caller to fill in place: appends, heartbeats and acknowledgements skip
  // building a Message and moving it (issue 3). The reference is valid until the next message is
  // queued.
  Message& queue_message(MessageType type, NodeId to);
  // One acknowledgement per leader and Ready: the AppendResponse (not a rejection) of this term
  // already queued for `to`, if any, which a later one merges into by raising its index (the
  // highest match index says all the lower ones do; the earlier answers are as good as lost,
  // which the leader tolerates). Valid until the next message is queued.
  Message* queued_acknowledgement(NodeId to);
  // A new, empty message at the end of the queue, which a Ready takes whole: room for a round of
  // messages is made once instead of regrowing the vector each time.
  Message& next_outgoing();
  // The AppendResponse that accepts (or holds) an append: `to`'s log matches up to `index`.
  void acknowledge_append(NodeId to, Index index);
  Index self_match() const { return log_.stable_index(); }
  SoftState soft_state() const { return SoftState{leader_, role_}; }

  Config config_;
  Random random_;
  Log log_;
  ConfHistory confs_;
  std::optional<Snapshot> snapshot_;  // the latest snapshot, sent to followers that need it
  // Leader: an older snapshot still being sent to a follower; the log starts after it.
  std::optional<Snapshot> snapshot_in_transfer_;

  Role role_ = Role::kFollower;
  Term term_ = 0;
  NodeId vote_ = kNoNode;
  NodeId leader_ = kNoNode;
  int election_elapsed_ = 0;   // ticks since the last contact with a leader (or check, on one)
  int heartbeat_elapsed_ = 0;  // leader: ticks since the last heartbeat
  int randomized_election_timeout_ = 0;

  std::map<NodeId, bool> votes_;  // candidates: answers so far
  // Leader: every member but itself, by ascending id. A flat map: a cluster has a handful of
  // members, and the leader walks them or looks one up for every acknowledgement.
  using MemberProgress = std::pair<NodeId, Progress>;
  std::vector<MemberProgress> progress_;
  // progress(node), to change.
  Progress* find_progress(NodeId node) {
    return const_cast<Progress*>(std::as_const(*this).progress(node));
  }
  NodeId lead_transferee_ = kNoNode;              // leader: the target of a transfer in progress
  ReadOnly read_only_;                            // leader: reads waiting for a heartbeat quorum
  std::vector<ReadRequest> reads_before_commit_;  // leader: reads before its first commit

  // Follower: appends past the end of the log, by index, at most max_held_appends.
  struct HeldAppend {
    Message message;
    bool ticked = false;  // a tick passed since it was held
  };
  std::vector<HeldAppend> held_appends_;
  // Follower: the highest index known to match this term's leader's log (0: none accepted yet).
  Index matched_ = 0;
  // Follower: the snapshot being received, chunk by chunk: its bytes from the start without a
  // gap, and the chunks that arrived ahead of a gap, by offset (at most max_inflight_messages,
  // the nearest to the gap: hold_snapshot_chunk).
  struct HeldChunk {
    Bytes bytes;
    bool last = false;
  };
  std::optional<SnapshotMeta> incoming_meta_;
  Bytes incoming_data_;
  std::map<std::uint64_t, HeldChunk> held_chunks_;

  // Leader: see owe_appends().
  bool appends_owed_ = false;
  bool empty_appends_owed_ = false;

  // Entry vectors of appends already handed out and sent (leader) or held and released
  // (follower), emptied, at most kMaxSpareEntryVectors: an append reuses one instead of allocating
  // a vector per follower per append (issue 3).
  static constexpr std::size_t kMaxSpareEntryVectors = 64;
  std::vector<std::vector<Entry>> spare_entry_vectors_;

  // What the next Ready carries.
  std::vector<Message> messages_;
  std::vector<ReadState> read_states_;
  bool snapshot_to_hand_out_ = false;
  HardState last_hard_state_;
  SoftState last_soft_state_;
  bool ready_outstanding_ = false;

  std::uint64_t dropped_foreign_cluster_ = 0;
  std::uint64_t dropped_misaddressed_ = 0;
  std::uint64_t dropped_proposals_ = 0;
  std::uint64_t dropped_reads_ = 0;
};

}  // namespace keel::raft
