#include "sim/kv_cluster.h"

#include <gtest/gtest.h>

#include "core/codec/frame.h"
#include "core/env/str.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

kv::Request put(std::string_view key, std::string_view value, kv::LeaseId lease = 0) {
  kv::Request request;
  auto& p = request.op.emplace<kv::PutRequest>();
  p.key = kv::to_bytes(key);
  p.value = kv::to_bytes(value);
  p.lease = lease;
  return request;
}

kv::Request get(std::string_view key) {
  kv::Request request;
  request.op.emplace<kv::RangeRequest>().key = kv::to_bytes(key);
  return request;
}

// Grants a lease of `ttl` seconds through the leader; nullopt if it was not granted in time.
std::optional<kv::LeaseGrantResponse> grant_lease(KvCluster& cluster, std::int64_t ttl) {
  kv::Request grant;
  grant.op.emplace<kv::LeaseGrantRequest>().ttl = ttl;
  auto granted = cluster.call(grant, 5s);
  if (!granted || !*granted) return std::nullopt;
  return std::get<kv::LeaseGrantResponse>((*granted)->result);
}

TEST(KvCluster, ClientsAgreeWithTheModelWithoutFaults) {
  KvCluster cluster(1, KvClusterOptions{});
  cluster.start_clients(KvClientOptions{});
  cluster.world().run_for(5s);
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(5s)) << cluster.first_violation();
  EXPECT_TRUE(cluster.check_history()) << cluster.first_violation();
  EXPECT_GT(cluster.client_stats().answered, 300u);
  EXPECT_GT(cluster.client_stats().writes, 100u);
  EXPECT_GT(cluster.client_stats().reads, 100u);
  EXPECT_GT(cluster.client_stats().cas_failed, 0u);
  // Requests of one instant share an entry.
  const node::KvService* leader = cluster.service(cluster.leader());
  EXPECT_LT(leader->stats().batches_proposed, leader->stats().requests_proposed);
}

// Clients retry through leader crashes (losing unsynced writes), partitions that isolate the
// leader, and a lossy network; every answer must agree with the store's history.
// Returns the snapshots installed.
std::uint64_t run_faults(
    int members, std::uint64_t seed, std::size_t snapshot_every = 10000,
    std::size_t log_kept_below_snapshot = raft::Config{}.log_kept_below_snapshot) {
  KvClusterOptions options;
  options.cluster.members = members;
  options.cluster.node.snapshot_every = snapshot_every;
  options.cluster.node.raft.log_kept_below_snapshot = log_kept_below_snapshot;
  options.cluster.network = LinkConfig{1ms, 10ms, 0.02, 0.01};
  KvCluster cluster(seed, options);
  KvClientOptions clients;
  clients.clients = 4;
  cluster.start_clients(clients);
  World& world = cluster.world();
  for (int round = 0; round < 6; ++round) {
    world.run_for(1500ms);
    const NodeId lead = cluster.leader();
    if (lead == kNoNode) continue;
    if (round % 2 == 0) {
      world.crash(lead, round % 4 ? CrashMode::kCorruptTail : CrashMode::kLoseUnsynced);
      world.run_for(700ms);
      world.restart(lead);
    } else {
      world.isolate(lead);
      world.run_for(1500ms);
      world.heal();
    }
  }
  world.run_for(1s);
  cluster.stop_clients();
  world.run_for(2s);  // let the last requests settle
  EXPECT_TRUE(cluster.converge(10s)) << "seed " << seed << ": " << cluster.first_violation()
                                     << cluster.cluster().describe_members();
  EXPECT_TRUE(cluster.check_history()) << "seed " << seed << ": " << cluster.first_violation();
  EXPECT_GT(cluster.client_stats().answered, 100u) << "seed " << seed;
  EXPECT_GT(cluster.client_stats().retries, 0u) << "seed " << seed;
  EXPECT_GT(cluster.cluster().checker().elections(), 2u) << "seed " << seed;
  return cluster.cluster().checker().snapshots_installed();
}

