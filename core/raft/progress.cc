#include "core/raft/progress.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::raft {

Inflights::Inflights(std::size_t capacity) : capacity_(capacity) {
  KEEL_ASSERT(capacity > 0, "an in-flight window of 0 messages");
}

void Inflights::add(Index last) {
  KEEL_ASSERT(!full(), "in-flight window overflow (", capacity_, " messages)");
  KEEL_ASSERT(count() == 0 || last > sent_.back(), "in-flight index ", last, " not after ",
              sent_.back());
  sent_.push_back(last);
}

void Inflights::free_up_to(Index index) {
  while (first_ < sent_.size() && sent_[first_] <= index) ++first_;
  drop_freed_prefix();
}

void Inflights::free_first_one() {
  if (first_ < sent_.size()) ++first_;
  drop_freed_prefix();
}

void Inflights::drop_freed_prefix() {
  if (first_ == sent_.size()) {
    reset();  // the usual case: everything sent was acknowledged
  } else if (first_ >= count()) {
    sent_.erase(sent_.begin(), sent_.begin() + static_cast<std::ptrdiff_t>(first_));
    first_ = 0;
  }
}

std::string_view to_string(ReplicationState state) {
  switch (state) {
    case ReplicationState::kProbe:
      return "probe";
    case ReplicationState::kReplicate:
      return "replicate";
    case ReplicationState::kSnapshot:
      return "snapshot";
  }
  return "unknown";
}

Progress::Progress(Index next_index, std::size_t max_inflight)
    : next(next_index), inflights(max_inflight) {}

void Progress::become_probe() {
  // Coming back from a snapshot, the follower holds at least the snapshot.
  next = std::max(match + 1, state == ReplicationState::kSnapshot ? snapshot_index + 1 : 0);
  state = ReplicationState::kProbe;
  probe_sent = false;
  snapshot_index = 0;
  inflights.reset();
}

void Progress::become_replicate() {
  state = ReplicationState::kReplicate;
  next = match + 1;
  probe_sent = false;
  inflights.reset();
}

void Progress::become_snapshot(Index index) {
  state = ReplicationState::kSnapshot;
  snapshot_index = index;
  snapshot_acked = 0;
  snapshot_reported = 0;
  snapshot_sent = 0;
  snapshot_idle_heartbeats = 0;
  probe_sent = false;
  inflights.reset();
}

bool Progress::snapshot_acknowledged(std::uint64_t offset) {
  if (offset <= snapshot_acked) return false;  // a duplicate, or overtaken by a later answer
  snapshot_acked = offset;
  snapshot_sent = std::max(snapshot_sent, offset);
  snapshot_idle_heartbeats = 0;
  inflights.free_up_to(offset);
  return true;
}

void Progress::rewind_snapshot(std::uint64_t offset) {
  snapshot_acked = offset;
  snapshot_reported = offset;
  snapshot_sent = offset;
  snapshot_idle_heartbeats = 0;
  inflights.reset();
}

bool Progress::maybe_update(Index n) {
  bool updated = false;
  if (match < n) {
    match = n;
    updated = true;
    probe_sent = false;
  }
  next = std::max(next, n + 1);
  return updated;
}

bool Progress::maybe_decrease_to(Index rejected, Index match_hint) {
  if (state == ReplicationState::kReplicate) {
    // A rejection at or below the match point is stale: those entries were accepted since.
    if (rejected <= match) return false;
    next = match + 1;
    return true;
  }
  // Probing: only the answer to the last probe counts.
  if (next == 0 || next - 1 != rejected) return false;
  next = std::max(std::min(rejected, match_hint + 1), match + 1);
  probe_sent = false;
  return true;
}

bool Progress::is_paused() const {
  switch (state) {
    case ReplicationState::kProbe:
      return probe_sent;
    case ReplicationState::kReplicate:
      return inflights.full();
    case ReplicationState::kSnapshot:
      return true;
  }
  return true;
}

}  // namespace keel::raft
