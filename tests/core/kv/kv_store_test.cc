// Store: put, range, delete, txn, compaction and their errors, checked against etcd's behaviour.
#include <gtest/gtest.h>

#include "core/kv/kv_test_util.h"
#include "core/kv/limits.h"
#include "core/kv/store.h"

namespace keel::kv {
namespace {

using test::b;
using test::cmp;
using test::del_req;
using test::get_req;
using test::put_req;
using test::StoreHarness;
using Target = Compare::Target;
using Op = Compare::Op;

TEST(KvStore, StartsAtRevisionOneAndEachPutRaisesIt) {
  StoreHarness h;
  EXPECT_EQ(h.store.revision(), 1);  // etcd: the first write makes revision 2
  Result<Response> r = h.apply(put_req("a", "1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 2);
  ASSERT_TRUE(h.apply(put_req("a", "2")));
  ASSERT_TRUE(h.apply(put_req("b", "3")));
  EXPECT_EQ(h.store.revision(), 4);
  auto kvs = h.get("a");
  ASSERT_EQ(kvs.size(), 1u);
  EXPECT_EQ(kvs[0].value, b("2"));
  EXPECT_EQ(kvs[0].create_revision, 2);
  EXPECT_EQ(kvs[0].mod_revision, 3);
  EXPECT_EQ(kvs[0].version, 2);
  EXPECT_EQ(kvs[0].lease, 0);
}

TEST(KvStore, PutReturnsPrevKvWhenAsked) {
  StoreHarness h;
  PutRequest p = put_req("k", "v1");
  p.prev_kv = true;
  EXPECT_FALSE(h.ok<PutResponse>(p).prev_kv.has_value());
  p.value = b("v2");
  auto prev = h.ok<PutResponse>(p).prev_kv;
  ASSERT_TRUE(prev);
  EXPECT_EQ(prev->value, b("v1"));
  EXPECT_EQ(prev->mod_revision, 2);
}

TEST(KvStore, IgnoreValueAndIgnoreLeaseKeepTheCurrentOnes) {
  StoreHarness h;
  const LeaseId lease = h.ok<LeaseGrantResponse>(LeaseGrantRequest{10, 0}).id;
  ASSERT_TRUE(h.apply(put_req("k", "v", lease)));
  PutRequest keep_value;
  keep_value.key = b("k");
  keep_value.ignore_value = true;
  keep_value.ignore_lease = true;
  ASSERT_TRUE(h.apply(keep_value));
  auto kvs = h.get("k");
  ASSERT_EQ(kvs.size(), 1u);
  EXPECT_EQ(kvs[0].value, b("v"));
  EXPECT_EQ(kvs[0].lease, lease);
  EXPECT_EQ(kvs[0].version, 2);
  // etcd: ignore_value on a missing key is "key not found"; a value with ignore_value is refused.
  keep_value.key = b("missing");
  EXPECT_EQ(h.error(keep_value).code, Errc::kNotFound);
  PutRequest both = put_req("k", "x");
  both.ignore_value = true;
  EXPECT_EQ(h.error(both).code, Errc::kInvalidArgument);
}

TEST(KvStore, RangeOfPrefixAndIntervalSortedByKey) {
  StoreHarness h;
  for (const char* key : {"b/2", "a", "b/1", "b/3", "c"}) ASSERT_TRUE(h.apply(put_req(key, key)));
  const Bytes end = prefix_end(b("b/"));
  auto kvs = h.get("b/", to_string(end));
  ASSERT_EQ(kvs.size(), 3u);
  EXPECT_EQ(kvs[0].key, b("b/1"));
  EXPECT_EQ(kvs[2].key, b("b/3"));
  EXPECT_EQ(h.get("a", "c").size(), 4u);
  EXPECT_EQ(h.get("a", std::string(1, '\0')).size(), 5u);  // "\0": every key >= "a"
  EXPECT_TRUE(h.get("zz").empty());
}

TEST(KvStore, RangeLimitCountKeysOnlyAndCountOnly) {
  StoreHarness h;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(h.apply(put_req(str("k", i), "value")));
  RangeRequest r = get_req("k", "l");
  r.limit = 3;
  auto response = h.store.range(r);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->kvs.size(), 3u);
  EXPECT_TRUE(response->more);
  EXPECT_EQ(response->count, 10);
  r.limit = 0;
  r.keys_only = true;
  response = h.store.range(r);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->kvs.size(), 10u);
  EXPECT_FALSE(response->more);
  EXPECT_TRUE(response->kvs[0].value.empty());
  r.count_only = true;
  response = h.store.range(r);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->kvs.empty());
  EXPECT_EQ(response->count, 10);
  r.limit = -1;
  EXPECT_EQ(h.store.range(r).error().code, Errc::kInvalidArgument);
}

TEST(KvStore, RangeAtPastRevisionServesHistory) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(put_req("k", "v1")));  // 2
  ASSERT_TRUE(h.apply(put_req("k", "v2")));  // 3
  ASSERT_TRUE(h.apply(del_req("k")));        // 4
  ASSERT_TRUE(h.apply(put_req("k", "v3")));  // 5
  EXPECT_TRUE(h.get("k", "", 1).empty());
  EXPECT_EQ(h.get("k", "", 2).at(0).value, b("v1"));
  EXPECT_EQ(h.get("k", "", 3).at(0).value, b("v2"));
  EXPECT_TRUE(h.get("k", "", 4).empty());
  auto now = h.get("k", "", 5).at(0);
  EXPECT_EQ(now.value, b("v3"));
  EXPECT_EQ(now.create_revision, 5);  // a new generation after the delete
  EXPECT_EQ(now.version, 1);
  Result<RangeResponse> future = h.store.range(get_req("k", "", 6));
  ASSERT_FALSE(future);
  EXPECT_NE(future.error().message.find("future revision"), std::string::npos);
}