TEST(KvCluster, ThreeMembersClientsRetryThroughFaults) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) run_faults(3, seed);
}

TEST(KvCluster, FiveMembersClientsRetryThroughFaults) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) run_faults(5, seed);
}

// Same seed, same run (DESIGN.md principle 2): the trace hash and the clients' answers repeat.
TEST(KvCluster, SameSeedSameRun) {
  auto run = [](std::uint64_t seed) {
    KvClusterOptions options;
    options.cluster.network = LinkConfig{1ms, 10ms, 0.02, 0.01};
    KvCluster cluster(seed, options);
    cluster.start_clients(KvClientOptions{});
    cluster.world().run_for(2s);
    cluster.world().crash(cluster.leader());
    cluster.world().run_for(2s);
    return std::make_pair(cluster.world().trace().hash(), cluster.client_stats().answered);
  };
  const auto first = run(9);
  EXPECT_EQ(run(9), first);
  EXPECT_NE(run(10).first, first.first);
}

// Members that fall behind catch up from snapshots of the store (sessions, leases and all).
TEST(KvCluster, ClientsRetryThroughFaultsWithFrequentSnapshots) {
  std::uint64_t installed = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) installed += run_faults(3, seed, 30, 10);
  EXPECT_GT(installed, 0u);
}

// A follower forwards writes with a session to the leader (in node frames) and relays the answer;
// one without a session (client 0) it refuses, since a duplicated frame could apply it twice.
TEST(KvService, FollowerForwardsWritesToTheLeader) {
  KvCluster cluster(2, KvClusterOptions{});
  ASSERT_TRUE(cluster.call(put("a", "1"), 5s));
  const NodeId lead = cluster.leader();
  const NodeId follower = lead % 3 + 1;
  cluster.world().run_for(200ms);
  std::vector<Result<kv::Response>> answers;
  auto keep = [&answers](Result<kv::Response> r) { answers.push_back(std::move(r)); };
  cluster.world().host(follower).post(Duration(0), [&] {
    node::KvService* s = cluster.service(follower);
    s->submit(put("a", "x"), keep);  // no session (client 0): not forwarded
    kv::Request write = put("a", "2");
    write.client = 7;
    write.seq = 1;
    s->submit(write, keep);
  });
  cluster.world().run_for(500ms);
  cluster.world().host(follower).post(Duration(0),
                                      [&] { cluster.service(follower)->submit(get("a"), keep); });
  cluster.world().run_for(500ms);
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_FALSE(answers[0]);
  EXPECT_EQ(answers[0].error().code, Errc::kNotLeader);
  ASSERT_TRUE(answers[1]) << answers[1].error().message;
  ASSERT_TRUE(answers[2]) << answers[2].error().message;
  const auto& range = std::get<kv::RangeResponse>(answers[2]->result);
  ASSERT_EQ(range.kvs.size(), 1u);
  EXPECT_EQ(kv::to_string(range.kvs[0].value), "2");
  EXPECT_EQ(range.kvs[0].mod_revision, answers[1]->revision);
  EXPECT_EQ(cluster.service(follower)->stats().forwarded, 1u);
  EXPECT_EQ(cluster.service(lead)->stats().forwards_served, 1u);
}

