#include "core/node/kv_state_machine.h"

#include <variant>

#include "core/env/assert.h"
#include "core/kv/kv_codec.h"

namespace keel::node {

Bytes encode_batch(const kv::Batch& batch) { return kv::encode_to_bytes(batch); }

Result<kv::Batch> decode_batch(ByteView data) { return kv::decode<kv::Batch>(data, "kv batch"); }

KvStateMachine::KvStateMachine(Clock& clock, KvStateMachineConfig config)
    : clock_(clock), store_(config.store), watches_(store_, config.watch), lessor_(config.lessor) {}

void KvStateMachine::apply(const raft::Entry& entry) {
  auto batch = decode_batch(entry.data);
  KEEL_ASSERT(batch.has_value(), "committed entry ", entry.index,
              " does not hold a kv batch: ", batch.error().message);
  last_index_ = entry.index;
  last_results_ = store_.apply(*batch, entry.index);
  KEEL_ASSERT(last_results_.size() == batch->requests.size(), "entry ", entry.index, ": ",
              last_results_.size(), " results for ", batch->requests.size(), " requests");
  // The Lessor follows the store's leases (a replayed grant only restarts its deadline).
  const Time now = clock_.now();
  for (std::size_t i = 0; i < batch->requests.size(); ++i) {
    const kv::Operation& op = batch->requests[i].op;
    if (const auto* revoke = std::get_if<kv::LeaseRevokeRequest>(&op)) {
      if (!store_.leases().contains(revoke->id)) lessor_.revoked(revoke->id);
    } else if (std::holds_alternative<kv::LeaseGrantRequest>(op) && last_results_[i]) {
      const auto& granted = std::get<kv::LeaseGrantResponse>(last_results_[i]->result);
      if (store_.leases().contains(granted.id)) lessor_.granted(granted.id, granted.ttl, now);
    }
  }
  watches_.on_applied();
}

Status KvStateMachine::restore(ByteView snapshot) {
  if (Status restored = store_.restore(snapshot); !restored) return restored;
  lessor_.sync(store_.leases(), clock_.now());
  watches_.on_applied();
  last_index_ = store_.applied_index();
  last_results_.clear();
  return {};
}

}  // namespace keel::node
