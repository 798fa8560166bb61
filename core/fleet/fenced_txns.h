// Packs the engine's writes into txns fenced by its claim (engine.h): each txn holds only if
// /fleet/engine was last written at `claim_revision`, so a deposed engine's writes fail once a
// newer engine has claimed. Each txn stays within the store's limits (core/kv/limits.h: at most
// kMaxTxnOps operations and kMaxRequestBytes of keys and values), and the writes keep their order
// across the txns.
#pragma once

#include <vector>

#include "core/fleet/reconcile.h"
#include "core/kv/types.h"

namespace keel::fleet {

// The compare that fences a txn on the claim written at `claim_revision`.
kv::Compare engine_fence(kv::Revision claim_revision);

std::vector<kv::TxnRequest> fenced_txns(const std::vector<StoreWrite>& writes,
                                        kv::Revision claim_revision);

}  // namespace keel::fleet
