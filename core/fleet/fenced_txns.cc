#include "core/fleet/fenced_txns.h"

#include "core/env/assert.h"
#include "core/fleet/schema.h"
#include "core/kv/limits.h"

namespace keel::fleet {

kv::Compare engine_fence(kv::Revision claim_revision) {
  return kv::Compare{kv::Compare::Target::kMod,
                     kv::Compare::Op::kEqual,
                     kv::to_bytes(kEngineKey),
                     claim_revision,
                     {}};
}

std::vector<kv::TxnRequest> fenced_txns(const std::vector<StoreWrite>& writes,
                                        kv::Revision claim_revision) {
  const kv::Compare fence = engine_fence(claim_revision);
  const std::size_t fence_bytes = fence.key.size();
  std::vector<kv::TxnRequest> txns;
  std::size_t bytes = 0;
  for (const StoreWrite& write : writes) {
    const std::size_t write_bytes = write.key.size() + (write.value ? write.value->size() : 0);
    KEEL_ASSERT(fence_bytes + write_bytes <= kv::kMaxRequestBytes, "write of ", write.key, " has ",
                write_bytes, " bytes, more than one txn holds");
    if (txns.empty() || txns.back().success.size() == kv::kMaxTxnOps ||
        bytes + write_bytes > kv::kMaxRequestBytes) {
      txns.push_back(kv::TxnRequest{{fence}, {}, {}});
      bytes = fence_bytes;
    }
    bytes += write_bytes;
    if (write.value) {
      kv::PutRequest put;
      put.key = kv::to_bytes(write.key);
      put.value = kv::to_bytes(*write.value);
      txns.back().success.push_back(std::move(put));
    } else {
      kv::DeleteRangeRequest erase;
      erase.key = kv::to_bytes(write.key);
      txns.back().success.push_back(std::move(erase));
    }
  }
  return txns;
}

}  // namespace keel::fleet
