#include "core/raft/read_only.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::raft {

ReadOnly::ReadOnly(std::size_t limit) : limit_(limit) {
  KEEL_ASSERT(limit > 0, "a pending-read limit of 0");
}

std::uint64_t ReadOnly::add(Index index, ReadRequest request) {
  KEEL_ASSERT(!full(), "pending reads over the limit of ", limit_);
  KEEL_ASSERT(pending_.empty() || index >= pending_.back().index, "read index ", index,
              " below an earlier read's ", pending_.back().index);
  pending_.push_back(PendingRead{next_seq_, index, request, {}});
  return next_seq_++;
}

void ReadOnly::ack(std::uint64_t seq, NodeId node) {
  for (PendingRead& read : pending_) {
    if (read.seq > seq) break;
    auto at = std::lower_bound(read.acks.begin(), read.acks.end(), node);
    if (at == read.acks.end() || *at != node) read.acks.insert(at, node);
  }
}

const std::vector<NodeId>& ReadOnly::acks(std::uint64_t seq) const {
  static const std::vector<NodeId> kNone;
  for (const PendingRead& read : pending_) {
    if (read.seq == seq) return read.acks;
  }
  return kNone;
}

std::vector<PendingRead> ReadOnly::release_up_to(std::uint64_t seq) {
  std::vector<PendingRead> out;
  while (!pending_.empty() && pending_.front().seq <= seq) {
    out.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  return out;
}

}  // namespace keel::raft
