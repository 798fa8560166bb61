#include "core/node/node.h"

#include "core/codec/frame.h"
#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::node {
namespace {

constexpr std::string_view kWalDir = "wal";
constexpr std::string_view kSnapshotDir = "snap";

// Restores `machine` from snapshot data: in place when it is one chunk (as a loaded file or a
// snapshot received from the leader is), else from one copy of the chunks.
Status restore_machine(StateMachine& machine, const ChunkedBytes& data) {
  if (data.chunks().size() == 1) return machine.restore(data.chunks().front()->bytes);
  return machine.restore(data.flatten());
}

raft::Config raft_config(Env& env, const NodeConfig& config) {
  raft::Config rc = config.raft;
  rc.id = env.self;
  rc.cluster = config.cluster;
  rc.heartbeat_ticks = 1;
  return rc;
}

}  // namespace

Result<std::unique_ptr<Node>> Node::start(Env& env, NodeConfig config,
                                          std::unique_ptr<StateMachine> machine) {
  if (machine == nullptr) machine = std::make_unique<AppendRegister>();
  for (std::string_view dir : {kWalDir, kSnapshotDir}) {
    if (Status made = env.fs.create_dir(dir); !made) return std::unexpected(made.error());
  }
  if (Status synced = env.fs.sync_dir(""); !synced) return std::unexpected(synced.error());
  auto snapshots = storage::SnapshotStore::open(env.fs, std::string(kSnapshotDir));
  if (!snapshots) return std::unexpected(snapshots.error());
  auto wal = storage::Wal::open(env.fs, std::string(kWalDir),
                                storage::WalIdentity{config.cluster, env.self}, config.wal);
  if (!wal) return std::unexpected(wal.error());
  std::unique_ptr<Node> node(
      new Node(env, std::move(config), std::move(*wal), std::move(*snapshots), std::move(machine)));
  if (Status recovered = node->recover(); !recovered) return std::unexpected(recovered.error());
  return node;
}

Node::Node(Env& env, NodeConfig config, storage::Wal wal, storage::SnapshotStore snapshots,
           std::unique_ptr<StateMachine> machine)
    : env_(env),
      config_(std::move(config)),
      wal_(std::move(wal)),
      snapshots_(std::move(snapshots)),
      machine_(std::move(machine)) {}

const AppendRegister& Node::state() const {
  const auto* reg = dynamic_cast<const AppendRegister*>(machine_.get());
  KEEL_ASSERT(reg != nullptr, "state(): this node does not run an AppendRegister");
  return *reg;
}

Node::~Node() {
  env_.clock.cancel(tick_timer_);
  env_.clock.cancel(flush_call_);
  env_.clock.cancel(snapshot_timer_);
}

// Rebuilds Raft from the disk: the snapshot the WAL's marker names (etcd saves the snap file before
// the marker, so the file exists), then the entries after it and the latest hard state.
Status Node::recover() {
  storage::WalContents contents = wal_.take_recovered();
  raft::Bootstrap bootstrap;
  bootstrap.hard_state = contents.hard_state;
  bootstrap.initial_conf.voters = config_.members;
  raft::SnapshotMeta meta;
  if (contents.snapshot.index > 0) {
    auto snapshot = snapshots_.load(contents.snapshot.term, contents.snapshot.index);
    if (!snapshot) return std::unexpected(snapshot.error());
    if (Status restored = restore_machine(*machine_, snapshot->data); !restored) {
      return fail(Errc::kCorrupt, str("snapshot ", contents.snapshot.term, "-",
                                      contents.snapshot.index, ": ", restored.error().message));
    }
    meta = snapshot->meta;
    snapshot_index_ = meta.index;
    bootstrap.snapshot = std::move(*snapshot);
  }
  // Snapshots saved after the last durable marker were never part of the log: drop them.
  if (Status removed = snapshots_.remove_after(contents.snapshot.index); !removed) return removed;
  if (config_.observer) {
    config_.observer->on_recovered(env_.self, contents.hard_state, meta, contents.entries);
  }
  bootstrap.entries = std::move(contents.entries);
  env_.emit("node", "recovered",
            {{"term", bootstrap.hard_state.term},
             {"commit", bootstrap.hard_state.commit},
             {"snapshot", meta.index},
             {"last", meta.index + bootstrap.entries.size()}});
  raft_ = std::make_unique<raft::Raft>(raft_config(env_, config_), std::move(bootstrap),
                                       env_.random.derive("raft"));
  env_.transport.set_receive_handler(
      [this](NodeId from, const SharedBytes& frame) { on_frame(from, frame); });
  arm_tick();
  process_ready();
  return {};
}

