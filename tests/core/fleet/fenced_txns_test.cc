#include "core/fleet/fenced_txns.h"

#include <gtest/gtest.h>

#include "core/kv/limits.h"
#include "core/kv/validate.h"

namespace keel::fleet {
namespace {

std::vector<StoreWrite> writes(std::size_t count, std::size_t value_bytes) {
  std::vector<StoreWrite> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back({"/fleet/assign/m/u" + std::to_string(i), std::string(value_bytes, 'x')});
  }
  return out;
}

// The keys of the txns' operations in order, each txn checked against the store's limits.
std::vector<std::string> keys_checked(const std::vector<kv::TxnRequest>& txns, kv::Revision claim) {
  std::vector<std::string> keys;
  for (const kv::TxnRequest& txn : txns) {
    EXPECT_TRUE(kv::validate(kv::Operation(txn)).has_value());
    EXPECT_EQ(txn.compare, std::vector<kv::Compare>{engine_fence(claim)});
    EXPECT_TRUE(txn.failure.empty());
    for (const kv::TxnOp& op : txn.success) {
      keys.push_back(kv::to_string(std::visit([](const auto& o) { return o.key; }, op)));
    }
  }
  return keys;
}

TEST(FencedTxns, SplitAtTheOperationLimitKeepingOrder) {
  auto many = writes(300, 10);
  many.insert(many.begin(), StoreWrite{"/fleet/unplaced/u", std::nullopt});
  const auto txns = fenced_txns(many, 42);
  ASSERT_EQ(txns.size(), 3u);
  EXPECT_EQ(txns[0].success.size(), kv::kMaxTxnOps);
  EXPECT_TRUE(std::holds_alternative<kv::DeleteRangeRequest>(txns[0].success[0]));
  std::vector<std::string> expected;
  for (const StoreWrite& w : many) expected.push_back(w.key);
  EXPECT_EQ(keys_checked(txns, 42), expected);
}

TEST(FencedTxns, SplitAtTheRequestByteLimit) {
  const auto big = writes(60, 64u << 10);  // 60 unit files of 64 KiB: 3.75 MiB
  const auto txns = fenced_txns(big, 7);
  EXPECT_EQ(txns.size(), 3u);
  EXPECT_EQ(keys_checked(txns, 7).size(), 60u);
}

TEST(FencedTxns, TheFenceFailsOnceTheClaimIsRewritten) {
  const kv::Compare fence = engine_fence(5);
  EXPECT_EQ(kv::to_string(fence.key), "/fleet/engine");
  EXPECT_EQ(fence.target, kv::Compare::Target::kMod);
  EXPECT_EQ(fence.op, kv::Compare::Op::kEqual);
  EXPECT_EQ(fence.number, 5);
  EXPECT_TRUE(fenced_txns({}, 5).empty());
}

}  // namespace
}  // namespace keel::fleet
