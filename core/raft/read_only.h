// ReadIndex (thesis §6.4): a read is served at the commit index the leader had when the read
// arrived, once a heartbeat round sent after that moment has been answered by a majority (proving
// no newer leader existed then). Each read gets a sequence number; heartbeats carry the latest one
// as their context, and an answer to sequence s vouches for every read up to s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/raft/types.h"

namespace keel::raft {

struct ReadRequest {
  NodeId from;            // who asked: the leader itself or a follower that forwarded it
  std::uint64_t context;  // the asker's own tag, returned with the read index
};

struct PendingRead {
  std::uint64_t seq;
  Index index;  // the commit index when the read arrived
  ReadRequest request;
  std::vector<NodeId> acks;  // sorted
};

class ReadOnly {
 public:
  explicit ReadOnly(std::size_t limit);

  bool full() const { return pending_.size() >= limit_; }
  std::size_t size() const { return pending_.size(); }
  // Records a read (not when full) and returns its sequence number, for the heartbeat context.
  std::uint64_t add(Index index, ReadRequest request);
  // The sequence number of the latest pending read, 0 if there is none.
  std::uint64_t last_seq() const { return pending_.empty() ? 0 : pending_.back().seq; }
  // `node` answered a heartbeat carrying `seq`: it acknowledges every pending read up to seq.
  void ack(std::uint64_t seq, NodeId node);
  // The acknowledgements of the read with sequence number seq (empty if it is not pending).
  const std::vector<NodeId>& acks(std::uint64_t seq) const;
  // Removes and returns the reads up to seq, oldest first.
  std::vector<PendingRead> release_up_to(std::uint64_t seq);
  void clear() { pending_.clear(); }

 private:
  std::size_t limit_;
  std::uint64_t next_seq_ = 1;  // never reused by this object, so stale answers cannot match
  std::deque<PendingRead> pending_;
};

}  // namespace keel::raft