void Node::arm_tick() {
  tick_timer_ = env_.clock.after(config_.tick, [this] {
    if (stopped_) return;
    raft_->tick();
    flush_soon();
    arm_tick();
  });
}

void Node::on_frame(NodeId from, const SharedBytes& frame) {
  if (stopped_) return;
  ++stats_.frames_received;
  if (codec::is_node_frame(frame)) return on_node_frame(from, frame);
  if (Status decoded = codec::decode_frame(frame, incoming_frame_); !decoded) {
    ++stats_.frames_rejected;
    env_.emit("node", "frame-rejected", {{"from", from}, {"reason", decoded.error().message}});
    return;
  }
  if (incoming_frame_.cluster != config_.cluster) {
    ++stats_.frames_foreign;
    env_.emit("node", "frame-foreign", {{"from", from}, {"cluster", incoming_frame_.cluster}});
    return;
  }
  raft_->step(incoming_frame_.message);
  flush_soon();
}

// A frame for the service on this node (not Raft's): same checks, then the listener's.
void Node::on_node_frame(NodeId from, ByteView frame) {
  auto decoded = codec::decode_node_frame(frame);
  if (!decoded || listener_ == nullptr) {
    ++stats_.frames_rejected;
    env_.emit("node", "frame-rejected",
              {{"from", from},
               {"reason", decoded ? std::string_view("no service for node frames")
                                  : std::string_view(decoded.error().message)}});
    return;
  }
  if (decoded->cluster != config_.cluster) {
    ++stats_.frames_foreign;
    env_.emit("node", "frame-foreign", {{"from", from}, {"cluster", decoded->cluster}});
    return;
  }
  listener_->on_node_frame(from, decoded->payload);
}

void Node::send_node_frame(NodeId to, ByteView payload) {
  if (stopped_) return;
  env_.transport.send(to, codec::encode_node_frame(config_.cluster, payload));
}

void Node::propose(SharedBytes value, ProposeDone done) {
  if (stopped_) return done(std::unexpected(*stopped_));
  if (raft_->role() != raft::Role::kLeader) {
    return done(
        fail(Errc::kNotLeader,
             str("not the leader; the leader is ",
                 raft_->leader() == kNoNode ? std::string("unknown") : str("n", raft_->leader()))));
  }
  auto index = raft_->propose(std::move(value));
  if (!index) return done(std::unexpected(index.error()));
  // Proposals still waiting at this index or beyond were made in an earlier term, and the log was
  // cut below them since: they can never commit.
  while (!pending_.empty() && pending_.back().index >= *index) {
    Pending stale = std::move(pending_.back());
    pending_.pop_back();
    stale.done(fail(Errc::kUnavailable, str("the proposal of term ", stale.term,
                                            " was overwritten by a later leader's log")));
  }
  pending_.push_back(Pending{*index, raft_->term(), std::move(done)});
  flush_soon();
}

Status Node::change_membership(const raft::ConfChange& change) {
  Status status = raft_->propose_conf_change(change);
  flush_soon();
  return status;
}

Status Node::read_index(std::uint64_t context) {
  if (stopped_) return std::unexpected(*stopped_);
  Status status = raft_->read_index(context);
  flush_soon();
  return status;
}

Status Node::transfer_leadership(NodeId to) {
  Status status = raft_->transfer_leadership(to);
  flush_soon();
  return status;
}

// Group commit: every input arriving at the same instant (frames and proposals that queued up
// while the machine was busy syncing, as under load) is stepped into Raft first, and one Ready
// then persists, sends and applies all of them with a single sync. Clock::defer is a zero-delay
// timer without the timer (the benchmark's members flush about 1,600 times per simulated second).
void Node::flush_soon() {
  if (flush_call_ != 0 || stopped_) return;
  flush_call_ = env_.clock.defer([this] {
    flush_call_ = 0;
    process_ready();
  });
}

