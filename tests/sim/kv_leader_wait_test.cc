// Requests that reach a member while no leader is known wait for one, a bounded time (issue 7:
// during a leader change, v2 writes were refused with "not the leader" instead of forwarded).
// The default timing: 50 ms ticks, an election timeout of 10 to 20 ticks, a wait of 4 x 10 ticks.
#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "sim/kv_cluster.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

kv::Request put(std::string_view key, std::string_view value, std::uint64_t client) {
  kv::Request request;
  request.client = client;
  request.seq = client == 0 ? 0 : 1;
  auto& p = request.op.emplace<kv::PutRequest>();
  p.key = kv::to_bytes(key);
  p.value = kv::to_bytes(value);
  return request;
}

kv::Request get(std::string_view key) {
  kv::Request request;
  request.op.emplace<kv::RangeRequest>().key = kv::to_bytes(key);
  return request;
}

// Runs the world in 10 ms steps until `done` holds or `bound` passed; whether it holds.
bool run_until(World& world, Duration bound, const std::function<bool()>& done) {
  for (Duration waited{}; waited < bound && !done(); waited += 10ms) world.run_for(10ms);
  return done();
}

// The member that holds no leader any more once `old` is gone, after its election timeout.
NodeId wait_for_no_leader(KvCluster& cluster, NodeId member) {
  const bool lost = run_until(cluster.world(), 3s, [&] {
    return cluster.service(member)->node().raft().leader() == kNoNode;
  });
  EXPECT_TRUE(lost) << "n" << member << " still follows n"
                    << cluster.service(member)->node().raft().leader();
  return member;
}

// The old leader crashes; a follower that knows no leader yet parks a write and a linearizable
// read, and once the new leader is known forwards the write and has the read confirmed. A write
// without a session is refused at once all the same (it is never forwarded).
TEST(KvLeaderWait, RequestsDuringAnElectionWaitForTheNewLeader) {
  KvCluster cluster(5, KvClusterOptions{});
  ASSERT_TRUE(cluster.call(put("a", "1", 0), 5s));
  const NodeId old = cluster.leader();
  cluster.world().crash(old);
  const NodeId follower = wait_for_no_leader(cluster, old % 3 + 1);

  std::optional<Result<kv::Response>> write, read, sessionless;
  cluster.world().host(follower).post(Duration(0), [&] {
    node::KvService* s = cluster.service(follower);
    s->submit(put("a", "2", 7), [&](Result<kv::Response> r) { write = std::move(r); });
    s->submit(get("a"), [&](Result<kv::Response> r) { read = std::move(r); });
    s->submit(put("a", "3", 0), [&](Result<kv::Response> r) { sessionless = std::move(r); });
  });
  cluster.world().run_for(1ms);
  ASSERT_TRUE(sessionless.has_value());
  ASSERT_FALSE(*sessionless);
  EXPECT_EQ(sessionless->error().code, Errc::kNotLeader);
  EXPECT_FALSE(write.has_value());
  EXPECT_FALSE(read.has_value());

  ASSERT_TRUE(run_until(cluster.world(), 3s, [&] { return write && read; }));
  ASSERT_TRUE(*write) << write->error().message;
  ASSERT_TRUE(*read) << read->error().message;
  const auto& range = std::get<kv::RangeResponse>((*read)->result);
  ASSERT_EQ(range.kvs.size(), 1u);
  EXPECT_NE(cluster.leader(), old);
  const node::KvServiceStats& stats = cluster.service(follower)->stats();
  EXPECT_GE(stats.parked_for_leader, 2u);
  EXPECT_EQ(stats.refused_not_leader, 1u);  // the sessionless write alone
  EXPECT_EQ(stats.forwarded, cluster.leader() == follower ? 0u : 1u);
}

