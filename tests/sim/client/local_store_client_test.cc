// LocalStoreClient on the members of a simulated three-member cluster: each member's program owns
// its KvService and a LocalStoreClient over it. Calls from a follower across a leader crash,
// keep-alives, a watch with no gap or duplicate across the leader's crash, a compaction cancel,
// and a crash with callbacks pending.
#include "core/client/local_store_client.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sim/cluster.h"

namespace keel::client {
namespace {

using namespace std::chrono_literals;

struct ClientMember final : sim::MemberProgram {
  ClientMember(Env& env, std::unique_ptr<node::KvService> started)
      : service(std::move(started)), client(env, *service, {.client_id = env.self}) {}
  node::Node* node() const override { return &service->node(); }

  std::unique_ptr<node::KvService> service;
  LocalStoreClient client;  // destroyed before the service
};

sim::ClusterOptions options() {
  sim::ClusterOptions o;
  o.program = [](Env& env,
                 const node::NodeConfig& config) -> Result<std::unique_ptr<sim::MemberProgram>> {
    node::KvServiceConfig service;
    service.node = config;
    auto started = node::KvService::start(env, std::move(service));
    if (!started) return std::unexpected(started.error());
    return std::make_unique<ClientMember>(env, std::move(*started));
  };
  return o;
}

struct LocalStoreClientTest : ::testing::Test {
  LocalStoreClientTest() : cluster(21, options()) {}

  sim::World& world() { return cluster.world(); }
  LocalStoreClient& client(NodeId member) {
    return static_cast<ClientMember*>(world().host(member).program())->client;
  }
  NodeId follower() {
    for (NodeId id : cluster.members()) {
      if (id != cluster.leader()) return id;
    }
    return kNoNode;
  }

  bool run_until(const std::function<bool()>& done, Duration bound) {
    const Time until = world().now() + bound;
    while (!done() && world().now() < until) world().run_for(10ms);
    return done();
  }

  Result<kv::Response> call(NodeId member, kv::Operation op) {
    std::optional<Result<kv::Response>> answer;
    client(member).call(std::move(op), [&](Result<kv::Response> r) { answer = std::move(r); });
    EXPECT_FALSE(answer.has_value());  // never from inside call()
    EXPECT_TRUE(run_until([&] { return answer.has_value(); }, 10s));
    return answer.value_or(fail(Errc::kTimeout, "the test's bound passed"));
  }

  sim::Cluster cluster;
};

kv::PutRequest put(std::string key, std::string value) {
  return kv::PutRequest{kv::to_bytes(key), kv::to_bytes(value)};
}

kv::RangeRequest get(std::string key) {
  kv::RangeRequest range;
  range.key = kv::to_bytes(key);
  return range;
}

std::string value_at(const Result<kv::Response>& answer) {
  const auto& range = std::get<kv::RangeResponse>(answer->result);
  return range.kvs.empty() ? "" : kv::to_string(range.kvs.front().value);
}

TEST_F(LocalStoreClientTest, AFollowersCallsGoThroughTheLeaderAndAcrossItsCrash) {
  const NodeId member = cluster.members().front();
  auto first = call(member, put("k", "before"));  // while the first election runs
  ASSERT_TRUE(first) << first.error().message;
  const NodeId leader = cluster.leader();
  ASSERT_NE(leader, kNoNode);
  const NodeId asker = follower();
  world().crash(leader);
  auto second = call(asker, put("k", "after"));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_GT(second->revision, first->revision);
  auto read = call(asker, get("k"));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(value_at(read), "after");
  EXPECT_TRUE(cluster.ok()) << cluster.first_violation();
}

TEST_F(LocalStoreClientTest, KeepsALeaseAliveFromAFollower) {
  ASSERT_TRUE(call(cluster.members().front(), put("k", "v")));
  const NodeId asker = follower();
  auto grant = call(asker, kv::LeaseGrantRequest{30, 0});
  ASSERT_TRUE(grant) << grant.error().message;
  const kv::LeaseId lease = std::get<kv::LeaseGrantResponse>(grant->result).id;

  std::optional<Result<std::int64_t>> ttl;
  client(asker).keep_alive(lease, [&](Result<std::int64_t> r) { ttl = r; });
  ASSERT_TRUE(run_until([&] { return ttl.has_value(); }, 10s));
  ASSERT_TRUE(*ttl) << ttl->error().message;
  EXPECT_EQ(**ttl, 30);

  ASSERT_TRUE(call(asker, kv::LeaseRevokeRequest{lease}));
  ttl.reset();
  client(asker).keep_alive(lease, [&](Result<std::int64_t> r) { ttl = r; });
  ASSERT_TRUE(run_until([&] { return ttl.has_value(); }, 10s));
  ASSERT_FALSE(*ttl);
  EXPECT_EQ(ttl->error().code, Errc::kNotFound) << ttl->error().message;
}

TEST_F(LocalStoreClientTest, AWatchOnAFollowerSeesEveryChangeOnceAcrossTheLeadersCrash) {
  ASSERT_TRUE(call(cluster.members().front(), put("a/0", "0")));
  const NodeId leader = cluster.leader();
  const NodeId watching = follower();
  NodeId writer = kNoNode;
  for (NodeId id : cluster.members()) {
    if (id != leader && id != watching) writer = id;
  }
  std::vector<kv::WatchResponse> seen;
  client(watching).watch(
      kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 1, false},
      [&](const kv::WatchResponse& r) { seen.push_back(r); });
  EXPECT_TRUE(seen.empty());  // never from inside watch()

