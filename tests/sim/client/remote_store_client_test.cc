// RemoteStoreClient against a simulated three-member cluster: calls across a leader crash,
// keep-alives, a watch that survives the crash of its member with no gap and no duplicate, and a
// compaction cancel passed on.
#include "core/client/remote_store_client.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/client/mirror.h"
#include "core/codec/frame.h"
#include "sim/kv_cluster.h"

namespace keel::client {
namespace {

using namespace std::chrono_literals;
using sim::KvCluster;
using sim::World;

// A client machine whose program is a RemoteStoreClient fed by its transport.
struct ClientProgram : sim::Program {
  ClientProgram(Env& e, RemoteStoreClient::Members members, std::uint64_t cluster)
      : env(e), client(e, std::move(members), cluster, {.client_id = e.self}) {
    e.transport.set_receive_handler([this, cluster](NodeId from, ByteView frame) {
      if (!codec::is_node_frame(frame)) return;
      auto decoded = codec::decode_node_frame(frame);
      if (decoded && decoded->cluster == cluster) client.on_frame(from, decoded->payload);
    });
  }
  Env& env;
  RemoteStoreClient client;
  std::unique_ptr<Mirror> mirror;  // when a test makes one; destroyed before the client
};

struct RemoteStoreClientTest : ::testing::Test {
  RemoteStoreClientTest() : kv(11, sim::KvClusterOptions{}) {}

  ClientProgram& add_program(std::string name) {
    const std::uint64_t cluster = kv.cluster().options().node.cluster;
    const NodeId id = kv.world().add_client(std::move(name), [this, cluster](Env& env) {
      return std::make_unique<ClientProgram>(
          env, [this] { return kv.cluster().members(); }, cluster);
    });
    return *static_cast<ClientProgram*>(kv.world().host(id).program());
  }
  RemoteStoreClient& add_client(std::string name) { return add_program(std::move(name)).client; }

  // Runs the world until `done` holds, at most `bound`.
  bool run_until(const std::function<bool()>& done, Duration bound) {
    const Time until = world().now() + bound;
    while (!done() && world().now() < until) world().run_for(10ms);
    return done();
  }

  // Calls `op` and runs the world until it is answered (the client's own timeout bounds it).
  Result<kv::Response> call(RemoteStoreClient& client, kv::Operation op) {
    std::optional<Result<kv::Response>> answer;
    client.call(std::move(op), [&](Result<kv::Response> r) { answer = std::move(r); });
    EXPECT_FALSE(answer.has_value());  // never from inside call()
    EXPECT_TRUE(run_until([&] { return answer.has_value(); }, 10s));
    return answer.value_or(fail(Errc::kTimeout, "the test's bound passed"));
  }

