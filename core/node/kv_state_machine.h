// KvStateMachine: the key-value store as a Node's state machine. Each Raft entry carries one
// encoded kv::Batch (requests and the proposing leader's clock in ms, see kv/types.h); applying it
// runs kv::Store::apply, feeds the WatchHub and keeps the Lessor's set of leases equal to the
// store's (kv/lessor.h). The results of the last applied entry stay readable until the next one,
// so the KvService can answer the clients whose requests it carried.
#pragma once

#include <span>
#include <vector>

#include "core/env/clock.h"
#include "core/kv/lessor.h"
#include "core/kv/store.h"
#include "core/kv/watch_hub.h"
#include "core/node/state_machine.h"

namespace keel::node {

struct KvStateMachineConfig {
  kv::StoreLimits store;
  kv::WatchLimits watch;
  kv::LessorConfig lessor;
};

class KvStateMachine final : public StateMachine {
 public:
  // `clock` (the machine's) dates the Lessor's deadlines; it must outlive the state machine.
  KvStateMachine(Clock& clock, KvStateMachineConfig config);

  void apply(const raft::Entry& entry) override;
  ChunkedBytes snapshot() const override { return ChunkedBytes(store_.snapshot()); }
  Status restore(ByteView snapshot) override;

  const kv::Store& store() const { return store_; }
  kv::WatchHub& watches() { return watches_; }
  kv::Lessor& lessor() { return lessor_; }
  const kv::Lessor& lessor() const { return lessor_; }

  // The index of the last applied entry, and one result per request of its batch.
  raft::Index last_index() const { return last_index_; }
  std::span<const Result<kv::Response>> last_results() const { return last_results_; }

 private:
  Clock& clock_;
  kv::Store store_;
  kv::WatchHub watches_;  // after store_: it reads the store
  kv::Lessor lessor_;
  raft::Index last_index_ = 0;
  std::vector<Result<kv::Response>> last_results_;
};

// The encoding of one Raft entry's batch, and its decoding (fails on anything but one batch).
Bytes encode_batch(const kv::Batch& batch);
Result<kv::Batch> decode_batch(ByteView data);

}  // namespace keel::node