// The leader's answer to a request that a follower forwarded in an earlier life must not answer
// a request of its new life. Here the answer to A (forwarded, then the follower crashed) comes
// only once the restarted follower acknowledges A's entry, and by then it has forwarded B. With
// forward ids restarting at 1 in every life, B was answered with A's result, and the write was
// applied later at another revision (keelsim run scenarios/flapping-partitions.yaml --swarm
// --seed 13: a watcher saw a put at revision 42 whose client had been answered with 31).
TEST(KvService, AnAnswerToAnEarlierLifeOfAFollowerAnswersNothingOfItsNewLife) {
  KvCluster cluster(3, KvClusterOptions{});
  ASSERT_TRUE(cluster.call(put("a", "0"), 5s));
  const NodeId lead = cluster.leader();
  const NodeId follower = lead % 3 + 1;
  const NodeId third = 6 - lead - follower;  // members are n1, n2 and n3
  cluster.world().run_for(200ms);
  // Without the third member, the leader commits nothing until the follower acknowledges.
  cluster.world().partition({{lead, follower}, {third}});
  std::vector<Result<kv::Response>> answers;
  auto keep = [&answers](Result<kv::Response> r) { answers.push_back(std::move(r)); };
  cluster.world().host(follower).post(Duration(0), [&] {
    kv::Request a = put("a", "1");
    a.client = 7;
    a.seq = 1;
    cluster.service(follower)->submit(a, keep);  // forwarded; its waiter dies with the crash
  });
  cluster.world().run_for(100us);  // A is on its way to the leader, which cannot commit it yet
  cluster.world().crash(follower);
  cluster.world().restart(follower);
  cluster.world().host(follower).post(Duration(0), [&] {
    kv::Request b = put("b", "2");
    b.client = 8;
    b.seq = 1;
    cluster.service(follower)->submit(b, keep);  // forwarded once the leader is known again
  });
  cluster.world().run_for(2s);
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0]) << answers[0].error().message;
  // B's answer is B's: the revision at which b was written, and not a's.
  const auto b = cluster.call(get("b"), 5s);
  ASSERT_TRUE(b && b->has_value());
  const auto& range = std::get<kv::RangeResponse>((*b)->result);
  ASSERT_EQ(range.kvs.size(), 1u);
  EXPECT_EQ(range.kvs[0].mod_revision, answers[0]->revision);
  EXPECT_TRUE(std::holds_alternative<kv::PutResponse>(answers[0]->result));
}

// Without forwarding, a follower refuses writes naming the leader, serves serializable reads
// locally, and serves linearizable reads through ReadIndex (the leader confirms the index, §6.4).
TEST(KvService, FollowerRefusesWritesWithoutForwardingAndServesReads) {
  KvClusterOptions options;
  options.service.forward_to_leader = false;
  KvCluster cluster(2, options);
  auto written = cluster.call(put("a", "1"), 5s);
  ASSERT_TRUE(written && *written);
  const NodeId lead = cluster.leader();
  const NodeId follower = lead % 3 + 1;
  cluster.world().run_for(200ms);
  std::vector<Result<kv::Response>> answers;
  cluster.world().host(follower).post(Duration(0), [&] {
    node::KvService* s = cluster.service(follower);
    auto keep = [&answers](Result<kv::Response> r) { answers.push_back(std::move(r)); };
    s->submit(put("a", "2"), keep);
    s->submit(get("a"), keep, node::ReadMode::kSerializable);
    s->submit(get("a"), keep);
  });
  cluster.world().run_for(500ms);
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_FALSE(answers[0]);
  EXPECT_EQ(answers[0].error().code, Errc::kNotLeader);
  EXPECT_NE(answers[0].error().message.find(str("leader is n", lead)), std::string::npos)
      << answers[0].error().message;
  for (int i : {1, 2}) {
    ASSERT_TRUE(answers[i]) << answers[i].error().message;
    const auto& range = std::get<kv::RangeResponse>(answers[i]->result);
    ASSERT_EQ(range.kvs.size(), 1u);
    EXPECT_EQ(kv::to_string(range.kvs[0].value), "1");
  }
}

