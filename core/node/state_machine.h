// StateMachine: what a Node replicates. The node hands it every committed normal entry, in log
// order, exactly once per incarnation (after a restart it is rebuilt from the latest snapshot and
// the entries after it, so it must be deterministic: the same entries give the same state and the
// same snapshot bytes on every member).
#pragma once

#include "core/env/chunked_bytes.h"
#include "core/env/error.h"
#include "core/env/types.h"
#include "core/raft/types.h"

namespace keel::node {

class StateMachine {
 public:
  virtual ~StateMachine() = default;
  // Applies one committed kNormal entry with non-empty data (the leaders' no-op entries and
  // configuration changes never reach the state machine). Entries that do not decode are a broken
  // invariant: only this cluster's nodes propose, and frames are checksummed.
  virtual void apply(const raft::Entry& entry) = 0;
  // The whole state, encoded, in chunks it may share with the state machine (one that keeps its
  // encoding up to date hands out its chunks instead of copying them); restore() of the bytes
  // gives an equal state machine.
  virtual ChunkedBytes snapshot() const = 0;
  // Replaces the state with a snapshot's; leaves it unchanged and fails if the input is corrupt.
  virtual Status restore(ByteView snapshot) = 0;
};

}  // namespace keel::node
