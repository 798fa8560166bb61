#include "core/kv/validate.h"

#include <set>

#include "core/env/str.h"
#include "core/kv/compact_bytes.h"
#include "core/kv/limits.h"

namespace keel::kv {
namespace {

Status validate_value(ByteView value) {
  if (value.size() > kMaxValueBytes) {
    return fail(Errc::kLimitExceeded, str("value of ", value.size(),
                                          " bytes is over kMaxValueBytes (", kMaxValueBytes, ")"));
  }
  return {};
}

Status validate_put(const PutRequest& put) {
  if (Status s = validate_key("put.key", put.key); !s) return s;
  if (Status s = validate_value(put.value); !s) return s;
  // etcd's ErrValueProvided / ErrLeaseProvided.
  if (put.ignore_value && !put.value.empty()) {
    return fail(Errc::kInvalidArgument, "put: value is provided with ignore_value");
  }
  if (put.ignore_lease && put.lease != 0) {
    return fail(Errc::kInvalidArgument, "put: lease is provided with ignore_lease");
  }
  if (put.lease < 0) return fail(Errc::kInvalidArgument, str("put.lease: negative id ", put.lease));
  return {};
}

}  // namespace

Status validate_range(const RangeRequest& range) {
  if (Status s = validate_key("range.key", range.key); !s) return s;
  if (Status s = validate_range_end("range.range_end", range.range_end); !s) return s;
  if (range.limit < 0)
    return fail(Errc::kInvalidArgument, str("range.limit: negative ", range.limit));
  if (range.revision < 0) {
    return fail(Errc::kInvalidArgument, str("range.revision: negative ", range.revision));
  }
  return {};
}

namespace {

Status validate_delete(const DeleteRangeRequest& del) {
  if (Status s = validate_key("delete_range.key", del.key); !s) return s;
  return validate_range_end("delete_range.range_end", del.range_end);
}

Status validate_op(const TxnOp& op) {
  if (const auto* put = std::get_if<PutRequest>(&op)) return validate_put(*put);
  if (const auto* range = std::get_if<RangeRequest>(&op)) return validate_range(*range);
  return validate_delete(std::get<DeleteRangeRequest>(op));
}

// etcd's checkIntervals: within one branch, no key is put twice and no put key lies in a deleted
// range ("duplicate key given in txn request").
Status check_duplicates(const std::vector<TxnOp>& ops) {
  std::set<Bytes, BytesLess> puts;
  for (const TxnOp& op : ops) {
    if (const auto* put = std::get_if<PutRequest>(&op); put && !puts.insert(put->key).second) {
      return fail(Errc::kInvalidArgument,
                  str("duplicate key given in txn request: ", to_string(put->key)));
    }
  }
  for (const TxnOp& op : ops) {
    const auto* del = std::get_if<DeleteRangeRequest>(&op);
    if (del == nullptr) continue;
    for (const Bytes& key : puts) {
      if (in_range(key, del->key, del->range_end)) {
        return fail(
            Errc::kInvalidArgument,
            str("duplicate key given in txn request: ", to_string(key), " is put and deleted"));
      }
    }
  }
  return {};
}

Status validate_txn(const TxnRequest& txn) {
  // etcd's ErrTooManyOps.
  for (const auto& [name, size] :
       {std::pair{"compare", txn.compare.size()}, std::pair{"success", txn.success.size()},
        std::pair{"failure", txn.failure.size()}}) {
    if (size > kMaxTxnOps) {
      return fail(Errc::kLimitExceeded, str("too many operations in txn request: ", size, " in ",
                                            name, ", over kMaxTxnOps (", kMaxTxnOps, ")"));
    }
  }
  for (const Compare& compare : txn.compare) {
    if (Status s = validate_key("txn.compare.key", compare.key); !s) return s;
    if (Status s = validate_value(compare.value); !s) return s;
  }
  for (const auto* branch : {&txn.success, &txn.failure}) {
    for (const TxnOp& op : *branch) {
      if (Status s = validate_op(op); !s) return s;
    }
    if (Status s = check_duplicates(*branch); !s) return s;
  }
  return {};
}

std::size_t payload_bytes(const TxnOp& op) {
  if (const auto* put = std::get_if<PutRequest>(&op)) return put->key.size() + put->value.size();
  if (const auto* range = std::get_if<RangeRequest>(&op)) {
    return range->key.size() + range->range_end.size();
  }
  const auto& del = std::get<DeleteRangeRequest>(op);
  return del.key.size() + del.range_end.size();
}

std::size_t payload_bytes(const Operation& op) {
  if (const auto* put = std::get_if<PutRequest>(&op)) return put->key.size() + put->value.size();
  if (const auto* range = std::get_if<RangeRequest>(&op)) {
    return range->key.size() + range->range_end.size();
  }
  if (const auto* del = std::get_if<DeleteRangeRequest>(&op)) {
    return del->key.size() + del->range_end.size();
  }
  const auto* txn = std::get_if<TxnRequest>(&op);
  if (txn == nullptr) return 0;
  std::size_t total = 0;
  for (const Compare& c : txn->compare) total += c.key.size() + c.value.size();
  for (const auto* branch : {&txn->success, &txn->failure}) {
    for (const TxnOp& o : *branch) total += payload_bytes(o);
  }
  return total;
}

}  // namespace

Status validate_key(const char* field, ByteView key) {
  // etcd's ErrEmptyKey.
  if (key.empty()) return fail(Errc::kInvalidArgument, str(field, ": key is not provided"));
  if (key.size() > kMaxKeyBytes) {
    return fail(Errc::kLimitExceeded, str(field, ": key of ", key.size(),
                                          " bytes is over kMaxKeyBytes (", kMaxKeyBytes, ")"));
  }
  return {};
}

Status validate_range_end(const char* field, ByteView range_end) {
  if (range_end.size() > kMaxKeyBytes) {
    return fail(Errc::kLimitExceeded, str(field, ": ", range_end.size(),
                                          " bytes is over kMaxKeyBytes (", kMaxKeyBytes, ")"));
  }
  return {};
}

Status validate(const Operation& op) {
  if (const auto* txn = std::get_if<TxnRequest>(&op)) {
    if (Status s = validate_txn(*txn); !s) return s;
  } else if (const auto* put = std::get_if<PutRequest>(&op)) {
    if (Status s = validate_put(*put); !s) return s;
  } else if (const auto* range = std::get_if<RangeRequest>(&op)) {
    if (Status s = validate_range(*range); !s) return s;
  } else if (const auto* del = std::get_if<DeleteRangeRequest>(&op)) {
    if (Status s = validate_delete(*del); !s) return s;
  }
  // etcd's ErrRequestTooLarge.
  if (const std::size_t bytes = payload_bytes(op); bytes > kMaxRequestBytes) {
    return fail(Errc::kLimitExceeded,
                str("request is too large: ", bytes,
                    " bytes of keys and values, over kMaxRequestBytes (", kMaxRequestBytes, ")"));
  }
  return {};
}

}  // namespace keel::kv