// Node frames that do not pass the frame checks, that carry another cluster's id, or whose
// payload is not a forwarded request or response are dropped and counted; the cluster carries on.
TEST(KvService, BadNodeFramesAreDroppedAndCounted) {
  KvCluster cluster(3, KvClusterOptions{});
  World& world = cluster.world();
  const NodeId stranger = world.add_host("x1", [](Env& env) {
    struct Stranger final : Program {
      explicit Stranger(Env& env) {
        const Bytes junk = {1, 2, 3, 4, 5};
        for (NodeId to = 1; to <= 3; ++to) {
          env.transport.send(to, codec::encode_node_frame(99, junk));  // foreign
          const SharedBytes valid = codec::encode_node_frame(1, junk);
          env.transport.send(to, valid.slice(valid.view().first(valid.size() - 2)));  // rejected
          Bytes flipped(valid.begin(), valid.end());
          flipped.back() ^= 0x10;
          env.transport.send(to, flipped);                            // rejected: CRC
          env.transport.send(to, codec::encode_node_frame(1, junk));  // a bad payload
        }
      }
    };
    return std::make_unique<Stranger>(env);
  });
  ASSERT_NE(stranger, kNoNode);
  cluster.start_clients(KvClientOptions{});
  world.run_for(3s);
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(5s)) << cluster.first_violation();
  EXPECT_TRUE(cluster.check_history()) << cluster.first_violation();
  for (NodeId id : cluster.cluster().members()) {
    const node::NodeStats& stats = cluster.cluster().node(id)->stats();
    EXPECT_EQ(stats.frames_foreign, 1u) << "n" << id;
    EXPECT_EQ(stats.frames_rejected, 2u) << "n" << id;
    EXPECT_EQ(cluster.service(id)->stats().forwards_rejected, 1u) << "n" << id;
  }
}

// A watcher on a follower sees every change of its prefix, in revision order, with no gap or
// duplicate, through leader crashes: the same events as the leader's store history.
TEST(KvService, AWatcherOnAFollowerSeesTheHistory) {
  KvCluster cluster(5, KvClusterOptions{});
  ASSERT_TRUE(cluster.call(put("x", "0"), 5s));
  const NodeId watcher_node = cluster.leader() % 3 + 1;
  kv::WatchRequest request;
  request.key = kv::to_bytes("k");
  request.range_end = kv::prefix_end(request.key);
  request.start_revision = 1;
  auto id = cluster.service(watcher_node)->watches().watch(request);
  ASSERT_TRUE(id) << id.error().message;
  std::vector<kv::Event> seen;
  auto drain = [&] {
    node::KvService* s = cluster.service(watcher_node);
    while (auto response = s->watches().poll(*id)) {
      ASSERT_FALSE(response->canceled) << response->cancel_reason;
      seen.insert(seen.end(), response->events.begin(), response->events.end());
    }
  };
  cluster.start_clients(KvClientOptions{});
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 20; ++i) {
      cluster.world().run_for(50ms);
      drain();
    }
    const NodeId lead = cluster.leader();
    if (lead != kNoNode && lead != watcher_node) {
      cluster.world().crash(lead);
      cluster.world().run_for(500ms);
      cluster.world().restart(lead);
      drain();
    }
  }
  cluster.stop_clients();
  ASSERT_TRUE(cluster.converge(10s)) << cluster.first_violation();
  drain();
  const kv::Store& store = cluster.service(watcher_node)->store();
  std::vector<kv::Event> history;
  ASSERT_TRUE(store.events(1, store.revision(), 1u << 20, history));
  std::erase_if(history, [](const kv::Event& e) { return kv::to_string(e.kv.key)[0] != 'k'; });
  ASSERT_GT(history.size(), 50u);
  ASSERT_EQ(seen.size(), history.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i].kv, history[i].kv) << i;
    ASSERT_EQ(seen[i].type, history[i].type) << i;
  }
}

