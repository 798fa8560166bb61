// What the leader knows about one follower's log, and how it feeds it (the etcd-raft "progress"):
// probing for the match point, pipelining appends inside a bounded window, or sending a snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/raft/types.h"

namespace keel::raft {

// The messages sent to a follower and not yet acknowledged: appends by the last index each
// carried, snapshot chunks by the offset each ends at. The window is bounded: when it is full, the
// leader stops sending to that follower (flow control).
//
// The window is a vector read from `first_`: freeing advances first_, and the freed prefix is
// dropped once it is at least as long as what is still in flight (each index is moved at most
// once per time it is freed). A std::deque allocated and freed a block as the window slid, which
// cost more than the rest of add() for every append the leader sends (issue 3).
class Inflights {
 public:
  explicit Inflights(std::size_t capacity);

  bool full() const { return count() >= capacity_; }
  std::size_t count() const { return sent_.size() - first_; }
  void add(Index last);          // not when full; `last` above every index already in flight
  void free_up_to(Index index);  // the follower acknowledged everything up to index
  void free_first_one();         // a heartbeat answered: let one more message go
  void reset() {
    sent_.clear();
    first_ = 0;
  }

 private:
  void drop_freed_prefix();

  std::size_t capacity_;
  std::vector<Index> sent_;  // ascending; sent_[first_..] are in flight, at most capacity_
  std::size_t first_ = 0;
};

enum class ReplicationState {
  kProbe,      // the match point is unknown: one append per heartbeat until the follower answers
  kReplicate,  // the match point is known: appends are pipelined, next index advanced
               // optimistically
  kSnapshot,   // the follower needs entries the leader compacted: snapshot chunks, pipelined
               // inside the same bounded window as appends
};

std::string_view to_string(ReplicationState state);

struct Progress {
  Progress(Index next_index, std::size_t max_inflight);

  Index match = 0;  // highest index known to be on the follower's log
  Index next = 1;   // next index to send
  ReplicationState state = ReplicationState::kProbe;
  bool probe_sent = false;     // kProbe: a message is out; wait for an answer or a heartbeat
  bool recent_active = false;  // heard from since the last check-quorum round
  Inflights inflights;

  // kSnapshot: which snapshot is being sent, how many of its bytes the follower acknowledged
  // holding (from the start, without a gap), how many it said it held in its latest answer (less
  // if it lost them), how many were sent, and how many heartbeats passed without the acknowledged
  // bytes growing (then the chunks after the latest answer's are sent again).
  Index snapshot_index = 0;
  std::uint64_t snapshot_acked = 0;
  std::uint64_t snapshot_reported = 0;
  std::uint64_t snapshot_sent = 0;
  int snapshot_idle_heartbeats = 0;

  void become_probe();
  void become_replicate();
  void become_snapshot(Index index);
  // kSnapshot: the follower holds `offset` bytes of the snapshot from its start. Returns true if
  // that is more than it acknowledged before (the chunks up to there leave the window).
  bool snapshot_acknowledged(std::uint64_t offset);
  // kSnapshot: send again everything after `offset` bytes (a chunk was lost, or the follower
  // lost what it held).
  void rewind_snapshot(std::uint64_t offset);

  // The follower matches up to n: raises match (true if it rose) and next, resumes probing.
  bool maybe_update(Index n);
  // Pipelining: entries up to `last` were sent, assume they will be accepted.
  void optimistic_update(Index last) { next = last + 1; }
  // The follower rejected an append at `rejected`; `match_hint` is the highest index that may
  // still match. Returns false for a stale rejection.
  bool maybe_decrease_to(Index rejected, Index match_hint);

  bool is_paused() const;
};

}  // namespace keel::raft