void Node::process_ready() {
  while (!stopped_ && raft_->has_ready()) {
    raft_->ready(ready_);
    const raft::Ready& ready = ready_;
    ++stats_.readies;
    // Thesis §10.2.1: a leader may write its log in parallel with replicating it, so a leader whose
    // term is already durable (it did not just win it: that Ready persisted the term first) sends
    // before it syncs and its followers' disks work while its own does. Safe because the leader
    // counts only acknowledgements stepped after this sync returns, and its messages carry nothing
    // else that must be durable first. Everyone else's messages (votes, acknowledgements) wait.
    const bool send_first = raft_->role() == raft::Role::kLeader && !ready.soft_state;
    if (send_first) send(ready.messages);
    if (Status persisted = persist(ready); !persisted) return stop(persisted.error());
    if (ready.soft_state) {
      env_.emit("raft", "role",
                {{"role", raft::to_string(ready.soft_state->role)},
                 {"term", raft_->term()},
                 {"leader", ready.soft_state->leader}});
      if (ready.soft_state->role == raft::Role::kLeader && config_.observer) {
        config_.observer->on_became_leader(env_.self, raft_->term());
      }
      if (listener_) listener_->on_role_changed(*ready.soft_state, raft_->term());
    }
    // Only now, with everything they depend on durable, may messages leave (thesis §3.8).
    if (!send_first) send(ready.messages);
    apply(ready);
    raft_->advance(ready);
    if (Status snapshotted = maybe_snapshot(); !snapshotted) return stop(snapshotted.error());
    if (listener_) listener_->on_ready_done(ready.read_states);
  }
}

void Node::send(const std::vector<raft::Message>& messages) {
  // One batch: the entries a leader sends to each of its followers are encoded once.
  codec::encode_frames(config_.cluster, messages, outgoing_frames_, frame_room_);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    env_.transport.send(messages[i].to, std::move(outgoing_frames_[i]));
  }
}

Status Node::persist(const raft::Ready& ready) {
  if (ready.snapshot) {
    // The leader's snapshot is newer than one this machine may still be writing (Raft installs
    // only snapshots past its commit index): that one is dropped before its marker is written.
    if (Status abandoned = abandon_snapshot(); !abandoned) return abandoned;
    // etcd's order: the snap file is durable before the WAL marker that points at it.
    if (Status saved = snapshots_.save(*ready.snapshot); !saved) return saved;
    const storage::SnapshotMark mark{ready.snapshot->meta.index, ready.snapshot->meta.term};
    if (Status marked = wal_.save_snapshot(mark); !marked) return marked;
  }
  const raft::HardState* hard_state = ready.hard_state ? &*ready.hard_state : nullptr;
  if (hard_state || !ready.entries.empty()) {
    if (Status appended = wal_.append(hard_state, ready.entries); !appended) return appended;
  }
  if (ready.must_sync || ready.snapshot) {
    if (Status synced = wal_.sync(); !synced) return synced;
  }
  if (config_.observer) {
    if (ready.snapshot) config_.observer->on_snapshot_installed(env_.self, ready.snapshot->meta);
    if (ready.hard_state && ready.must_sync) {
      config_.observer->on_hard_state_persisted(env_.self, *ready.hard_state);
    }
    if (!ready.entries.empty()) {
      const raft::Term leader_term = raft_->role() == raft::Role::kLeader ? raft_->term() : 0;
      config_.observer->on_persisted(env_.self, leader_term, ready.entries);
    }
  }
  return {};
}

void Node::apply(const raft::Ready& ready) {
  if (ready.snapshot) {
    Status restored = restore_machine(*machine_, ready.snapshot->data);
    KEEL_ASSERT(restored.has_value(),
                "the leader sent a snapshot that does not decode: ", restored.error().message);
    snapshot_index_ = ready.snapshot->meta.index;
    env_.emit("node", "snapshot-installed",
              {{"index", ready.snapshot->meta.index}, {"term", ready.snapshot->meta.term}});
    // Proposals at or below the snapshot were decided by entries this machine never saw.
    while (!pending_.empty() && pending_.front().index <= snapshot_index_) {
      auto done = std::move(pending_.front().done);
      pending_.pop_front();
      done(fail(Errc::kUnavailable, "outcome unknown: replaced by a snapshot from the leader"));
    }
  }
  for (const raft::Entry& entry : ready.committed) {
    if (entry.type == raft::EntryType::kNormal && !entry.data.empty()) machine_->apply(entry);
    if (config_.observer) config_.observer->on_applied(env_.self, entry);
    settle_pending(entry);
  }
}