  int written = 1;
  auto write_some = [&](int n) {
    for (int i = 0; i < n; ++i, ++written) {
      auto answer = call(writer, put(str("a/", written % 3), std::to_string(written)));
      ASSERT_TRUE(answer) << answer.error().message;
    }
  };
  write_some(10);
  world().crash(leader);
  write_some(10);
  world().restart(leader);
  write_some(5);
  world().run_for(1s);

  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.front().events.empty());  // the "open" response
  std::vector<std::string> values;
  kv::Revision last = 0;
  for (const kv::WatchResponse& response : seen) {
    EXPECT_FALSE(response.canceled) << response.cancel_reason;
    for (const kv::Event& event : response.events) {
      EXPECT_GT(event.kv.mod_revision, last);
      last = event.kv.mod_revision;
      values.push_back(kv::to_string(event.kv.value));
    }
  }
  std::vector<std::string> expected;
  for (int i = 0; i < written; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(values, expected);
}

TEST_F(LocalStoreClientTest, AWatchFromACompactedRevisionIsCanceledWithTheCompaction) {
  const NodeId member = cluster.members().front();
  Result<kv::Response> last = fail(Errc::kTimeout, "not yet");
  for (int i = 0; i < 4; ++i) last = call(member, put("a/k", std::to_string(i)));
  ASSERT_TRUE(last);
  ASSERT_TRUE(call(member, kv::CompactRequest{last->revision}));
  world().run_for(100ms);  // every member applies it

  std::vector<kv::WatchResponse> seen;
  client(member).watch(
      kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 1, false},
      [&](const kv::WatchResponse& r) { seen.push_back(r); });
  world().run_for(100ms);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].canceled);
  EXPECT_EQ(seen[0].compact_revision, last->revision);
}

TEST_F(LocalStoreClientTest, ACanceledWatchHearsNothingMore) {
  const NodeId member = cluster.members().front();
  ASSERT_TRUE(call(member, put("a/k", "1")));
  int heard = 0;
  const WatchHandle handle = client(member).watch(
      kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 0, false},
      [&](const kv::WatchResponse&) { ++heard; });
  world().run_for(10ms);
  EXPECT_EQ(heard, 1);  // open
  client(member).cancel_watch(handle);
  ASSERT_TRUE(call(member, put("a/k", "2")));
  world().run_for(100ms);
  EXPECT_EQ(heard, 1);
}

TEST_F(LocalStoreClientTest, ACrashDropsTheCallbacksPending) {
  const NodeId member = cluster.members().front();
  ASSERT_TRUE(call(member, put("k", "v")));
  bool answered = false;
  int heard = 0;
  client(member).call(put("k", "w"), [&](Result<kv::Response>) { answered = true; });
  client(member).watch(kv::WatchRequest{kv::to_bytes("k"), {}, 0, false},
                       [&](const kv::WatchResponse&) { ++heard; });
  world().crash(member);
  world().run_for(2s);
  EXPECT_FALSE(answered);
  EXPECT_EQ(heard, 0);
}

}  // namespace
}  // namespace keel::client