TEST(KvStore, DeleteRangeCountsAndReturnsPrevKvsInOneRevision) {
  StoreHarness h;
  for (const char* key : {"a", "b", "c", "d"}) ASSERT_TRUE(h.apply(put_req(key, key)));
  DeleteRangeRequest d = del_req("b", "d");
  d.prev_kv = true;
  Result<Response> r = h.apply(d);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 6);
  const auto& response = std::get<DeleteRangeResponse>(r->result);
  EXPECT_EQ(response.deleted, 2);
  ASSERT_EQ(response.prev_kvs.size(), 2u);
  EXPECT_EQ(response.prev_kvs[1].key, b("c"));
  EXPECT_EQ(h.get("a", std::string(1, '\0')).size(), 2u);
  // Deleting nothing does not raise the revision (etcd).
  r = h.apply(del_req("zz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 6);
  EXPECT_EQ(std::get<DeleteRangeResponse>(r->result).deleted, 0);
}

TEST(KvStore, TxnAppliesSuccessOrFailureAtOneRevision) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(put_req("x", "1")));  // 2
  TxnRequest txn;
  txn.compare = {cmp(Target::kValue, Op::kEqual, "x", 0, "1")};
  txn.success = {put_req("x", "2"), put_req("y", "2"), get_req("y")};
  txn.failure = {put_req("fail", "1")};
  Result<Response> r = h.apply(txn);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 3);
  const auto& response = std::get<TxnResponse>(r->result);
  EXPECT_TRUE(response.succeeded);
  ASSERT_EQ(response.responses.size(), 3u);
  // A range in a txn sees the txn's earlier writes.
  const auto& range = std::get<RangeResponse>(response.responses[2]);
  ASSERT_EQ(range.kvs.size(), 1u);
  EXPECT_EQ(range.kvs[0].mod_revision, 3);
  EXPECT_EQ(h.get("x")[0].mod_revision, 3);
  EXPECT_EQ(h.get("y")[0].mod_revision, 3);
  // Now the compare fails: the failure branch runs.
  r = h.apply(txn);
  ASSERT_TRUE(r);
  EXPECT_FALSE(std::get<TxnResponse>(r->result).succeeded);
  EXPECT_EQ(h.value("fail"), "1");
  EXPECT_EQ(r->revision, 4);
  // A read-only txn does not raise the revision.
  TxnRequest read_only;
  read_only.success = {get_req("x")};
  r = h.apply(read_only);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 4);
}

