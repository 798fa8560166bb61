// CallEngine on a simulated machine, with the test playing the store: it sees every attempt and
// answers (or not) by hand.
#include "core/client/call_engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "sim/world.h"

namespace keel::client {
namespace {

using namespace std::chrono_literals;

struct Sent {
  std::uint64_t attempt = 0;
  CallEngine::Job job;
  const kv::Request& request() const { return std::get<kv::Request>(job.what); }
};

struct EngineProgram : sim::Program {
  explicit EngineProgram(Env& env)
      : engine(
            env, {.client_id = 77, .timeout = 2s, .attempt_timeout = 300ms},
            [this](std::uint64_t attempt, const CallEngine::Job& job) {
              sent.push_back({attempt, job});
              if (answer_at_once) engine.answered(attempt, Result<kv::Response>(kv::Response{}));
            },
            [this](const std::optional<Error>& why) {
              redirects.push_back(why);
              return Duration(5ms);
            }) {}

  CallEngine engine;
  std::vector<Sent> sent;
  std::vector<std::optional<Error>> redirects;
  bool answer_at_once = false;
};

struct CallEngineTest : ::testing::Test {
  CallEngineTest() {
    machine = world.add_host("m", [](Env& env) { return std::make_unique<EngineProgram>(env); });
  }
  EngineProgram& program() { return *static_cast<EngineProgram*>(world.host(machine).program()); }
  CallEngine& engine() { return program().engine; }
  std::vector<Sent>& sent() { return program().sent; }

  // Calls a put and returns where its answer will land.
  std::shared_ptr<std::optional<Result<kv::Response>>> put() {
    auto answer = std::make_shared<std::optional<Result<kv::Response>>>();
    engine().call(
        kv::PutRequest{kv::to_bytes("k"), kv::to_bytes("v")},
        [answer](Result<kv::Response> r) { *answer = std::move(r); },
        node::ReadMode::kLinearizable);
    return answer;
  }