// Back-pressure: past max_pending_requests, requests are refused at once with a clear error.
TEST(KvService, RefusesRequestsPastThePendingLimit) {
  KvClusterOptions options;
  options.service.max_pending_requests = 2;
  KvCluster cluster(3, options);
  ASSERT_TRUE(cluster.call(put("a", "0"), 5s));
  const NodeId lead = cluster.leader();
  std::vector<Result<kv::Response>> answers;
  cluster.world().host(lead).post(Duration(0), [&] {
    node::KvService* s = cluster.service(lead);
    for (int i = 0; i < 3; ++i) {
      s->submit(put("a", str(i)), [&answers](Result<kv::Response> r) { answers.push_back(r); });
    }
  });
  cluster.world().run_for(500ms);
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_FALSE(answers[0]);  // refused at once, before the others were answered
  EXPECT_EQ(answers[0].error().code, Errc::kLimitExceeded);
  EXPECT_TRUE(answers[1] && answers[2]);
  EXPECT_EQ(cluster.service(lead)->stats().refused_backpressure, 1u);
}

// Leases under clock drift and leader changes (a crash or a partition of the leader): the leader's
// clock decides expiry, every new
// leader gives every lease its whole TTL again, and no lease expires before its TTL has passed on
// the deciding leader's clock (the checker in KvCluster). The lease does expire in the end.
TEST(KvLease, NoExpiryBeforeTtlOnTheLeadersClockAcrossLeaderChanges) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    KvClusterOptions options;
    // A 1.5 s election timeout: the minimum TTL, 1.5 timeouts rounded up, is 3 s (above the
    // store's default minimum of 2 s).
    options.cluster.node.raft.election_ticks = 30;
    options.cluster.members = seed % 4 < 2 ? 3 : 5;
    KvCluster cluster(seed, options);
    World& world = cluster.world();
    // Clocks that run fast and slow.
    world.set_clock_rate(1, 1'300'000);
    world.set_clock_rate(2, 700'000);
    world.set_clock_rate(3, 1'100'000);
    if (options.cluster.members == 5) world.set_clock_rate(5, 600'000);
    const auto granted = grant_lease(cluster, 1);  // raised to the minimum
    ASSERT_TRUE(granted) << "seed " << seed;
    const kv::LeaseGrantResponse lease = *granted;
    EXPECT_EQ(lease.ttl, 3);
    ASSERT_TRUE(cluster.call(put("svc", "up", lease.id), 5s)) << "seed " << seed;
    // Kept alive for a while, then the leader crashes just after the last keep-alive.
    for (int i = 0; i < 8; ++i) {
      cluster.keep_alive(lease.id);
      world.run_for(300ms);
    }
    ASSERT_TRUE(cluster.keep_alive(lease.id)) << "seed " << seed;
    const NodeId first = cluster.leader();
    world.run_for(50ms);
    if (seed % 2) {
      world.crash(first);
      world.run_for(3s);
      world.restart(first);
    } else {
      // Cut off, the old leader keeps its Lessor until check-quorum deposes it; the others elect
      // a leader that promotes its own.
      world.isolate(first);
      world.run_for(3s);
      world.heal();
    }
    // A second change of leader with the lease still alive, if it is.
    if (const NodeId second = cluster.leader(); second != kNoNode) {
      world.crash(second);
      world.run_for(1s);
      world.restart(second);
    }
    world.run_for(12s);
    auto left = cluster.call(get("svc"), 5s);
    ASSERT_TRUE(left && *left) << "seed " << seed;
    EXPECT_TRUE(std::get<kv::RangeResponse>((*left)->result).kvs.empty())
        << "seed " << seed << ": the lease never expired";
    EXPECT_GE(cluster.leases_checked(), 1u) << "seed " << seed;
    EXPECT_TRUE(cluster.ok()) << "seed " << seed << ": " << cluster.first_violation();
  }
}