  World& world() { return kv.world(); }
  KvCluster kv;
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

TEST_F(RemoteStoreClientTest, WritesOnceAndReadsAcrossALeaderCrash) {
  RemoteStoreClient& client = add_client("c1");
  auto first = call(client, put("k", "before"));
  ASSERT_TRUE(first) << first.error().message;

  const NodeId leader = kv.leader();
  ASSERT_NE(leader, kNoNode);
  world().crash(leader);
  auto second = call(client, put("k", "after"));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_GT(second->revision, first->revision);
  auto read = call(client, get("k"));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(value_at(read), "after");

  world().restart(leader);
  ASSERT_TRUE(kv.converge(5s)) << kv.first_violation();
  auto events = kv.reference_events();
  ASSERT_TRUE(events) << events.error().message;
  int afters = 0;
  for (const kv::Event& event : events->second) afters += kv::to_string(event.kv.value) == "after";
  EXPECT_EQ(afters, 1);  // retried across the crash, applied once
  EXPECT_TRUE(kv.ok()) << kv.first_violation();
}

TEST_F(RemoteStoreClientTest, ConcurrentWritesAllApplyInCallOrder) {
  RemoteStoreClient& client = add_client("c1");
  std::vector<Result<kv::Response>> answers;
  for (int i = 0; i < 5; ++i) {
    client.call(put("k", std::to_string(i)),
                [&](Result<kv::Response> r) { answers.push_back(std::move(r)); });
  }
  ASSERT_TRUE(run_until([&] { return answers.size() == 5; }, 10s));
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(answers[i]) << answers[i].error().message;
    if (i > 0) {
      EXPECT_GT(answers[i]->revision, answers[i - 1]->revision);
    }
  }
  EXPECT_EQ(value_at(call(client, get("k"))), "4");
}

TEST_F(RemoteStoreClientTest, PassesADefiniteRefusalOnAtOnce) {
  RemoteStoreClient& client = add_client("c1");
  auto revoke = call(client, kv::LeaseRevokeRequest{12345});
  ASSERT_FALSE(revoke);
  EXPECT_EQ(revoke.error().code, Errc::kNotFound) << revoke.error().message;
}

TEST_F(RemoteStoreClientTest, KeepsALeaseAliveAndSaysWhenItIsGone) {
  RemoteStoreClient& client = add_client("c1");
  auto grant = call(client, kv::LeaseGrantRequest{30, 0});
  ASSERT_TRUE(grant) << grant.error().message;
  const kv::LeaseId lease = std::get<kv::LeaseGrantResponse>(grant->result).id;

  std::optional<Result<std::int64_t>> ttl;
  client.keep_alive(lease, [&](Result<std::int64_t> r) { ttl = r; });
  ASSERT_TRUE(run_until([&] { return ttl.has_value(); }, 10s));
  ASSERT_TRUE(*ttl) << ttl->error().message;
  EXPECT_EQ(**ttl, 30);

  ASSERT_TRUE(call(client, kv::LeaseRevokeRequest{lease}));
  ttl.reset();
  client.keep_alive(lease, [&](Result<std::int64_t> r) { ttl = r; });
  ASSERT_TRUE(run_until([&] { return ttl.has_value(); }, 10s));
  ASSERT_FALSE(*ttl);
  EXPECT_EQ(ttl->error().code, Errc::kNotFound) << ttl->error().message;
}

TEST_F(RemoteStoreClientTest, TimesOutWhenNoMemberAnswers) {
  RemoteStoreClient& client = add_client("c1");
  ASSERT_TRUE(call(client, put("k", "v")));
  for (NodeId member : kv.cluster().members()) world().crash(member);
  auto answer = call(client, put("k", "w"));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, Errc::kTimeout);
}

TEST_F(RemoteStoreClientTest, AWatchSurvivesItsMembersCrashWithNoGapOrDuplicate) {
  RemoteStoreClient& writer = add_client("w");
  RemoteStoreClient& watcher = add_client("x");
  ASSERT_TRUE(call(writer, put("a/0", "0")));  // a leader is in place

  std::vector<kv::WatchResponse> seen;
  const WatchHandle handle = watcher.watch(
      kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 1, false},
      [&](const kv::WatchResponse& r) { seen.push_back(r); });
  EXPECT_TRUE(seen.empty());  // never from inside watch()

  int written = 1;
  std::optional<Result<kv::Response>> pending;
  auto write_next = [&] {
    pending.reset();
    writer.call(put(str("a/", written % 3), std::to_string(written)),
                [&](Result<kv::Response> r) { pending = std::move(r); });
  };
  auto write_some = [&](int n) {
    for (int i = 0; i < n; ++i) {
      write_next();
      ASSERT_TRUE(run_until([&] { return pending.has_value(); }, 10s));
      ASSERT_TRUE(*pending) << pending->error().message;
      ++written;
    }
  };
  write_some(10);
  ASSERT_TRUE(run_until([&] { return watcher.watch_member(handle) != kNoNode; }, 1s));
  const NodeId watched = watcher.watch_member(handle);
  world().crash(watched);
  write_some(10);
  world().restart(watched);
  write_some(5);
  world().run_for(5s);
  EXPECT_NE(watcher.watch_member(handle), kNoNode);
  EXPECT_GE(watcher.stats().streams, 2u);

  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.front().events.empty());  // the "open" response
  std::vector<std::string> values;
  kv::Revision last = 0;
  for (const kv::WatchResponse& response : seen) {
    EXPECT_FALSE(response.canceled) << response.cancel_reason;
    for (const kv::Event& event : response.events) {
      EXPECT_GT(event.kv.mod_revision, last);  // ascending, no duplicate
      last = event.kv.mod_revision;
      values.push_back(kv::to_string(event.kv.value));
    }
  }
  std::vector<std::string> expected;
  for (int i = 0; i < written; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(values, expected);  // no gap
}

