// Checks of a request that need no state (etcd's v3rpc checkPutRequest/checkTxnRequest and
// checkIntervals): sizes against limits.h, required fields, and txn shape. The store runs them
// before anything else, so a request that fails them changes nothing.
#pragma once

#include "core/env/error.h"
#include "core/kv/types.h"

namespace keel::kv {

Status validate(const Operation& op);
Status validate_range(const RangeRequest& range);
Status validate_key(const char* field, ByteView key);
Status validate_range_end(const char* field, ByteView range_end);

}  // namespace keel::kv