// A lease kept alive on whichever member leads never expires, through leader crashes and drift:
// each new leader gives it its whole TTL before it may expire anything.
TEST(KvLease, AKeptAliveLeaseSurvivesLeaderChanges) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    KvClusterOptions options;
    options.cluster.node.raft.election_ticks = 30;  // TTL 3 s
    KvCluster cluster(seed, options);
    World& world = cluster.world();
    world.set_clock_rate(1, 1'300'000);
    world.set_clock_rate(2, 800'000);
    const auto granted = grant_lease(cluster, 1);
    ASSERT_TRUE(granted) << "seed " << seed;
    const kv::LeaseGrantResponse lease = *granted;
    ASSERT_TRUE(cluster.call(put("svc", "up", lease.id), 5s)) << "seed " << seed;
    int renewed = 0;
    for (int i = 1; i <= 60; ++i) {
      renewed += cluster.keep_alive(lease.id) ? 1 : 0;  // fails while there is no leader
      world.run_for(300ms);
      if (i % 15 == 0 && cluster.leader() != kNoNode) {
        const NodeId lead = cluster.leader();
        world.crash(lead);
        world.run_for(300ms);
        world.restart(lead);
      }
    }
    EXPECT_GT(renewed, 30) << "seed " << seed;
    auto left = cluster.call(get("svc"), 5s);
    ASSERT_TRUE(left && *left) << "seed " << seed;
    EXPECT_EQ(std::get<kv::RangeResponse>((*left)->result).kvs.size(), 1u)
        << "seed " << seed << ": a kept-alive lease expired";
    EXPECT_EQ(cluster.leases_checked(), 0u) << "seed " << seed;
    EXPECT_TRUE(cluster.ok()) << "seed " << seed << ": " << cluster.first_violation();
  }
}

// LeaseTimeToLive reports the seconds left by the leader's Lessor, on the leader and (forwarded)
// through a follower; a keep-alive refills it.
TEST(KvLease, TimeToLiveReportsTheTimeLeft) {
  KvClusterOptions options;
  options.cluster.node.raft.election_ticks = 30;
  KvCluster cluster(7, options);
  const auto granted = grant_lease(cluster, 10);
  ASSERT_TRUE(granted);
  const kv::LeaseGrantResponse lease = *granted;
  ASSERT_EQ(lease.ttl, 10);
  cluster.world().run_for(4s);
  kv::Request query;
  query.op.emplace<kv::LeaseTimeToLiveRequest>().id = lease.id;
  auto on_leader = cluster.call(query, 5s);
  ASSERT_TRUE(on_leader && *on_leader);
  const auto left = std::get<kv::LeaseTimeToLiveResponse>((*on_leader)->result);
  EXPECT_EQ(left.granted_ttl, 10);
  EXPECT_GE(left.ttl, 5);
  EXPECT_LE(left.ttl, 6);

  // Through a follower: forwarded to the leader (it needs a session, as every forward does).
  const NodeId follower = cluster.leader() % 3 + 1;
  query.client = 77;
  query.seq = 1;
  auto through = std::make_shared<std::optional<Result<kv::Response>>>();
  cluster.world().host(follower).post(Duration(0), [&cluster, follower, query, through] {
    cluster.service(follower)->submit(query, [through](Result<kv::Response> r) { *through = r; });
  });
  cluster.world().run_for(500ms);
  ASSERT_TRUE(through->has_value() && **through)
      << (through->has_value() ? (*through)->error().message : "no answer");
  const auto forwarded = std::get<kv::LeaseTimeToLiveResponse>((**through)->result);
  EXPECT_GE(forwarded.ttl, 5);
  EXPECT_LE(forwarded.ttl, 6);
  EXPECT_EQ(cluster.service(follower)->stats().forwarded, 1u);

  ASSERT_TRUE(cluster.keep_alive(lease.id));
  auto refilled = cluster.call(query, 5s);
  ASSERT_TRUE(refilled && *refilled);
  EXPECT_EQ(std::get<kv::LeaseTimeToLiveResponse>((*refilled)->result).ttl, 10);
}

