// LeasedKeys against a store whose answers the test gives by hand: nothing without a lease, one
// write in flight per key carrying the latest wish, rewrites under a new lease, retries, and
// guarded puts (their txn, order, outcomes, cancellation and retries).
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

// A guarded put as sent: the txn's compare and its one put.
struct GuardedPut {
  Put put;
  fleet::WriteGuard guard;
};
GuardedPut as_guarded(const kv::Operation& op) {
  const auto& txn = std::get<kv::TxnRequest>(op);
  EXPECT_EQ(txn.compare.size(), 1u);
  EXPECT_EQ(txn.success.size(), 1u);
  EXPECT_TRUE(txn.failure.empty());
  const kv::Compare& compare = txn.compare.at(0);
  EXPECT_EQ(compare.target, kv::Compare::Target::kMod);
  EXPECT_EQ(compare.op, kv::Compare::Op::kEqual);
  const auto& put = std::get<kv::PutRequest>(txn.success.at(0));
  return {{kv::to_string(put.key), kv::to_string(put.value), put.lease},
          {kv::to_string(compare.key), compare.number}};
}
Result<kv::Response> txn_answer(bool succeeded) {
  return kv::Response{3, kv::TxnResponse{succeeded, {}}};
}

// Records the outcomes a guarded put's completion gets.
struct Outcomes {
  GuardedDone done() {
    return [this](GuardedOutcome outcome) { seen.push_back(outcome); };
  }
  std::vector<GuardedOutcome> seen;
};

const WriteGuard kGuard{"/a/k", 41};

TEST_F(LeasedKeysTest, SendsAGuardedPutAfterTheWriteInFlightAndReportsItWritten) {
  Outcomes outcomes;
  keys().attach(7);
  keys().set("k", "inactive");
  keys().set_guarded("k", "activating", kGuard, outcomes.done());
  ASSERT_EQ(store().calls.size(), 1u) << "the guarded put waits for the write in flight";
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "inactive", 7}));
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_TRUE(outcomes.seen.empty());
  const GuardedPut sent = as_guarded(store().answer(txn_answer(true)));
  EXPECT_EQ(sent.put, (Put{"k", "activating", 7}));
  EXPECT_EQ(sent.guard, kGuard);
  EXPECT_EQ(outcomes.seen, std::vector<GuardedOutcome>{GuardedOutcome::kWritten});
  EXPECT_TRUE(keys().settled());
  // Sent even when the store is known to hold the value: the compare is the point.
  keys().set_guarded("k", "activating", kGuard, outcomes.done());
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_FALSE(keys().settled());
  store().answer(txn_answer(true));
  EXPECT_EQ(outcomes.seen.size(), 2u);
}

TEST_F(LeasedKeysTest, ARefusedGuardedPutIsDroppedAndTheStoreKeepsWhatItHeld) {
  Outcomes outcomes;
  keys().attach(7);
  keys().set("k", "inactive");
  store().succeed();
  keys().set_guarded("k", "activating", kGuard, outcomes.done());
  store().answer(txn_answer(false));
  EXPECT_EQ(outcomes.seen, std::vector<GuardedOutcome>{GuardedOutcome::kRefused});
  EXPECT_EQ(keys().stats().refused, 1u);
  EXPECT_TRUE(keys().settled());
  world.run_for(milliseconds(500));
  EXPECT_TRUE(store().calls.empty()) << "a refused put is not retried";
  keys().set("k", "inactive");  // what the store holds: nothing to write
  EXPECT_TRUE(store().calls.empty());
  // A refused put of a key never written leaves nothing to own: the key is forgotten.
  keys().set_guarded("new", "activating", kGuard, outcomes.done());
  store().answer(txn_answer(false));
  keys().attach(8);
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "inactive", 8}));
  EXPECT_TRUE(store().calls.empty());
}

TEST_F(LeasedKeysTest, ALaterWishCancelsAGuardedPutWhetherSentOrNot) {
  Outcomes outcomes;
  keys().attach(7);
  keys().set("k", "inactive");
  keys().set_guarded("k", "activating", kGuard, outcomes.done());
  keys().set("k", "failed");  // before the guarded put was sent: it never is
  store().succeed();
  EXPECT_EQ(as_put(store().succeed()), (Put{"k", "failed", 7}));
  keys().set_guarded("k", "activating", kGuard, outcomes.done());
  keys().erase("k");  // while it is in flight: it may land, but nobody is told
  as_guarded(store().answer(txn_answer(true)));
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<kv::DeleteRangeRequest>(
      store().answer(kv::Response{4, kv::DeleteRangeResponse{1, {}}})));
  EXPECT_TRUE(outcomes.seen.empty());
  EXPECT_TRUE(keys().settled());
}

TEST_F(LeasedKeysTest, RetriesAGuardedPutWithItsGuardUnderTheCurrentLease) {
  Outcomes outcomes;
  keys().attach(7);
  keys().set_guarded("k", "activating", kGuard, outcomes.done());
  store().answer(fail(Errc::kTimeout, "no answer"));
  world.run_for(milliseconds(101));
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_EQ(as_guarded(store().answer(fail(Errc::kNotFound, "lease not found"))).guard, kGuard);
  EXPECT_TRUE(outcomes.seen.empty());
  keys().attach(8);
  keys().attach(9);  // the put under 8 lands after the lease changed: sent again under 9
  ASSERT_EQ(store().calls.size(), 1u);
  EXPECT_EQ(as_guarded(store().answer(txn_answer(true))).put.lease, 8);
  EXPECT_TRUE(outcomes.seen.empty());
  ASSERT_EQ(store().calls.size(), 1u);
  const GuardedPut last = as_guarded(store().answer(txn_answer(true)));
  EXPECT_EQ(last.put, (Put{"k", "activating", 9}));
  EXPECT_EQ(last.guard, kGuard);
  EXPECT_EQ(outcomes.seen, std::vector<GuardedOutcome>{GuardedOutcome::kWritten});
}

}  // namespace
}  // namespace keel::fleet