TEST_F(RemoteStoreClientTest, PassesOnACompactionCancelAndEndsTheWatch) {
  RemoteStoreClient& client = add_client("c1");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(call(client, put("a/k", std::to_string(i))));
  auto last = call(client, put("a/k", "last"));
  ASSERT_TRUE(last);
  ASSERT_TRUE(call(client, kv::CompactRequest{last->revision}));
  world().run_for(100ms);  // every member applies the compaction

  std::vector<kv::WatchResponse> seen;
  const WatchHandle handle = client.watch(
      kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 1, false},
      [&](const kv::WatchResponse& r) { seen.push_back(r); });
  ASSERT_TRUE(run_until([&] { return !seen.empty(); }, 2s));
  world().run_for(1s);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].canceled);
  EXPECT_EQ(seen[0].compact_revision, last->revision);
  EXPECT_EQ(client.watch_member(handle), kNoNode);
  EXPECT_EQ(client.stats().streams, 1u);
}

// Frames lost, duplicated and reordered (latency 1 to 30 ms): every write applies once, and the
// watch, resumed after the gaps the losses leave, still sees every change once and in order.
TEST_F(RemoteStoreClientTest, OverALossyNetworkWritesApplyOnceAndTheWatchMissesNothing) {
  RemoteStoreClient& writer = add_client("w");
  RemoteStoreClient& watcher = add_client("x");
  ASSERT_TRUE(call(writer, put("a/0", "0")));
  world().set_link_defaults(sim::LinkConfig{1ms, 30ms, 0.1, 0.1});

  std::vector<std::string> values;
  kv::Revision last = 0;
  watcher.watch(kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 1, false},
                [&](const kv::WatchResponse& r) {
                  EXPECT_FALSE(r.canceled) << r.cancel_reason;
                  for (const kv::Event& event : r.events) {
                    EXPECT_GT(event.kv.mod_revision, last);
                    last = event.kv.mod_revision;
                    values.push_back(kv::to_string(event.kv.value));
                  }
                });
  const int kWrites = 60;
  for (int i = 1; i < kWrites; ++i) {
    auto answer = call(writer, put(str("a/", i % 4), std::to_string(i)));
    ASSERT_TRUE(answer) << i << ": " << answer.error().message;
  }
  world().set_link_defaults(sim::LinkConfig{});
  std::vector<std::string> expected;
  for (int i = 0; i < kWrites; ++i) expected.push_back(std::to_string(i));
  ASSERT_TRUE(run_until([&] { return values.size() >= expected.size(); }, 10s));
  EXPECT_EQ(values, expected);
  EXPECT_GT(watcher.stats().resumed_after_gap + watcher.stats().resumed_after_silence, 0u);
  EXPECT_GT(writer.stats().attempts, static_cast<std::uint64_t>(kWrites));  // some were retried

  ASSERT_TRUE(kv.converge(5s)) << kv.first_violation();
  auto events = kv.reference_events();
  ASSERT_TRUE(events) << events.error().message;
  std::map<std::string, int> applied;
  for (const kv::Event& event : events->second) ++applied[kv::to_string(event.kv.value)];
  for (const std::string& value : expected) EXPECT_EQ(applied[value], 1) << value;
}