  sim::World world{3};
  NodeId machine = kNoNode;
};

TEST_F(CallEngineTest, AnswersOnTheLoopNeverInsideTheCall) {
  program().answer_at_once = true;
  auto answer = put();
  EXPECT_FALSE(answer->has_value());
  world.run_for(1ms);
  ASSERT_TRUE(answer->has_value());
  EXPECT_TRUE(**answer);
}

TEST_F(CallEngineTest, WritesCarryTheSessionOneAtATimeAndReadsGoWithoutIt) {
  auto first = put();
  auto second = put();
  engine().call(
      kv::RangeRequest{}, [](Result<kv::Response>) {}, node::ReadMode::kLinearizable);
  ASSERT_EQ(sent().size(), 2u);  // the first write and the read; the second write waits
  EXPECT_EQ(sent()[0].request().client, 77u);
  EXPECT_EQ(sent()[0].request().seq, 1u);
  EXPECT_EQ(sent()[1].request().client, 0u);
  engine().answered(sent()[0].attempt, Result<kv::Response>(kv::Response{}));
  ASSERT_EQ(sent().size(), 3u);
  EXPECT_EQ(sent()[2].request().seq, 2u);
}

TEST_F(CallEngineTest, RetriesWithTheSameSeqAndIgnoresARefusalOfAReplacedAttempt) {
  auto answer = put();
  engine().answered(sent()[0].attempt,
                    Result<kv::Response>(fail(Errc::kNotLeader, "the leader is n2")));
  ASSERT_EQ(program().redirects.size(), 1u);
  ASSERT_TRUE(program().redirects[0].has_value());
  EXPECT_EQ(program().redirects[0]->code, Errc::kNotLeader);
  world.run_for(10ms);  // the redirect's pause
  ASSERT_EQ(sent().size(), 2u);
  EXPECT_EQ(sent()[1].request(), sent()[0].request());
  world.run_for(300ms);  // no answer within the attempt timeout: a third attempt
  ASSERT_EQ(sent().size(), 3u);
  EXPECT_FALSE(program().redirects[1].has_value());
  // The second attempt's late refusal changes nothing; the first one's answer is the answer.
  engine().answered(sent()[1].attempt, Result<kv::Response>(fail(Errc::kUnavailable, "late")));
  EXPECT_EQ(program().redirects.size(), 2u);
  engine().answered(sent()[0].attempt, Result<kv::Response>(kv::Response{9, {}}));
  world.run_for(1ms);
  ASSERT_TRUE(answer->has_value() && **answer);
  EXPECT_EQ((*answer)->value().revision, 9);
  EXPECT_EQ(engine().pending(), 0u);
}

TEST_F(CallEngineTest, PassesADefiniteRefusalOnAtOnce) {
  auto answer = put();
  engine().answered(sent()[0].attempt,
                    Result<kv::Response>(fail(Errc::kLimitExceeded, "too many leases")));
  world.run_for(1ms);
  ASSERT_TRUE(answer->has_value());
  ASSERT_FALSE(**answer);
  EXPECT_EQ((*answer)->error().code, Errc::kLimitExceeded);
  EXPECT_EQ(sent().size(), 1u);
}

TEST_F(CallEngineTest, StartsANewSessionWhenTheStoreForgotTheOld) {
  auto first = put();
  engine().answered(sent()[0].attempt, Result<kv::Response>(kv::Response{}));
  auto second = put();
  ASSERT_EQ(sent()[1].request().seq, 2u);
  engine().answered(sent()[1].attempt,
                    Result<kv::Response>(fail(Errc::kNotFound,
                                              "unknown or expired session of client 77 (seq 2): "
                                              "start a new session at seq 1")));
  ASSERT_EQ(sent().size(), 3u);
  EXPECT_NE(sent()[2].request().client, 77u);
  EXPECT_NE(sent()[2].request().client, 0u);
  EXPECT_EQ(sent()[2].request().seq, 1u);
  EXPECT_EQ(engine().session(), sent()[2].request().client);
  // A kNotFound that is not about the session is the answer.
  engine().answered(sent()[2].attempt, Result<kv::Response>(fail(Errc::kNotFound, "no lease")));
  world.run_for(1ms);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->error().code, Errc::kNotFound);
}

TEST_F(CallEngineTest, TimesOutAndTheWriteWaitingBehindTakesTheNextSeq) {
  auto stuck = put();
  world.run_for(1s);
  auto waiting = put();
  world.run_for(999ms);
  for (const Sent& s : sent()) EXPECT_EQ(s.request().seq, 1u);  // the waiting one is not sent
  world.run_for(1ms);
  ASSERT_TRUE(stuck->has_value());
  EXPECT_EQ((*stuck)->error().code, Errc::kTimeout);
  ASSERT_EQ(sent().back().request().seq, 2u);  // seq 1 may have applied: never reused
  engine().answered(sent().back().attempt, Result<kv::Response>(kv::Response{}));
  world.run_for(1ms);
  ASSERT_TRUE(waiting->has_value());
  EXPECT_TRUE(**waiting);
}

TEST_F(CallEngineTest, KeepAlivesGetTheirTtlAndCarryNoSession) {
  std::optional<Result<std::int64_t>> ttl;
  engine().keep_alive(5, [&](Result<std::int64_t> r) { ttl = r; });
  ASSERT_EQ(sent().size(), 1u);
  EXPECT_EQ(std::get<kv::LeaseId>(sent()[0].job.what), 5);
  engine().answered(sent()[0].attempt, Result<std::int64_t>(fail(Errc::kNotLeader, "no leader")));
  world.run_for(10ms);
  ASSERT_EQ(sent().size(), 2u);
  engine().answered(sent()[1].attempt, Result<std::int64_t>(12));
  world.run_for(1ms);
  ASSERT_TRUE(ttl && *ttl);
  EXPECT_EQ(**ttl, 12);
}

TEST_F(CallEngineTest, DestroyedWithAnAnswerQueuedNeverCallsBack) {
  program().answer_at_once = true;
  auto answer = put();
  world.crash(machine);  // destroys the program with its engine
  world.run_for(1s);
  EXPECT_FALSE(answer->has_value());
}

}  // namespace
}  // namespace keel::client
