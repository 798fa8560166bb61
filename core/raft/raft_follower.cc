// The receiving side of replication: AppendEntries, heartbeats and InstallSnapshot from the
// leader (thesis §3.5, §5.3), and how appended entries change the log and the configuration (§4.1).
#include <algorithm>
#include <iterator>
#include <utility>

#include "core/codec/raft_codec.h"
#include "core/env/assert.h"
#include "core/raft/raft.h"

namespace keel::raft {

// §3.5 AppendEntries receiver, with the fast backtracking hint (the optimization §3.5 sketches,
// done as etcd raft does it: the follower names its conflicting term and where it starts).
void Raft::handle_append(const Message& m) {
  if (m.index < log_.commit()) {
    // Everything up to the commit index matches the leader already (Log Matching, §3.5).
    acknowledge_append(m.from, log_.commit());
    return;
  }
  if (!log_.match_term(m.index, m.log_term)) {
    if (!hold_append(m)) reject_append(m);
    return;
  }
  const Index last_new = m.index + m.entries.size();
  const Index conflict = log_.find_conflict(m.entries);
  if (conflict != 0) {
    KEEL_ASSERT(conflict > log_.commit(), "leader ", m.from, " conflicts with committed entry ",
                conflict);
    const auto skip = static_cast<long>(conflict - m.entries.front().index);
    append(std::span(m.entries).subspan(static_cast<std::size_t>(skip)));
  }
  log_.commit_to(std::min(m.commit, last_new));
  matched_ = std::max(matched_, last_new);
  acknowledge_append(m.from, last_new);
}

void Raft::acknowledge_append(NodeId to, Index index) {
  if (Message* queued = queued_acknowledgement(to)) {
    queued->index = std::max(queued->index, index);
    return;
  }
  queue_message(MessageType::kAppendResponse, to).index = index;
}

void Raft::reject_append(const Message& m) {
  const auto [hint_index, hint_term] =
      log_.find_conflict_by_term(std::min(m.index, log_.last_index()), m.log_term);
  Message r;
  r.type = MessageType::kAppendResponse;
  r.to = m.from;
  r.index = m.index;
  r.reject = true;
  r.reject_hint = hint_index;
  r.hint_term = hint_term;
  send(std::move(r));
}

bool Raft::hold_append(const Message& m) {
  // Answered at once: an append while this leader has not matched this log yet (it is probing
  // for the match point, one append at a time, and waits for the answer), and an empty one (a
  // probe, or sent after a heartbeat answer when the leader suspects a loss).
  if (matched_ == 0 || m.entries.empty() || m.index <= log_.last_index() ||
      held_appends_.size() >= config_.max_held_appends) {
    return false;
  }
  auto at = std::upper_bound(
      held_appends_.begin(), held_appends_.end(), m.index,
      [](Index index, const HeldAppend& held) { return index < held.message.index; });
  Message& copy = held_appends_.emplace(at)->message;
  copy.entries = take_spare_entry_vector();
  copy = m;  // the entries are copied into the spare vector's room, if it has enough
  // Still answered, with what is known to match: the leader counts this follower as active
  // (check-quorum, §6.2) while the gap lasts. It learns nothing else from it.
  acknowledge_append(m.from, matched_);
  return true;
}

void Raft::release_held_appends() {
  if (held_appends_.empty()) return;  // nearly always: every append received comes here
  // Each is handled where it is held, and the released ones are erased together afterwards:
  // one that reaches the log is accepted or rejected, never held again, so handle_append leaves
  // held_appends_ as it is.
  const std::size_t held = held_appends_.size();
  std::size_t released = 0;
  while (released < held && held_appends_[released].message.index <= log_.last_index()) {
    handle_append(held_appends_[released].message);
    KEEL_ASSERT(held_appends_.size() == held, "a released append was held again");
    recycle_entry_vector(held_appends_[released].message.entries);
    ++released;
  }
  held_appends_.erase(held_appends_.begin(),
                      held_appends_.begin() + static_cast<std::ptrdiff_t>(released));
}

// A whole tick passed and the gap is still open: the message before it was most likely lost, so
// the leader must learn where this log ends. Those appends are answered as if they had just
// arrived; the ones held since the last tick get one more.
void Raft::reject_stale_held_appends() {
  if (held_appends_.empty()) return;
  std::vector<HeldAppend> held;
  held.swap(held_appends_);
  for (HeldAppend& h : held) {
    if (!h.ticked) {
      h.ticked = true;
      held_appends_.push_back(std::move(h));
    } else if (h.message.index <= log_.last_index()) {
      handle_append(h.message);
    } else {
      reject_append(h.message);
    }
  }
}

void Raft::handle_heartbeat(const Message& m) {
  log_.commit_to(m.commit);  // the leader sends at most this follower's match index
  Message r;
  r.type = MessageType::kHeartbeatResponse;
  r.to = m.from;
  r.context = m.context;
  send(std::move(r));
}

// §5.3 InstallSnapshot receiver: chunks are assembled here in order of offset. The leader sends a
// window of them at once (send_snapshot_chunks) and the network may reorder them, so one that
// arrives ahead of a gap is held until the gap fills, as a TCP receiver holds segments. Each
// answer tells the leader how many bytes this server holds from the start.
void Raft::handle_snapshot(const Message& m) {
  const SnapshotMeta& meta = m.snapshot;
  Message r;
  r.type = MessageType::kSnapshotResponse;
  r.to = m.from;
  r.index = meta.index;
  if (meta.index <= log_.commit()) {
    // Nothing new in it: this server already matches the leader up to its commit index.
    drop_incoming_snapshot();
    r.done = true;
    r.index = log_.commit();
    send(std::move(r));
    return;
  }
  if (incoming_meta_ && meta.index < incoming_meta_->index) {
    send(std::move(r));  // a chunk of an older snapshot, overtaken: the leader ignores the answer
    return;
  }
  if (!incoming_meta_ || *incoming_meta_ != meta) {
    drop_incoming_snapshot();
    incoming_meta_ = meta;
  }
  bool complete = false;
  if (m.offset > incoming_data_.size()) {
    hold_snapshot_chunk(m);
  } else {
    complete = take_snapshot_chunk(m.offset, m.chunk, m.done);
  }
  while (!complete && !held_chunks_.empty() &&
         held_chunks_.begin()->first <= incoming_data_.size()) {
    auto held = held_chunks_.extract(held_chunks_.begin());
    complete = take_snapshot_chunk(held.key(), held.mapped().bytes, held.mapped().last);
  }
  if (!complete) {
    r.offset = incoming_data_.size();
    // Holding none of it while chunks past its start arrive, this server may have restarted and
    // lost what it held: the leader is told, every time until the start arrives (one such answer
    // may be lost), and sends from the start again if it believed otherwise.
    r.reject = r.offset == 0 && m.offset > 0;
    send(std::move(r));
    return;
  }
  Bytes data = std::move(incoming_data_);
  drop_incoming_snapshot();
  restore(meta, std::move(data));
  r.done = true;
  r.index = meta.index;
  send(std::move(r));
}

void Raft::hold_snapshot_chunk(const Message& m) {
  // The leader never has more chunks in flight than its window, so at most that many are held.
  // When they are that many, the ones nearest the gap stay, as a TCP receiver keeps the earliest
  // segments: chunks far ahead (sent before the leader went back to an earlier offset, and
  // overtaken by its resends) would otherwise take the room for good, and every chunk arriving
  // out of order would be dropped until the gap reached them. A chunk not held is sent again.
  if (held_chunks_.contains(m.offset)) return;
  if (held_chunks_.size() >= config_.max_inflight_messages) {
    if (held_chunks_.empty() || std::prev(held_chunks_.end())->first < m.offset) return;
    held_chunks_.erase(std::prev(held_chunks_.end()));
  }
  held_chunks_.emplace(m.offset, HeldChunk{m.chunk, m.done});
}

bool Raft::take_snapshot_chunk(std::uint64_t offset, const Bytes& chunk, bool last) {
  const std::uint64_t held = incoming_data_.size();
  KEEL_ASSERT(offset <= held, "snapshot chunk at ", offset, " past the ", held, " bytes held");
  if (offset + chunk.size() > held) {
    incoming_data_.insert(incoming_data_.end(), chunk.begin() + static_cast<long>(held - offset),
                          chunk.end());
  }
  return last;  // everything before it is held, so the last chunk completes the snapshot
}

void Raft::drop_incoming_snapshot() {
  incoming_meta_.reset();
  incoming_data_.clear();
  held_chunks_.clear();
}

bool Raft::restore(const SnapshotMeta& meta, Bytes data) {
  if (meta.index <= log_.commit()) return false;
  if (log_.match_term(meta.index, meta.term)) {
    // §5.3: the log already holds the snapshot's last entry: keep the entries after it.
    log_.commit_to(meta.index);
    return false;
  }
  log_.restore(meta.index, meta.term);
  confs_.reset(meta.index, meta.conf);
  snapshot_ = Snapshot{meta, ChunkedBytes(std::move(data))};
  snapshot_to_hand_out_ = true;
  on_conf_changed();
  return true;
}

void Raft::append(std::span<const Entry> entries) {
  if (entries.empty()) return;
  const Index first = entries.front().index;
  KEEL_ASSERT(role_ != Role::kLeader || first == log_.last_index() + 1,
              "the leader would truncate its own log at ", first, " (last ", log_.last_index(),
              ")");
  bool conf_changed = false;
  if (first <= log_.last_index() && confs_.last_change_index() >= first) {
    confs_.truncate_from(first);  // §4.1: a configuration removed from the log no longer applies
    conf_changed = true;
  }
  for (const Entry& entry : entries) {
    if (entry.type != EntryType::kConfChange) continue;
    // §4.1: a server uses the latest configuration in its log, committed or not.
    auto change = codec::decode<ConfChange>(entry.data);
    KEEL_ASSERT(change, "entry ", entry.index, ": ", change ? "" : change.error().message);
    auto next = apply_conf_change(confs_.current(), *change);
    KEEL_ASSERT(next, "conf change at ", entry.index,
                " does not apply: ", next ? "" : next.error().message);
    confs_.append(entry.index, std::move(*next));
    conf_changed = true;
  }
  log_.append(entries);
  if (conf_changed) on_conf_changed();
}

}  // namespace keel::raft
