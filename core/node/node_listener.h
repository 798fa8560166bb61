// NodeListener: how a service running on top of a Node (the key-value client service) learns what
// Raft decided, on the node's event loop. Unlike NodeObserver (for checkers and metrics), a
// listener may call back into the node (propose, read_index).
#pragma once

#include "core/raft/raft.h"

namespace keel::node {

class NodeListener {
 public:
  virtual ~NodeListener() = default;
  // The node's role or known leader changed; its state is durable.
  virtual void on_role_changed(const raft::SoftState& state, raft::Term term) = 0;
  // One Ready was persisted, sent, applied and advanced: raft().applied() is current, and
  // `read_states` (ReadIndex answers, §6.4) may be served once the applied index reaches theirs.
  virtual void on_ready_done(std::span<const raft::ReadState> read_states) = 0;
  // A node frame from machine `from` of this cluster passed its header and CRC checks; the payload
  // is untrusted (the listener checks it and drops what does not decode).
  virtual void on_node_frame(NodeId from, ByteView payload) = 0;
};

}  // namespace keel::node