TEST(KvStore, TxnComparesEveryTargetAndOp) {
  StoreHarness h;
  const LeaseId lease = h.ok<LeaseGrantResponse>(LeaseGrantRequest{10, 7}).id;
  ASSERT_TRUE(h.apply(put_req("k", "m", lease)));  // 2
  ASSERT_TRUE(h.apply(put_req("k", "m", lease)));  // 3: version 2
  const auto holds = [&](Compare c) {
    TxnRequest txn;
    txn.compare = {std::move(c)};
    return h.ok<TxnResponse>(txn).succeeded;
  };
  EXPECT_TRUE(holds(cmp(Target::kVersion, Op::kEqual, "k", 2)));
  EXPECT_TRUE(holds(cmp(Target::kVersion, Op::kGreater, "k", 1)));
  EXPECT_FALSE(holds(cmp(Target::kVersion, Op::kLess, "k", 2)));
  EXPECT_TRUE(holds(cmp(Target::kCreate, Op::kEqual, "k", 2)));
  EXPECT_TRUE(holds(cmp(Target::kMod, Op::kEqual, "k", 3)));
  EXPECT_TRUE(holds(cmp(Target::kMod, Op::kNotEqual, "k", 2)));
  EXPECT_TRUE(holds(cmp(Target::kLease, Op::kEqual, "k", 7)));
  EXPECT_TRUE(holds(cmp(Target::kValue, Op::kLess, "k", 0, "n")));
  EXPECT_TRUE(holds(cmp(Target::kValue, Op::kGreater, "k", 0, "l")));
  EXPECT_FALSE(holds(cmp(Target::kValue, Op::kEqual, "k", 0, "x")));
  // etcd: a missing key has version, revisions and lease 0; a value compare on it is false.
  EXPECT_TRUE(holds(cmp(Target::kVersion, Op::kEqual, "missing", 0)));
  EXPECT_TRUE(holds(cmp(Target::kCreate, Op::kEqual, "missing", 0)));
  EXPECT_TRUE(holds(cmp(Target::kMod, Op::kLess, "missing", 1)));
  EXPECT_TRUE(holds(cmp(Target::kLease, Op::kEqual, "missing", 0)));
  EXPECT_FALSE(holds(cmp(Target::kValue, Op::kEqual, "missing", 0, "")));
  EXPECT_FALSE(holds(cmp(Target::kValue, Op::kNotEqual, "missing", 0, "x")));
}

TEST(KvStore, TxnRefusesDuplicateKeysAndChangesNothing) {
  StoreHarness h;
  TxnRequest txn;
  txn.success = {put_req("a", "1"), put_req("a", "2")};
  Error e = h.error(txn);
  EXPECT_EQ(e.code, Errc::kInvalidArgument);
  EXPECT_NE(e.message.find("duplicate key given in txn request"), std::string::npos);
  txn.success = {put_req("b/1", "1"), del_req("b/", "b0")};
  EXPECT_NE(h.error(txn).message.find("duplicate key"), std::string::npos);
  // Deletes may overlap each other; the same key in the two branches is fine.
  txn.success = {del_req("a", "c"), del_req("b")};
  txn.failure = {put_req("a", "x")};
  EXPECT_TRUE(h.apply(txn));
  EXPECT_EQ(h.store.revision(), 1);
}

TEST(KvStore, TxnWithUnknownLeaseFailsWhole) {
  StoreHarness h;
  TxnRequest txn;
  txn.success = {put_req("a", "1"), put_req("b", "2", 99)};
  Error e = h.error(txn);
  EXPECT_EQ(e.code, Errc::kNotFound);
  EXPECT_NE(e.message.find("requested lease not found"), std::string::npos);
  EXPECT_EQ(h.store.revision(), 1);
  EXPECT_TRUE(h.get("a").empty());
}

TEST(KvStore, CompactionAnswersCompactedBelowIt) {
  StoreHarness h;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.apply(put_req("k", str("v", i))));  // 2..6
  ASSERT_TRUE(h.apply(put_req("other", "o")));                                  // 7
  ASSERT_TRUE(h.apply(del_req("other")));                                       // 8
  ASSERT_TRUE(h.apply(CompactRequest{4}));
  EXPECT_EQ(h.store.compact_revision(), 4);
  Result<RangeResponse> old = h.store.range(get_req("k", "", 3));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, Errc::kNotFound);
  EXPECT_NE(old.error().message.find("compacted"), std::string::npos);
  EXPECT_EQ(h.get("k", "", 4).at(0).value, b("v2"));  // the compaction revision itself is kept
  EXPECT_EQ(h.get("k", "", 6).at(0).value, b("v4"));
  // At or below the current compaction, or above the current revision: errors.
  EXPECT_NE(h.error(CompactRequest{4}).message.find("compacted"), std::string::npos);
  EXPECT_NE(h.error(CompactRequest{9}).message.find("future revision"), std::string::npos);
  ASSERT_TRUE(h.apply(CompactRequest{8}));
  EXPECT_EQ(h.store.key_count(), 2u);  // "other"'s tombstone at 8 stays until a later compaction
  ASSERT_TRUE(h.apply(put_req("k", "v5")));
  ASSERT_TRUE(h.apply(CompactRequest{9}));
  EXPECT_EQ(h.store.key_count(), 1u);
  EXPECT_EQ(h.get("k").at(0).version, 6);
}

