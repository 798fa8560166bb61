// Helpers for the key-value store tests: short request builders and result checks.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/env/str.h"
#include "core/kv/store.h"

namespace keel::kv::test {

inline Bytes b(std::string_view text) { return to_bytes(text); }

inline PutRequest put_req(std::string_view key, std::string_view value, LeaseId lease = 0) {
  PutRequest r;
  r.key = b(key);
  r.value = b(value);
  r.lease = lease;
  return r;
}

inline RangeRequest get_req(std::string_view key, std::string_view end = "", Revision rev = 0) {
  RangeRequest r;
  r.key = b(key);
  r.range_end = b(end);
  r.revision = rev;
  return r;
}

inline DeleteRangeRequest del_req(std::string_view key, std::string_view end = "") {
  DeleteRangeRequest r;
  r.key = b(key);
  r.range_end = b(end);
  return r;
}

inline Compare cmp(Compare::Target target, Compare::Op op, std::string_view key,
                   std::int64_t number, std::string_view value = "") {
  Compare c;
  c.target = target;
  c.op = op;
  c.key = b(key);
  c.number = number;
  c.value = b(value);
  return c;
}

// Results are equal: the same response, or the same error code and message.
inline bool same(const Result<Response>& a, const Result<Response>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (a) return *a == *b;
  return a.error().code == b.error().code && a.error().message == b.error().message;
}

// Applies one sessionless request at the next index.
class StoreHarness {
 public:
  explicit StoreHarness(StoreLimits limits = {}) : store(limits) {}

  Result<Response> apply(Operation op, std::uint64_t client = 0, std::uint64_t seq = 0) {
    return store.apply(Request{client, seq, std::move(op)}, ++index, now_ms);
  }
  template <class T>
  T ok(Operation op) {
    Result<Response> r = apply(std::move(op));
    EXPECT_TRUE(r.has_value()) << r.error().message;
    if (!r) return T{};
    EXPECT_TRUE(std::holds_alternative<T>(r->result));
    return std::get<T>(r->result);
  }
  Error error(Operation op) {
    Result<Response> r = apply(std::move(op));
    EXPECT_FALSE(r.has_value());
    return r ? Error{} : r.error();
  }
  std::vector<KeyValue> get(std::string_view key, std::string_view end = "", Revision rev = 0) {
    Result<RangeResponse> r = store.range(get_req(key, end, rev));
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r ? r->kvs : std::vector<KeyValue>{};
  }
  std::string value(std::string_view key) {
    auto kvs = get(key);
    return kvs.empty() ? "<none>" : to_string(kvs[0].value);
  }

  Store store;
  std::uint64_t index = 0;
  std::int64_t now_ms = 0;
};

}  // namespace keel::kv::test
