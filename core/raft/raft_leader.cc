// The leader's side: feeding followers (pipelined appends, probes, snapshot chunks), counting
// their answers into the commit index (thesis §3.5, §3.6), and confirming reads (§6.4).
#include <algorithm>
#include <utility>

#include "core/env/assert.h"
#include "core/raft/quorum.h"
#include "core/raft/raft.h"

namespace keel::raft {

void Raft::handle_append_response(const Message& m) {
  Progress* const found = find_progress(m.from);
  if (found == nullptr) return;
  Progress& pr = *found;
  pr.recent_active = true;
  if (m.reject) {
    // Fast backtracking: skip every entry of the follower's conflicting term at once.
    Index hint = m.reject_hint;
    if (m.hint_term > 0) hint = log_.find_conflict_by_term(m.reject_hint, m.hint_term).first;
    if (pr.maybe_decrease_to(m.index, hint)) {
      if (pr.state == ReplicationState::kReplicate) pr.become_probe();
      send_append(m.from, pr, true);
    }
    return;
  }
  const bool was_paused = pr.is_paused();
  // A probe answered at the known match point (after a snapshot, say) also ends the probing.
  const bool probe_confirmed = pr.state == ReplicationState::kProbe && pr.match == m.index;
  if (!pr.maybe_update(m.index) && !probe_confirmed) return;
  switch (pr.state) {
    case ReplicationState::kProbe:
      pr.become_replicate();
      break;
    case ReplicationState::kSnapshot:
      if (pr.match + 1 >= log_.first_index()) {
        pr.become_probe();
        pr.become_replicate();
      }
      break;
    case ReplicationState::kReplicate:
      pr.inflights.free_up_to(m.index);
      break;
  }
  if (maybe_commit()) {
    if (role_ != Role::kLeader) return;  // it committed its own removal and stepped down
    owe_appends(Owed::kEveryFollower);
  } else if (was_paused) {
    send_append(m.from, pr, true);
  }
  owe_appends(Owed::kNewEntries);  // the window may have room for more
  if (m.from == lead_transferee_ && pr.match == log_.last_index()) {
    send_timeout_now(m.from);  // §3.10: the target is up to date
  }
}

void Raft::handle_heartbeat_response(const Message& m) {
  Progress* const found = find_progress(m.from);
  if (found == nullptr) return;
  Progress& pr = *found;
  pr.recent_active = true;
  pr.probe_sent = false;
  if (pr.state == ReplicationState::kReplicate && pr.inflights.full()) {
    pr.inflights.free_first_one();
  }
  if (pr.match < log_.last_index()) send_append(m.from, pr, true);
  if (m.context == 0) return;
  // §6.4 step 3: the heartbeat round for this read (and every earlier one) is confirmed once a
  // majority answered.
  read_only_.ack(m.context, m.from);
  const auto& acks = read_only_.acks(m.context);
  const bool confirmed = has_quorum(confs_.current().voters, [&](NodeId voter) {
    return std::binary_search(acks.begin(), acks.end(), voter);
  });
  if (!confirmed) return;
  for (const PendingRead& read : read_only_.release_up_to(m.context)) {
    answer_read(read.request, read.index);
  }
}

void Raft::handle_snapshot_response(const Message& m) {
  Progress* const found = find_progress(m.from);
  if (found == nullptr) return;
  Progress& pr = *found;
  pr.recent_active = true;
  if (m.done) {
    // The follower installed the snapshot (or did not need it) and matches up to m.index.
    pr.maybe_update(m.index);
    if (pr.state == ReplicationState::kSnapshot) pr.become_probe();
    send_append(m.from, pr, true);
    return;
  }
  if (pr.state != ReplicationState::kSnapshot || m.index != pr.snapshot_index) return;
  pr.snapshot_reported = m.offset;
  if (m.reject) {
    // The follower holds only m.offset bytes (it restarted and lost the part it held): send the
    // rest again from there. A rejection at or above the acknowledged bytes is an old one.
    if (m.offset < pr.snapshot_acked) {
      pr.rewind_snapshot(m.offset);
      send_snapshot_chunks(m.from, pr);
    }
    return;
  }
  // The follower holds m.offset bytes from the start: the chunks up to there leave the window.
  if (pr.snapshot_acknowledged(m.offset)) send_snapshot_chunks(m.from, pr);
}

void Raft::on_conf_changed() {
  if (role_ != Role::kLeader) return;
  const ConfState& conf = confs_.current();
  auto member = [&](NodeId node) { return is_voter(conf, node) || is_learner(conf, node); };
  std::erase_if(progress_, [&](const auto& item) { return !member(item.first); });
  for (const auto* ids : {&conf.voters, &conf.learners}) {
    for (NodeId node : *ids) {
      if (node == config_.id) continue;
      const auto at = std::ranges::lower_bound(progress_, node, {}, &MemberProgress::first);
      if (at != progress_.end() && at->first == node) continue;
      progress_.emplace(at, node, Progress(log_.last_index() + 1, config_.max_inflight_messages));
    }
  }
  if (lead_transferee_ != kNoNode && !is_voter(conf, lead_transferee_)) abort_transfer();
}

bool Raft::maybe_commit() {
  // The voters come in ascending order, as progress_'s keys do: one walk over both instead of a
  // lookup per voter, on every acknowledgement (issue 3).
  auto next = progress_.begin();
  const Index index = quorum_match(confs_.current().voters, [&](NodeId voter) -> Index {
    if (voter == config_.id) return self_match();  // the leader counts itself once persisted
    while (next != progress_.end() && next->first < voter) ++next;
    return next != progress_.end() && next->first == voter ? next->second.match : 0;
  });
  // §3.6.2 (Figure 3.7): only an entry of the current term is committed by counting replicas;
  // earlier entries are committed with it, by the Log Matching Property.
  if (index <= log_.commit() || log_.term(index) != term_) return false;
  log_.commit_to(index);
  on_commit();
  return true;
}

void Raft::on_commit() {
  if (!reads_before_commit_.empty()) {
    std::vector<ReadRequest> reads;
    reads.swap(reads_before_commit_);
    for (const ReadRequest& read : reads) serve_read(read);  // a refused one is counted
  }
  // §4.2.2: a leader that is not part of the configuration it committed steps down.
  if (!is_voter(confs_.current(), config_.id) && confs_.last_change_index() <= log_.commit()) {
    broadcast_append();  // tell the others the change committed before going quiet
    become_follower(term_, kNoNode);
  }
}

// ---------------------------------------------------------------------------------------------
// Replication (leader).

Status Raft::check_can_propose(std::size_t bytes) const {
  if (lead_transferee_ != kNoNode) {
    return fail(Errc::kUnavailable,
                str("leadership is being transferred to ", lead_transferee_));  // §3.10
  }
  if (bytes > config_.max_bytes_per_message) {
    return fail(Errc::kLimitExceeded,
                str("proposal of ", bytes, " bytes over max_bytes_per_message ",
                    config_.max_bytes_per_message));
  }
  if (log_.last_index() - log_.commit() >= config_.max_uncommitted_entries) {
    return fail(Errc::kLimitExceeded, str(log_.last_index() - log_.commit(),
                                          " uncommitted entries: max_uncommitted_entries ",
                                          config_.max_uncommitted_entries));
  }
  return {};
}

void Raft::append_as_leader(EntryType type, SharedBytes data) {
  const Entry entry{term_, log_.last_index() + 1, type, std::move(data)};
  append(std::span(&entry, 1));
}

bool Raft::send_append(NodeId to, Progress& pr, bool send_if_empty) {
  if (pr.is_paused()) return false;
  KEEL_ASSERT(pr.next >= 1 && pr.next <= log_.last_index() + 1, "next index ", pr.next, " of node ",
              to, " outside 1..", log_.last_index() + 1);
  // Nothing new to send (every caller that loops until false ends here): no message is built.
  if (!send_if_empty && pr.next > log_.last_index()) return false;
  const Index prev = pr.next - 1;
  const auto prev_term = log_.term(prev);
  if (!prev_term) {
    // §5.3: the entries it needs were compacted away; send the snapshot instead.
    KEEL_ASSERT(snapshot_ && snapshot_->meta.index >= log_.snapshot_index(), "log compacted to ",
                log_.snapshot_index(), " without a snapshot covering it");
    pr.become_snapshot(snapshot_->meta.index);
    send_snapshot_chunks(to, pr);
    return true;
  }
  Message& m = queue_message(MessageType::kAppend, to);
  m.index = prev;
  m.log_term = *prev_term;
  m.commit = log_.commit();
  if (pr.next <= log_.last_index()) {
    m.entries = take_spare_entry_vector();
    log_.slice(pr.next, log_.last_index(), config_.max_entries_per_message,
               config_.max_bytes_per_message, m.entries);
  }
  switch (pr.state) {
    case ReplicationState::kReplicate:
      if (!m.entries.empty()) {
        // Pipelining: assume the follower accepts, and keep the window bounded.
        pr.optimistic_update(m.entries.back().index);
        pr.inflights.add(m.entries.back().index);
      }
      break;
    case ReplicationState::kProbe:
      pr.probe_sent = true;  // one probe at a time, until an answer or the next heartbeat
      break;
    case ReplicationState::kSnapshot:
      KEEL_UNREACHABLE("append to node ", to, " while it receives a snapshot");
  }
  return true;
}

// §5.3 InstallSnapshot, in chunks, pipelined: up to max_inflight_messages chunks are in flight at
// once (the appends' window, as a TCP sender keeps a window of segments), so a snapshot of N chunks
// takes about N / window round trips instead of N. The follower assembles them in order and holds
// the ones that overtake a gap (handle_snapshot); a lost chunk is sent again after two heartbeats.
void Raft::send_snapshot_chunks(NodeId to, Progress& pr) {
  const Snapshot& snapshot = snapshot_for(pr);
  const ChunkedBytes& data = snapshot.data;
  // An empty snapshot still goes out as one (empty, last) chunk.
  auto more_to_send = [&] {
    return pr.snapshot_sent < data.size() || (data.empty() && pr.inflights.count() == 0);
  };
  while (!pr.inflights.full() && more_to_send()) {
    const std::size_t offset = pr.snapshot_sent;
    const std::size_t length = std::min(config_.snapshot_chunk_bytes, data.size() - offset);
    Message m;
    m.type = MessageType::kSnapshot;
    m.to = to;
    m.snapshot = snapshot.meta;
    m.offset = offset;
    m.chunk = data.copy(offset, length);
    m.done = offset + length == data.size();
    pr.snapshot_sent = offset + length;
    pr.inflights.add(pr.snapshot_sent);
    send(std::move(m));
  }
}

const Snapshot& Raft::snapshot_for(Progress& pr) {
  if (snapshot_in_transfer_ && pr.snapshot_index == snapshot_in_transfer_->meta.index) {
    return *snapshot_in_transfer_;
  }
  if (pr.snapshot_index != snapshot_->meta.index) {
    pr.become_snapshot(snapshot_->meta.index);  // a newer snapshot replaced the one being sent
  }
  return *snapshot_;
}

// Thesis §5.3 lets the leader send whichever snapshot it has; a follower that installs one must
// then find the entries after it in the leader's log. So the snapshot a follower is receiving when
// a newer one is taken is kept with the log after it, bounded by max_catch_up_entries, and at most
// one (compact() keeps that log even when it reaches below log_kept_below_snapshot).
void Raft::keep_snapshot_in_transfer(Index new_snapshot_index) {
  auto worth_keeping = [&](const std::optional<Snapshot>& s) {
    return s && receiving(s->meta.index) &&
           new_snapshot_index - s->meta.index <= config_.max_catch_up_entries;
  };
  if (!worth_keeping(snapshot_in_transfer_)) snapshot_in_transfer_.reset();
  if (!snapshot_in_transfer_ && worth_keeping(snapshot_))
    snapshot_in_transfer_ = std::move(snapshot_);
}

bool Raft::receiving(Index snapshot_index) const {
  if (role_ != Role::kLeader) return false;
  return std::any_of(progress_.begin(), progress_.end(), [&](const auto& item) {
    return item.second.state == ReplicationState::kSnapshot &&
           item.second.snapshot_index == snapshot_index;
  });
}

std::vector<Entry> Raft::take_spare_entry_vector() {
  if (spare_entry_vectors_.empty()) return {};
  std::vector<Entry> spare = std::move(spare_entry_vectors_.back());
  spare_entry_vectors_.pop_back();
  return spare;
}

void Raft::recycle_entry_vectors(std::vector<Message>& sent) {
  for (Message& m : sent) recycle_entry_vector(m.entries);
}

void Raft::broadcast_append() {
  for (auto& [node, pr] : progress_) send_append(node, pr, true);
}

void Raft::owe_appends(Owed owed) {
  appends_owed_ = true;
  empty_appends_owed_ = empty_appends_owed_ || owed == Owed::kEveryFollower;
}

void Raft::send_owed_appends() {
  if (!appends_owed_) return;
  for (auto& [node, pr] : progress_) {
    bool sent = false;
    while (send_append(node, pr, false)) sent = true;
    if (!sent && empty_appends_owed_) send_append(node, pr, true);
  }
  appends_owed_ = false;
  empty_appends_owed_ = false;
}

void Raft::broadcast_heartbeat(std::uint64_t read_seq) {
  for (auto& [node, pr] : progress_) {
    Message& m = queue_message(MessageType::kHeartbeat, node);
    // Never more than the follower matches: it must not commit entries it may not hold.
    m.commit = std::min(pr.match, log_.commit());
    m.context = read_seq;
    // Snapshot chunks in flight and no progress for a whole heartbeat interval: one was lost, so
    // everything after what the follower last said it held goes again (it ignores what it has).
    // Its latest answer, not the acknowledged bytes: if it lost those (a restart, then an old
    // duplicate of the first chunk), resending after them would never fill its gap.
    if (pr.state == ReplicationState::kSnapshot && ++pr.snapshot_idle_heartbeats >= 2) {
      pr.rewind_snapshot(std::min(pr.snapshot_acked, pr.snapshot_reported));
      send_snapshot_chunks(node, pr);
    }
  }
}

void Raft::send_timeout_now(NodeId to) {
  Message m;
  m.type = MessageType::kTimeoutNow;
  m.to = to;
  send(std::move(m));
}

// ---------------------------------------------------------------------------------------------
// Reads (§6.4).

bool Raft::handle_read_request(ReadRequest request) {
  if (!committed_in_term()) {
    // §6.4 step 1: until its no-op commits, the leader does not know the latest commit index.
    if (reads_before_commit_.size() >= config_.max_pending_reads) {
      ++dropped_reads_;
      return false;
    }
    reads_before_commit_.push_back(request);
    return true;
  }
  return serve_read(request);
}

bool Raft::serve_read(ReadRequest request) {
  const auto& voters = confs_.current().voters;
  if (config_.lease_reads || (voters.size() == 1 && voters.front() == config_.id)) {
    // §6.4.1 lease, or a single-voter cluster: no other leader can exist.
    answer_read(request, log_.commit());
    return true;
  }
  if (read_only_.full()) {
    ++dropped_reads_;
    return false;
  }
  // §6.4 steps 2-3: remember the commit index, confirm leadership with a heartbeat round.
  const std::uint64_t seq = read_only_.add(log_.commit(), request);
  if (is_voter(confs_.current(), config_.id)) read_only_.ack(seq, config_.id);
  broadcast_heartbeat(seq);
  return true;
}

void Raft::answer_read(const ReadRequest& request, Index index) {
  if (request.from == config_.id) {
    read_states_.push_back(ReadState{index, request.context});
    return;
  }
  Message m;
  m.type = MessageType::kReadIndexResponse;
  m.to = request.from;
  m.index = index;
  m.context = request.context;
  send(std::move(m));
}

}  // namespace keel::raft
