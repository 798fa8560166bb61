// LeasedKeys against a store whose answers the test gives by hand: nothing without a lease, one
// write in flight per key carrying the latest wish, rewrites under a new lease, retries.
#include "core/fleet/leased_keys.h"

#include <gtest/gtest.h>

#include <deque>
#include <ostream>

#include "core/env/assert.h"
#include "sim/world.h"

namespace keel::fleet {
namespace {

using std::chrono::milliseconds;

// A StoreClient whose calls wait until the test answers them, oldest first.
class HeldCalls final : public client::StoreClient {
 public:
  struct Call {
    kv::Operation op;
    Done done;
  };
  void call(kv::Operation op, Done done, node::ReadMode) override {
    calls.push_back({std::move(op), std::move(done)});
  }
  void keep_alive(kv::LeaseId, KeepAliveDone) override { KEEL_UNREACHABLE("no keep-alives"); }
  client::WatchHandle watch(kv::WatchRequest, WatchHandler) override {
    KEEL_UNREACHABLE("no watches");
  }
  void cancel_watch(client::WatchHandle) override {}

  // Answers the oldest call; returns what it asked.
  kv::Operation answer(Result<kv::Response> result) {
    EXPECT_FALSE(calls.empty());
    Call call = std::move(calls.front());
    calls.pop_front();
    call.done(std::move(result));
    return call.op;
  }
  kv::Operation succeed() { return answer(kv::Response{1, kv::PutResponse{}}); }

  std::deque<Call> calls;
};

struct KeysProgram : sim::Program {
  explicit KeysProgram(Env& env) : keys(env, store, milliseconds(100)) {}
  HeldCalls store;
  LeasedKeys keys;
};

struct Put {
  std::string key;
  std::string value;
  kv::LeaseId lease;
  bool operator==(const Put&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const Put& put) {
    return out << put.key << "=" << put.value << " lease " << put.lease;
  }
};
Put as_put(const kv::Operation& op) {
  const auto& put = std::get<kv::PutRequest>(op);
  return {kv::to_string(put.key), kv::to_string(put.value), put.lease};
}

class LeasedKeysTest : public ::testing::Test {
 protected:
  LeasedKeysTest()
      : id(world.add_host("m", [](Env& env) { return std::make_unique<KeysProgram>(env); })) {}
  KeysProgram& program() { return *static_cast<KeysProgram*>(world.host(id).program()); }
  HeldCalls& store() { return program().store; }
  LeasedKeys& keys() { return program().keys; }

  sim::World world{1};
  NodeId id;
};

TEST_F(LeasedKeysTest, WritesNothingWithoutALease) {
  keys().set("k", "a");
  EXPECT_TRUE(store().calls.empty());
  EXPECT_FALSE(keys().settled());
  keys().attach(7);
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "a", 7}));
  EXPECT_TRUE(keys().settled());
  keys().detach();
  keys().set("k", "b");
  EXPECT_TRUE(store().calls.empty());
}

TEST_F(LeasedKeysTest, KeepsOneWriteInFlightPerKeyAndSendsTheLatestWish) {
  keys().attach(7);
  keys().set("k", "a");
  keys().set("other", "x");
  keys().set("k", "b");
  keys().set("k", "c");
  ASSERT_EQ(store().calls.size(), 2u);  // one per key
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "a", 7}));
  ASSERT_EQ(store().calls.size(), 2u);
  EXPECT_EQ(as_put(store().succeed()), (Put{"other", "x", 7}));
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "c", 7}));  // b was never sent
  EXPECT_TRUE(store().calls.empty());
  EXPECT_TRUE(keys().settled());
  EXPECT_EQ(keys().stats().puts, 3u);
}

TEST_F(LeasedKeysTest, ErasesAWrittenKeyAndForgetsIt) {
  keys().attach(7);
  keys().erase("never-written");
  EXPECT_TRUE(store().calls.empty());
  keys().set("k", "a");
  keys().erase("k");  // while the put is in flight
  store().succeed();
  ASSERT_EQ(store().calls.size(), 1u);
  const auto op = store().answer(kv::Response{2, kv::DeleteRangeResponse{1, {}}});
  EXPECT_EQ(kv::to_string(std::get<kv::DeleteRangeRequest>(op).key), "k");
  EXPECT_TRUE(keys().settled());
  keys().attach(8);  // a forgotten key is not rewritten
  EXPECT_TRUE(store().calls.empty());
}

TEST_F(LeasedKeysTest, RewritesEveryKeyUnderANewLease) {
  keys().attach(7);
  keys().set("a", "1");
  keys().set("b", "2");
  store().succeed();
  keys().attach(8);  // b's write under 7 is still in flight
  ASSERT_EQ(store().calls.size(), 2u);
  EXPECT_EQ(as_put(store().succeed()), (Put{"b", "2", 7}));
  EXPECT_EQ(as_put(store().succeed()), (Put{"a", "1", 8}));
  EXPECT_EQ(as_put(store().succeed()), (Put{"b", "2", 8}));
  EXPECT_TRUE(keys().settled());
}

TEST_F(LeasedKeysTest, RetriesAFailedWriteAfterTheDelayButNotOneForAGoneLease) {
  keys().attach(7);
  keys().set("k", "a");
  store().answer(fail(Errc::kTimeout, "no answer"));
  EXPECT_TRUE(store().calls.empty());
  world.run_for(milliseconds(99));
  EXPECT_TRUE(store().calls.empty());
  world.run_for(milliseconds(2));
  ASSERT_EQ(store().calls.size(), 1u);
  store().answer(fail(Errc::kNotFound, "lease not found"));
  world.run_for(milliseconds(500));
  EXPECT_TRUE(store().calls.empty());
  EXPECT_EQ(keys().stats().failed, 2u);
  keys().attach(9);
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "a", 9}));
}

}  // namespace
}  // namespace keel::fleet