// A delete of 300 keys is one revision of 300 events, more than one WatchData carries
// (ClientGateway::kEventsPerData), so revisions span responses; over a lossy network the watch
// is resumed several times and still delivers every event once. (A stream ending exactly inside
// such a revision is scripted in remote_watch_script_test.cc.)
TEST_F(RemoteStoreClientTest, RevisionsLargerThanOneResponseArriveWholeAndOnceOverALossyNetwork) {
  RemoteStoreClient& writer = add_client("w");
  RemoteStoreClient& watcher = add_client("x");
  ASSERT_TRUE(call(writer, put("a/", "first")));
  std::map<std::pair<kv::Revision, std::string>, int> seen;  // (revision, key) -> times
  std::size_t events = 0;
  watcher.watch(kv::WatchRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 1, false},
                [&](const kv::WatchResponse& r) {
                  for (const kv::Event& event : r.events) {
                    ++seen[{event.kv.mod_revision, kv::to_string(event.kv.key)}];
                    ++events;
                  }
                });
  world().set_link_defaults(sim::LinkConfig{1ms, 30ms, 0.15, 0.05});
  const int kRounds = 8, kKeys = 300, kPerTxn = 100;
  std::size_t expected = 1;
  for (int round = 0; round < kRounds; ++round) {
    for (int from = 0; from < kKeys; from += kPerTxn) {
      kv::TxnRequest txn;
      for (int i = from; i < from + kPerTxn; ++i) {
        txn.success.push_back(put(str("a/", round, "/", 1000 + i), "v"));
      }
      ASSERT_TRUE(call(writer, std::move(txn)));
    }
    const Bytes prefix = kv::to_bytes(str("a/", round, "/"));
    ASSERT_TRUE(call(writer, kv::DeleteRangeRequest{prefix, kv::prefix_end(prefix), false}));
    expected += 2 * kKeys;
  }
  world().set_link_defaults(sim::LinkConfig{});
  ASSERT_TRUE(run_until([&] { return events >= expected; }, 20s));
  world().run_for(2s);
  EXPECT_EQ(events, expected);
  for (const auto& [at, times] : seen) EXPECT_EQ(times, 1) << at.second << "@" << at.first;
  EXPECT_EQ(seen.size(), expected);
  EXPECT_GT(watcher.stats().resumed_after_gap, 0u);
}

// The whole chain: a Mirror over the network while its machine is cut off from every member; the
// store changes and compacts meanwhile, so the resumed watch is refused for compaction and the
// mirror reads everything again.
TEST_F(RemoteStoreClientTest, AMirrorCutOffDuringACompactionReadsAgainAndCatchesUp) {
  RemoteStoreClient& writer = add_client("w");
  ClientProgram& program = add_program("m");
  ASSERT_TRUE(call(writer, put("a/keep", "1")));
  ASSERT_TRUE(call(writer, put("a/gone", "1")));
  int synced = 0;
  std::vector<std::string> changed;
  MirrorListener listener;
  listener.on_change = [&](const std::string& key, const std::optional<kv::KeyValue>&,
                           const std::optional<kv::KeyValue>&) { changed.push_back(key); };
  listener.on_synced = [&] { ++synced; };
  program.mirror = std::make_unique<Mirror>(program.env, program.client, "a/", listener);
  ASSERT_TRUE(run_until([&] { return synced == 1; }, 5s));
  EXPECT_EQ(changed, (std::vector<std::string>{"a/gone", "a/keep"}));
  changed.clear();

  for (NodeId member : kv.cluster().members()) {
    world().block(member, program.env.self);
    world().block(program.env.self, member);
  }
  ASSERT_TRUE(call(writer, put("a/new", "1")));
  ASSERT_TRUE(call(writer, kv::DeleteRangeRequest{kv::to_bytes("a/gone"), {}, false}));
  auto last = call(writer, put("a/keep", "2"));
  ASSERT_TRUE(last);
  ASSERT_TRUE(call(writer, kv::CompactRequest{last->revision}));
  world().run_for(4s);  // the watch falls silent and is resumed elsewhere, unheard
  world().heal();
  ASSERT_TRUE(run_until([&] { return synced == 2; }, 10s));
  EXPECT_EQ(changed, (std::vector<std::string>{"a/gone", "a/keep", "a/new"}));
  EXPECT_EQ(program.mirror->revision(), last->revision);
  EXPECT_EQ(program.mirror->entries().size(), 2u);

  ASSERT_TRUE(call(writer, put("a/later", "1")));  // watched again after the re-read
  ASSERT_TRUE(run_until([&] { return program.mirror->entries().contains("a/later"); }, 5s));
}

}  // namespace
}  // namespace keel::client