// Keep-alives sent to a follower are forwarded to the leader, whose Lessor renews the lease;
// once they stop, the lease expires.
TEST(KvLease, KeepAlivesThroughAFollowerAreForwarded) {
  KvClusterOptions options;
  options.cluster.node.raft.election_ticks = 30;  // TTL 3 s
  KvCluster cluster(6, options);
  const auto granted = grant_lease(cluster, 3);
  ASSERT_TRUE(granted);
  const kv::LeaseGrantResponse lease = *granted;
  ASSERT_TRUE(cluster.call(put("svc", "up", lease.id), 5s));
  const NodeId follower = cluster.leader() % 3 + 1;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(cluster.keep_alive(lease.id, follower)) << i;
    cluster.world().run_for(500ms);
  }
  auto alive = cluster.call(get("svc"), 5s);
  ASSERT_TRUE(alive && *alive);
  EXPECT_EQ(std::get<kv::RangeResponse>((*alive)->result).kvs.size(), 1u);
  EXPECT_EQ(cluster.service(follower)->stats().forwarded, 20u);
  EXPECT_FALSE(cluster.keep_alive(lease.id + 1, follower));  // unknown to the leader
  cluster.world().run_for(5s);
  auto gone = cluster.call(get("svc"), 5s);
  ASSERT_TRUE(gone && *gone);
  EXPECT_TRUE(std::get<kv::RangeResponse>((*gone)->result).kvs.empty());
  EXPECT_TRUE(cluster.ok()) << cluster.first_violation();
}

// Back-pressure on applying: with max_apply_lag 0, a write submitted while committed entries are
// still being applied (here: from the reply of the entry being applied) is refused, naming the lag.
TEST(KvService, RefusesWritesWhileApplyingLags) {
  KvClusterOptions options;
  options.service.max_apply_lag = 0;
  KvCluster cluster(4, options);
  ASSERT_TRUE(cluster.call(put("a", "0"), 5s));
  const NodeId lead = cluster.leader();
  node::KvService* s = cluster.service(lead);
  std::optional<Result<kv::Response>> chained;
  cluster.world().host(lead).post(Duration(0), [&] {
    s->submit(put("a", "1"), [&](Result<kv::Response> first) {
      ASSERT_TRUE(first);
      s->submit(put("a", "2"), [&](Result<kv::Response> r) { chained = std::move(r); });
    });
  });
  cluster.world().run_for(500ms);
  ASSERT_TRUE(chained.has_value());
  ASSERT_FALSE(*chained);
  EXPECT_EQ(chained->error().code, Errc::kUnavailable);
  EXPECT_NE(chained->error().message.find("applying lags committing by 1 entries"),
            std::string::npos)
      << chained->error().message;
  EXPECT_EQ(s->stats().refused_backpressure, 1u);
  // Once applied, writes go through again.
  EXPECT_TRUE(cluster.call(put("a", "3"), 5s));
}

// Requests of one instant are batched into entries of at most max_batch_requests.
TEST(KvService, BatchesAreBounded) {
  KvClusterOptions options;
  options.service.max_batch_requests = 2;
  KvCluster cluster(4, options);
  ASSERT_TRUE(cluster.call(put("a", "0"), 5s));
  const NodeId lead = cluster.leader();
  node::KvService* s = cluster.service(lead);
  const auto before = s->stats();
  int answered = 0;
  cluster.world().host(lead).post(Duration(0), [&] {
    for (int i = 0; i < 5; ++i) {
      s->submit(put("a", str(i)), [&answered](Result<kv::Response> r) { answered += r ? 1 : 0; });
    }
  });
  cluster.world().run_for(500ms);
  EXPECT_EQ(answered, 5);
  EXPECT_EQ(s->stats().requests_proposed - before.requests_proposed, 5u);
  EXPECT_EQ(s->stats().batches_proposed - before.batches_proposed, 3u);
}

}  // namespace
}  // namespace keel::sim