// With two of three members gone no leader can be elected: a write waits four election timeouts
// (40 ticks from the tick it came in) and is then refused with etcd's "not the leader".
TEST(KvLeaderWait, AWriteIsRefusedOnceTheWaitIsOver) {
  KvCluster cluster(6, KvClusterOptions{});
  ASSERT_TRUE(cluster.call(put("a", "1", 0), 5s));
  const NodeId old = cluster.leader();
  const NodeId survivor = old % 3 + 1;
  cluster.world().crash(old);
  cluster.world().crash(survivor % 3 + 1);
  wait_for_no_leader(cluster, survivor);

  std::optional<Result<kv::Response>> write;
  cluster.world().host(survivor).post(Duration(0), [&] {
    cluster.service(survivor)->submit(put("a", "2", 7),
                                      [&](Result<kv::Response> r) { write = std::move(r); });
  });
  cluster.world().run_for(1900ms);  // 38 ticks at least
  EXPECT_FALSE(write.has_value()) << "refused before the bound";
  cluster.world().run_for(200ms);  // 41 ticks at least
  ASSERT_TRUE(write.has_value()) << "still waiting after the bound";
  ASSERT_FALSE(*write);
  EXPECT_EQ(write->error().code, Errc::kNotLeader) << write->error().message;
  EXPECT_EQ(cluster.service(survivor)->stats().refused_not_leader, 1u);
  EXPECT_EQ(cluster.service(survivor)->pending(), 0u);
}

struct CutOff {
  NodeId old_leader = kNoNode;
  NodeId follower = kNoNode;
};

// Cuts the leader off and at once submits `request` to a follower, which still believes in that
// leader; runs until `answer` is set (4 s at most).
CutOff submit_as_the_leader_is_cut_off(KvCluster& cluster, const kv::Request& request,
                                       std::optional<Result<kv::Response>>& answer) {
  EXPECT_TRUE(cluster.call(put("a", "1", 0), 5s));
  const CutOff cut{cluster.leader(), cluster.leader() % 3 + 1};
  cluster.world().run_for(200ms);
  cluster.world().isolate(cut.old_leader);
  cluster.world().host(cut.follower).post(Duration(0), [&cluster, &answer, &request, cut] {
    cluster.service(cut.follower)->submit(request, [&answer](Result<kv::Response> r) {
      answer = std::move(r);
    });
  });
  EXPECT_TRUE(run_until(cluster.world(), 4s, [&] { return answer.has_value(); }));
  return cut;
}

// A follower asks the leader to confirm a read index, and the leader is cut off before it answers.
// Once a new leader is known the read joins a new round and is served, instead of failing when
// the first round times out (Raft dropped it on the term change).
TEST(KvLeaderWait, AReadAskedOfAFormerLeaderIsAskedAgain) {
  KvCluster cluster(7, KvClusterOptions{});
  std::optional<Result<kv::Response>> read;
  const CutOff cut = submit_as_the_leader_is_cut_off(cluster, get("a"), read);
  ASSERT_TRUE(read.has_value());
  ASSERT_TRUE(*read) << read->error().message;
  EXPECT_EQ(std::get<kv::RangeResponse>((*read)->result).kvs.size(), 1u);
  const node::KvService& follower = *cluster.service(cut.follower);
  EXPECT_NE(follower.node().raft().leader(), cut.old_leader);
  EXPECT_GE(follower.stats().read_rounds, 2u);
}

// A write forwarded to a leader that was cut off gets no answer; once the forward times out it
// waits for the next leader and is forwarded there (its session makes the resend harmless).
TEST(KvLeaderWait, AWriteForwardedToALostLeaderGoesToTheNextOne) {
  KvCluster cluster(8, KvClusterOptions{});
  std::optional<Result<kv::Response>> write;
  const CutOff cut = submit_as_the_leader_is_cut_off(cluster, put("a", "2", 9), write);
  ASSERT_TRUE(write.has_value());
  ASSERT_TRUE(*write) << write->error().message;
  const node::KvService& follower = *cluster.service(cut.follower);
  EXPECT_EQ(follower.stats().forward_timeouts, 1u);
  EXPECT_EQ(follower.stats().forwarded, follower.node().raft().leader() == cut.follower ? 1u : 2u);
}

}  // namespace
}  // namespace keel::sim