TEST(KvStore, HistoryOverItsLimitIsCompactedAutomatically) {
  StoreLimits limits;
  limits.max_history_revisions = 100;
  StoreHarness h(limits);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(h.apply(put_req(str("k", i % 7), "v")));
  EXPECT_LE(h.store.revision() - h.store.compact_revision(), 100);
  EXPECT_GT(h.store.compact_revision(), 0);
  EXPECT_EQ(h.store.key_count(), 7u);
  limits = {};
  limits.max_history_bytes = 10000;
  StoreHarness by_bytes(limits);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(by_bytes.apply(put_req("k", std::string(100, 'x'))));
  EXPECT_LE(by_bytes.store.history_bytes(), 10000u);
}

TEST(KvStore, RefusesBadInputNamingTheLimit) {
  StoreHarness h;
  EXPECT_NE(h.error(put_req("", "v")).message.find("key is not provided"), std::string::npos);
  Error e = h.error(put_req(std::string(kMaxKeyBytes + 1, 'k'), "v"));
  EXPECT_EQ(e.code, Errc::kLimitExceeded);
  EXPECT_NE(e.message.find("kMaxKeyBytes (8192)"), std::string::npos);
  e = h.error(put_req("k", std::string(kMaxValueBytes + 1, 'v')));
  EXPECT_NE(e.message.find("kMaxValueBytes (1048576)"), std::string::npos);
  TxnRequest big;
  for (std::size_t i = 0; i <= kMaxTxnOps; ++i) big.success.emplace_back(del_req("k"));
  e = h.error(big);
  EXPECT_EQ(e.code, Errc::kLimitExceeded);
  EXPECT_NE(e.message.find("kMaxTxnOps (128)"), std::string::npos);
  TxnRequest large;
  for (int i = 0; i < 3; ++i) {
    large.success.emplace_back(put_req(str("k", i), std::string(kMaxValueBytes, 'v')));
  }
  EXPECT_NE(h.error(large).message.find("kMaxRequestBytes"), std::string::npos);
  e = h.error(put_req("k", "v", 42));
  EXPECT_EQ(e.code, Errc::kNotFound);
  EXPECT_NE(e.message.find("requested lease not found"), std::string::npos);
  EXPECT_EQ(h.store.revision(), 1);
  EXPECT_EQ(h.store.key_count(), 0u);
}

TEST(KvStore, RangeResultIsCappedAtTheStoreLimit) {
  StoreHarness h;
  for (std::size_t i = 0; i < kMaxRangeKeys + 5; ++i) {
    ASSERT_TRUE(h.apply(put_req(str("k", 100000 + i), "v")));
  }
  Result<RangeResponse> r = h.store.range(get_req("k", "l"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kvs.size(), kMaxRangeKeys);
  EXPECT_TRUE(r->more);
  EXPECT_EQ(r->count, static_cast<std::int64_t>(kMaxRangeKeys + 5));
}

TEST(KvStore, EventsListChangesInRevisionOrderWithPrevKv) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(put_req("a", "1")));  // 2
  TxnRequest txn;
  txn.success = {put_req("b", "2"), put_req("a", "3")};
  ASSERT_TRUE(h.apply(txn));           // 3
  ASSERT_TRUE(h.apply(del_req("b")));  // 4
  std::vector<Event> events;
  Result<Revision> next = h.store.events(2, 4, 100, events);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 5);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[1].kv.key, b("b"));
  EXPECT_EQ(events[2].kv.key, b("a"));
  EXPECT_EQ(events[2].prev_kv->value, b("1"));
  EXPECT_EQ(events[3].type, Event::Type::kDelete);
  EXPECT_EQ(events[3].kv.mod_revision, 4);
  EXPECT_EQ(events[3].prev_kv->value, b("2"));
  // Bounded batches end on a whole revision.
  events.clear();
  next = h.store.events(2, 4, 2, events);
  ASSERT_TRUE(next);
  EXPECT_EQ(events.size(), 3u);
  EXPECT_EQ(*next, 4);
}

}  // namespace
}  // namespace keel::kv