// Front or nothing (settle_pending() checks for the front): pending_ ascends (propose() fails the
// proposals at or past a new index first) and entries are applied one index after another, so every
// pending proposal below the entry applied now was settled when its own index was applied, and none
// is ever left behind:
// - a leader change or log truncation replaces the entry at a pending index, but that index is
//   still applied (Raft applies every index up to its commit), and the proposal fails there on
//   the term mismatch;
// - an installed snapshot skips indexes, and apply() fails the proposals at or below it before
//   any entry past it is applied;
// - a restarted node starts with no pending proposals, and stop() fails them all.
void Node::settle_front(const raft::Entry& entry) {
  KEEL_ASSERT(pending_.front().index == entry.index, "a proposal at index ", pending_.front().index,
              " is still pending after index ", entry.index, " was applied");
  Pending pending = std::move(pending_.front());
  pending_.pop_front();
  if (pending.term == entry.term) {
    pending.done(entry.index);
  } else {
    pending.done(fail(Errc::kUnavailable,
                      str("the proposal at index ", entry.index, " was replaced by term ",
                          entry.term, "'s entry after a leader change")));
  }
}

// Every snapshot_every applied entries the state machine's image is encoded here, on the loop
// (it must be the state at the applied index), and Raft keeps it and drops its log below it. The
// file is then written from Raft's copy by step_snapshot across later turns, snapshot_step_bytes
// at a time, so that a large snapshot does not stall the loop past an election timeout (issue 7);
// entries keep being persisted and applied meanwhile, and the WAL keeps everything after its
// older marker until the new one is durable.
Status Node::take_snapshot() {
  const raft::Index applied = raft_->applied();
  auto meta = raft_->compact(applied, machine_->snapshot());
  if (!meta) return std::unexpected(meta.error());
  snapshot_writer_.emplace(snapshots_.begin_save(*meta, raft_->snapshot()->data.size()));
  schedule_snapshot_step();
  return {};
}

void Node::schedule_snapshot_step() {
  snapshot_timer_ = env_.clock.after(Duration(0), [this] {
    snapshot_timer_ = 0;
    if (Status stepped = step_snapshot(); !stepped) stop(stepped.error());
  });
}

Status Node::step_snapshot() {
  KEEL_ASSERT(snapshot_writer_.has_value(), "a snapshot step with no snapshot being written");
  // The data written is the copy Raft keeps. A snapshot from the leader may have replaced it
  // since the last step (persist() abandons the write once it saves that one; this step may come
  // first): then the write stops here.
  const std::optional<raft::Snapshot>& kept = raft_->snapshot();
  if (!kept || kept->meta != snapshot_writer_->meta()) return abandon_snapshot();
  ++stats_.snapshot_steps;
  auto saved = snapshot_writer_->step(kept->data, config_.snapshot_step_bytes);
  if (!saved) return std::unexpected(saved.error());
  if (!*saved) {
    schedule_snapshot_step();
    return {};
  }
  const raft::SnapshotMeta meta = snapshot_writer_->meta();
  snapshot_writer_.reset();
  // etcd's order: the snap file is durable (above) before the WAL marker that points at it, and
  // the log before the marker is released only once the marker is durable.
  if (Status marked = wal_.save_snapshot({meta.index, meta.term}); !marked) return marked;
  if (Status synced = wal_.sync(); !synced) return synced;
  if (Status released = wal_.release_before(meta.index); !released) return released;
  if (Status released = snapshots_.release_before(meta.index); !released) return released;
  snapshot_index_ = meta.index;
  ++stats_.snapshots_taken;
  env_.emit("node", "snapshot",
            {{"index", meta.index}, {"term", meta.term}, {"log_from", raft_->log().first_index()}});
  return {};
}

Status Node::abandon_snapshot() {
  if (!snapshot_writer_) return {};
  env_.clock.cancel(snapshot_timer_);
  snapshot_timer_ = 0;
  Status abandoned = snapshot_writer_->abandon();
  snapshot_writer_.reset();
  return abandoned;
}

void Node::stop(Error error) {
  env_.emit("node", "stopped", {{"reason", error.message}});
  env_.clock.cancel(tick_timer_);
  env_.clock.cancel(flush_call_);
  env_.clock.cancel(snapshot_timer_);
  stopped_ = std::move(error);
  for (Pending& pending : pending_) pending.done(std::unexpected(*stopped_));
  pending_.clear();
}

}  // namespace keel::node
