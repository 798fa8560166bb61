// Exactly-once client requests (Raft thesis §6.3) and deterministic session expiry.
#include <gtest/gtest.h>

#include "core/kv/kv_test_util.h"
#include "core/kv/store.h"

namespace keel::kv {
namespace {

using test::put_req;
using test::StoreHarness;

TEST(KvSession, RetriedWriteIsAppliedOnceWithTheSameAnswer) {
  StoreHarness h;
  PutRequest p = put_req("k", "v");
  p.prev_kv = true;
  Result<Response> first = h.apply(p, 7, 1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->revision, 2);
  ASSERT_TRUE(h.apply(put_req("k", "other"), 8, 1));  // another client: revision 3
  Result<Response> retry = h.apply(p, 7, 1);
  ASSERT_TRUE(retry);
  EXPECT_EQ(*retry, *first);
  EXPECT_EQ(h.store.revision(), 3);
  EXPECT_EQ(h.value("k"), "other");
  // A retried failure gets the same failure.
  Result<Response> bad = h.apply(put_req("k", "v", 99), 7, 2);
  ASSERT_FALSE(bad);
  ASSERT_TRUE(h.apply(LeaseGrantRequest{10, 99}));
  Result<Response> bad_again = h.apply(put_req("k", "v", 99), 7, 2);
  ASSERT_FALSE(bad_again);
  EXPECT_EQ(bad_again.error().message, bad.error().message);
}

TEST(KvSession, StaleAndUnknownSessionsAreRefused) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(put_req("a", "1"), 5, 1));
  ASSERT_TRUE(h.apply(put_req("a", "2"), 5, 3));  // seq may skip (an abandoned request)
  Result<Response> stale = h.apply(put_req("a", "x"), 5, 2);
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().message.find("stale request"), std::string::npos);
  Result<Response> unknown = h.apply(put_req("a", "x"), 6, 4);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kNotFound);
  EXPECT_EQ(h.apply(put_req("a", "x"), 6, 0).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(h.value("a"), "2");
}

TEST(KvSession, ReadsRunAgainOnRetry) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(put_req("a", "1")));
  Result<Response> read = h.apply(test::get_req("a"), 5, 1);
  ASSERT_TRUE(read);
  ASSERT_TRUE(h.apply(put_req("a", "2")));
  Result<Response> again = h.apply(test::get_req("a"), 5, 1);
  ASSERT_TRUE(again);
  EXPECT_EQ(std::get<RangeResponse>(again->result).kvs.at(0).value, test::b("2"));
  EXPECT_FALSE(h.store.sessions().all().at(5).reply.has_value());
}

TEST(KvSession, IdleSessionsExpireInLeaderTime) {
  StoreLimits limits;
  limits.session_timeout_ms = 1000;
  StoreHarness h(limits);
  h.now_ms = 0;
  ASSERT_TRUE(h.apply(put_req("a", "1"), 5, 1));
  ASSERT_TRUE(h.apply(put_req("b", "1"), 6, 1));
  h.now_ms = 900;
  ASSERT_TRUE(h.apply(put_req("b", "2"), 6, 2));
  h.now_ms = 1500;  // client 5 idle for 1500 ms: dropped; client 6 for 600 ms: kept
  ASSERT_TRUE(h.apply(put_req("c", "1")));
  EXPECT_FALSE(h.store.sessions().all().contains(5));
  EXPECT_TRUE(h.store.sessions().all().contains(6));
  Result<Response> late = h.apply(put_req("a", "2"), 5, 2);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("expired session"), std::string::npos);
  // A leader whose clock reads earlier does not bring time back.
  h.now_ms = 100;
  ASSERT_TRUE(h.apply(put_req("c", "2")));
  EXPECT_TRUE(h.store.sessions().all().contains(6));
  h.now_ms = 2000;
  ASSERT_TRUE(h.apply(put_req("c", "3")));
  EXPECT_FALSE(h.store.sessions().all().contains(6));
}

TEST(KvSession, SessionsAreBoundedDroppingTheLeastRecentlyActive) {
  StoreLimits limits;
  limits.max_sessions = 3;
  StoreHarness h(limits);
  for (std::uint64_t client = 1; client <= 3; ++client) {
    h.now_ms = static_cast<std::int64_t>(client);
    ASSERT_TRUE(h.apply(put_req("k", "v"), client, 1));
  }
  h.now_ms = 10;
  ASSERT_TRUE(h.apply(put_req("k", "v"), 1, 2));  // client 1 is now the most recent
  ASSERT_TRUE(h.apply(put_req("k", "v"), 4, 1));
  EXPECT_EQ(h.store.sessions().size(), 3u);
  EXPECT_FALSE(h.store.sessions().all().contains(2));
  EXPECT_TRUE(h.store.sessions().all().contains(1));
}

}  // namespace
}  // namespace keel::kv
