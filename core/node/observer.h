// NodeObserver: what a node reports about its Raft log as it happens, for checkers that verify the
// Raft safety properties from outside (the simulator's RaftChecker) and for metrics. A node calls
// these synchronously on its event loop; an observer must not call back into the node.
#pragma once

#include <span>

#include "core/raft/types.h"

namespace keel::node {

class NodeObserver {
 public:
  virtual ~NodeObserver() = default;
  // The node started from its disk: the snapshot it holds (index 0 if none) and the entries after.
  virtual void on_recovered(NodeId node, const raft::HardState& hard_state,
                            const raft::SnapshotMeta& snapshot,
                            std::span<const raft::Entry> entries) = 0;
  // Entries are durable (synced). They replace any entries at or after the first one's index.
  // `leader_term` is the node's term if it is the leader while it persists them, else 0.
  virtual void on_persisted(NodeId node, raft::Term leader_term,
                            std::span<const raft::Entry> entries) = 0;
  // The hard state (term and vote) is durable (synced).
  virtual void on_hard_state_persisted(NodeId node, const raft::HardState& hard_state) = 0;
  // A snapshot from the leader replaced the node's log up to meta.index.
  virtual void on_snapshot_installed(NodeId node, const raft::SnapshotMeta& meta) = 0;
  virtual void on_became_leader(NodeId node, raft::Term term) = 0;
  // An entry was applied to the state machine (it is committed).
  virtual void on_applied(NodeId node, const raft::Entry& entry) = 0;
};

}  // namespace keel::node
