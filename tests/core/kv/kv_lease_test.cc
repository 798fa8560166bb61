// Leases: the replicated part in the store, and the leader's Lessor.
#include <gtest/gtest.h>

#include "core/kv/kv_test_util.h"
#include "core/kv/lessor.h"
#include "core/kv/store.h"

namespace keel::kv {
namespace {

using std::chrono::seconds;
using test::b;
using test::put_req;
using test::StoreHarness;

Time at(std::int64_t s) { return Time(seconds(s)); }

TEST(KvLease, GrantRaisesShortTtlToTheMinimumAndPicksIds) {
  StoreLimits limits;
  limits.min_lease_ttl_seconds = 5;
  StoreHarness h(limits);
  auto grant = h.ok<LeaseGrantResponse>(LeaseGrantRequest{1, 0});
  EXPECT_EQ(grant.ttl, 5);
  EXPECT_EQ(grant.id, 1);
  EXPECT_EQ(h.ok<LeaseGrantResponse>(LeaseGrantRequest{60, 2}).id, 2);
  EXPECT_EQ(h.ok<LeaseGrantResponse>(LeaseGrantRequest{60, 0}).id, 3);
  EXPECT_EQ(h.error(LeaseGrantRequest{60, 2}).code, Errc::kAlreadyExists);
  EXPECT_NE(
      h.error(LeaseGrantRequest{kMaxLeaseTtlSeconds + 1, 0}).message.find("too large lease TTL"),
      std::string::npos);
  EXPECT_EQ(h.ok<LeaseLeasesResponse>(LeaseLeasesRequest{}).leases,
            (std::vector<LeaseId>{1, 2, 3}));
  EXPECT_EQ(h.store.revision(), 1);  // lease grants do not change the key space
}

TEST(KvLease, LeasesAreBoundedInNumber) {
  StoreLimits limits;
  limits.max_leases = 2;
  StoreHarness h(limits);
  ASSERT_TRUE(h.apply(LeaseGrantRequest{10, 0}));
  ASSERT_TRUE(h.apply(LeaseGrantRequest{10, 0}));
  Error e = h.error(LeaseGrantRequest{10, 0});
  EXPECT_EQ(e.code, Errc::kLimitExceeded);
  EXPECT_NE(e.message.find("max_leases (2)"), std::string::npos);
}

TEST(KvLease, RevokeDeletesAttachedKeysInOneRevision) {
  StoreHarness h;
  const LeaseId lease = h.ok<LeaseGrantResponse>(LeaseGrantRequest{10, 0}).id;
  ASSERT_TRUE(h.apply(put_req("a", "1", lease)));  // 2
  ASSERT_TRUE(h.apply(put_req("b", "2", lease)));  // 3
  ASSERT_TRUE(h.apply(put_req("c", "3")));         // 4
  ASSERT_TRUE(h.apply(put_req("d", "4", lease)));  // 5
  ASSERT_TRUE(h.apply(put_req("d", "5")));         // 6: moved off the lease
  auto ttl = h.ok<LeaseTimeToLiveResponse>(LeaseTimeToLiveRequest{lease, true});
  EXPECT_EQ(ttl.keys, (std::vector<Bytes>{b("a"), b("b")}));
  Result<Response> r = h.apply(LeaseRevokeRequest{lease});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 7);
  EXPECT_TRUE(h.get("a").empty());
  EXPECT_TRUE(h.get("b").empty());
  EXPECT_EQ(h.value("c"), "3");
  EXPECT_EQ(h.value("d"), "5");
  std::vector<Event> events;
  ASSERT_TRUE(h.store.events(7, 7, 10, events));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, Event::Type::kDelete);
  EXPECT_EQ(h.error(LeaseRevokeRequest{lease}).code, Errc::kNotFound);
  EXPECT_EQ(h.error(LeaseTimeToLiveRequest{lease, false}).code, Errc::kNotFound);
  // A put on the revoked lease is refused like etcd.
  EXPECT_NE(h.error(put_req("a", "1", lease)).message.find("requested lease not found"),
            std::string::npos);
}

TEST(KvLease, DeletedKeyLeavesItsLease) {
  StoreHarness h;
  const LeaseId lease = h.ok<LeaseGrantResponse>(LeaseGrantRequest{10, 0}).id;
  ASSERT_TRUE(h.apply(put_req("a", "1", lease)));
  ASSERT_TRUE(h.apply(test::del_req("a")));
  EXPECT_TRUE(h.ok<LeaseTimeToLiveResponse>(LeaseTimeToLiveRequest{lease, true}).keys.empty());
  Result<Response> r = h.apply(LeaseRevokeRequest{lease});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 3);  // nothing to delete: no new revision
}

