#include "tests/sim/support/memory_store.h"

#include <gtest/gtest.h>

#include "sim/world.h"

namespace keel::sim {
namespace {

struct ClientProgram : Program {
  ClientProgram(Env& env, MemoryStore& store) : client(env, store, {.client_id = env.self}) {}
  MemoryStoreClient client;
};

ClientProgram& program_of(World& world, NodeId id) {
  return *static_cast<ClientProgram*>(world.host(id).program());
}

TEST(MemoryStore, AnswersLaterAndDeliversWatchEventsOnTheMachinesLoop) {
  MemoryStore store;  // outlives the world's programs
  World world(1);
  auto factory = [&store](Env& env) { return std::make_unique<ClientProgram>(env, store); };
  NodeId a = world.add_host("a", factory);
  NodeId b = world.add_host("b", factory);
  std::vector<kv::WatchResponse> seen;
  program_of(world, b).client.watch(kv::WatchRequest{kv::to_bytes("k"), {}, 0, false},
                                    [&](const kv::WatchResponse& r) { seen.push_back(r); });
  bool answered = false;
  program_of(world, a).client.call(kv::PutRequest{kv::to_bytes("k"), kv::to_bytes("v")},
                                   [&](Result<kv::Response> r) { answered = r.has_value(); });
  EXPECT_FALSE(answered);
  world.run_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(answered);
  ASSERT_EQ(seen.size(), 2u);  // opened, then the put
  EXPECT_TRUE(seen[0].events.empty());
  ASSERT_EQ(seen[1].events.size(), 1u);
  EXPECT_EQ(kv::to_string(seen[1].events[0].kv.value), "v");
}

TEST(MemoryStore, ACutMachineTimesOutAndCatchesUpOnItsWatchWhenHealed) {
  MemoryStore store;
  World world(2);
  NodeId a = world.add_host(
      "a", [&store](Env& env) { return std::make_unique<ClientProgram>(env, store); });
  std::vector<kv::Event> events;
  program_of(world, a).client.watch(kv::WatchRequest{kv::to_bytes("k"), {}, 0, false},
                                    [&](const kv::WatchResponse& r) {
                                      for (const auto& e : r.events) events.push_back(e);
                                    });
  world.run_for(std::chrono::milliseconds(1));
  store.cut(a);
  std::optional<Errc> error;
  program_of(world, a).client.call(kv::PutRequest{kv::to_bytes("x"), kv::to_bytes("1")},
                                   [&](Result<kv::Response> r) { error = r.error().code; });
  ASSERT_TRUE(store.apply(kv::PutRequest{kv::to_bytes("k"), kv::to_bytes("2")}).has_value());
  world.run_for(std::chrono::seconds(6));
  EXPECT_EQ(error, Errc::kTimeout);
  EXPECT_TRUE(events.empty());
  store.heal(a);
  world.run_for(std::chrono::milliseconds(1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(kv::to_string(events[0].kv.value), "2");
}

TEST(MemoryStore, AHeldWriteLandsAndIsAnsweredOnlyWhenReleasedInOrder) {
  MemoryStore store;
  World world(3);
  NodeId a = world.add_host(
      "a", [&store](Env& env) { return std::make_unique<ClientProgram>(env, store); });
  MemoryStoreClient& client = program_of(world, a).client;
  store.hold(a, "/held/");
  std::vector<std::string> answered;
  const auto put = [&](const std::string& key, const std::string& value) {
    client.call(kv::PutRequest{kv::to_bytes(key), kv::to_bytes(value)},
                [&answered, key](Result<kv::Response> r) {
                  EXPECT_TRUE(r.has_value());
                  answered.push_back(key);
                });
  };
  put("/held/x", "1");
  kv::TxnRequest txn;  // a txn counts by the keys it may write
  txn.failure.push_back(kv::PutRequest{kv::to_bytes("/held/y"), kv::to_bytes("2")});
  client.call(txn, [&](Result<kv::Response> r) {
    EXPECT_TRUE(r.has_value());
    answered.push_back("txn");
  });
  put("/free/z", "3");
  world.run_for(std::chrono::seconds(6));
  EXPECT_EQ(answered, std::vector<std::string>{"/free/z"});
  EXPECT_EQ(store.held(a), 2u);
  const auto stored = [&](const std::string& key) {
    auto r = store.apply(kv::RangeRequest{kv::to_bytes(key), {}});
    return !std::get<kv::RangeResponse>(r->result).kvs.empty();
  };
  EXPECT_FALSE(stored("/held/x"));
  store.cut(a);  // released writes were past the cut
  store.release(a);
  EXPECT_TRUE(stored("/held/x"));
  EXPECT_FALSE(stored("/held/y"));  // the txn's empty compare held: its failure branch did not run
  world.run_for(std::chrono::milliseconds(1));
  EXPECT_EQ(answered, (std::vector<std::string>{"/free/z", "/held/x", "txn"}));
  EXPECT_EQ(store.held(a), 0u);
}

}  // namespace
}  // namespace keel::sim