TEST(KvLease, MinimumTtlIsOneAndAHalfElectionTimeouts) {
  EXPECT_EQ(min_lease_ttl_seconds(std::chrono::milliseconds(1000)), 2);
  EXPECT_EQ(min_lease_ttl_seconds(std::chrono::milliseconds(2000)), 3);
  EXPECT_EQ(min_lease_ttl_seconds(std::chrono::milliseconds(100)), 1);
}

TEST(KvLessor, FollowerHasNoDeadlines) {
  Lessor lessor;
  lessor.granted(1, 10, at(0));
  EXPECT_TRUE(lessor.expired(at(1000), 10).empty());
  EXPECT_EQ(lessor.renew(1, at(0)).error().code, Errc::kNotLeader);
  EXPECT_FALSE(lessor.remaining(1, at(0)));
}

TEST(KvLessor, PromoteExtendsEveryLeaseBeforeAnyExpires) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(LeaseGrantRequest{10, 1}));
  ASSERT_TRUE(h.apply(LeaseGrantRequest{20, 2}));
  Lessor lessor;
  lessor.granted(1, 10, at(0));  // as a follower: no deadline yet
  lessor.promote(h.store.leases(), at(100));
  EXPECT_TRUE(lessor.expired(at(109), 10).empty());
  EXPECT_EQ(lessor.remaining(1, at(105)), std::chrono::seconds(5));
  EXPECT_EQ(lessor.expired(at(110), 10), (std::vector<LeaseId>{1}));
  // Leadership moves away and back: the new term starts every lease afresh.
  lessor.demote();
  EXPECT_TRUE(lessor.expired(at(500), 10).empty());
  lessor.promote(h.store.leases(), at(1000));
  EXPECT_TRUE(lessor.expired(at(1009), 10).empty());
  EXPECT_EQ(lessor.expired(at(1020), 10), (std::vector<LeaseId>{1, 2}));
}

TEST(KvLessor, ExpiredIsABoundedBatchRetriedLater) {
  Lessor lessor(LessorConfig{std::chrono::seconds(3)});
  LeaseStore none;
  lessor.promote(none, at(0));
  for (LeaseId id = 1; id <= 5; ++id) lessor.granted(id, 10 + id, at(0));
  EXPECT_EQ(lessor.expired(at(100), 2), (std::vector<LeaseId>{1, 2}));
  EXPECT_EQ(lessor.expired(at(100), 10), (std::vector<LeaseId>{3, 4, 5}));
  EXPECT_TRUE(lessor.expired(at(102), 10).empty());
  // Not revoked yet (the proposal was lost): proposed again after the retry interval.
  EXPECT_EQ(lessor.expired(at(103), 10), (std::vector<LeaseId>{1, 2, 3, 4, 5}));
  lessor.revoked(1);
  EXPECT_EQ(lessor.expired(at(200), 10).size(), 4u);
}

TEST(KvLessor, RenewPushesTheDeadline) {
  Lessor lessor;
  LeaseStore none;
  lessor.promote(none, at(0));
  lessor.granted(7, 10, at(0));
  ASSERT_EQ(lessor.renew(7, at(8)).value(), 10);
  EXPECT_TRUE(lessor.expired(at(17), 10).empty());
  EXPECT_EQ(lessor.expired(at(18), 10), (std::vector<LeaseId>{7}));
  EXPECT_EQ(lessor.renew(8, at(8)).error().code, Errc::kNotFound);
}

TEST(KvLessor, SyncFollowsTheStore) {
  StoreHarness h;
  ASSERT_TRUE(h.apply(LeaseGrantRequest{10, 1}));
  Lessor lessor;
  lessor.promote(h.store.leases(), at(0));
  lessor.granted(9, 10, at(0));  // gone from the store
  ASSERT_TRUE(h.apply(LeaseGrantRequest{30, 2}));
  lessor.sync(h.store.leases(), at(5));
  EXPECT_EQ(lessor.size(), 2u);
  EXPECT_EQ(lessor.remaining(2, at(5)), std::chrono::seconds(30));
  EXPECT_FALSE(lessor.remaining(9, at(5)));
}

}  // namespace
}  // namespace keel::kv
