// The v2 keys API on a three-member cluster in-process (three PosixEnvs and KvServices on one
// io_context, each member with its own ApiServer): writes sent to followers are forwarded to the
// leader, reads and waits on any member see them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "core/node/kv_service.h"
#include "real/http/api_server.h"
#include "real/posix_env.h"
#include "real/support/http_client.h"
#include "real/support/json_shape.h"
#include "real/support/run_loop.h"

namespace keel::real {
namespace {

namespace beast_http = boost::beast::http;
constexpr int kMembers = 3;

class V2KeysClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/keel-http-cluster-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    for (NodeId id = 1; id <= kMembers; ++id) {
      PosixEnvConfig config;
      config.name = "n" + std::to_string(id);
      config.transport.self = id;
      config.transport.cluster = 9;
      config.transport.listen = Endpoint{"127.0.0.1", 0};
      config.data_dir = dir_ + "/n" + std::to_string(id);
      auto made = PosixEnv::create(io_, config, log_);
      ASSERT_TRUE(made) << made.error().message;
      envs_.push_back(std::move(*made));
    }
    for (auto& env : envs_) {
      for (NodeId id = 1; id <= kMembers; ++id) {
        const Endpoint peer{"127.0.0.1", envs_[id - 1]->transport().listen_port()};
        if (id != env->env().self) {
          ASSERT_TRUE(env->transport().set_peer(id, peer));
        }
      }
      env->start();
      node::KvServiceConfig config;
      config.node.cluster = 9;
      config.node.members = {1, 2, 3};
      config.node.tick = std::chrono::milliseconds(10);
      auto started = node::KvService::start(env->env(), std::move(config));
      ASSERT_TRUE(started) << started.error().message;
      services_.push_back(std::move(*started));
    }
    ASSERT_TRUE(testing::run_until(io_, [&] { return leader() != nullptr; }));
    for (auto& service : services_) {
      backends_.push_back(std::make_unique<http::KvServiceBackend>(*service));
      http::ApiServerOptions options;
      options.listen = Endpoint{"127.0.0.1", 0};
      apis_.push_back(std::make_unique<http::ApiServer>(io_, *backends_.back(), options));
      ASSERT_TRUE(apis_.back()->start());
      // Every member knows the leader before the test talks to it.
      ASSERT_TRUE(
          testing::run_until(io_, [&] { return service->node().raft().leader() != kNoNode; }));
    }
  }

  void TearDown() override {
    apis_.clear();
    backends_.clear();
    services_.clear();
    for (auto& env : envs_) env->stop();
    envs_.clear();
    std::filesystem::remove_all(dir_);
  }

  node::KvService* leader() {
    for (auto& service : services_) {
      if (service->node().raft().role() == raft::Role::kLeader) return service.get();
    }
    return nullptr;
  }
  // The index of a member that is not the leader.
  std::size_t follower() {
    for (std::size_t i = 0; i < services_.size(); ++i) {
      if (services_[i].get() != leader()) return i;
    }
    return 0;
  }
  testing::HttpTestClient client(std::size_t member) {
    return testing::HttpTestClient(io_, apis_[member]->port());
  }

  boost::asio::io_context io_;
  std::string dir_;
  std::ostringstream log_;
  std::vector<std::unique_ptr<PosixEnv>> envs_;
  std::vector<std::unique_ptr<node::KvService>> services_;
  std::vector<std::unique_ptr<http::KvServiceBackend>> backends_;
  std::vector<std::unique_ptr<http::ApiServer>> apis_;
};

TEST_F(V2KeysClusterTest, FollowersForwardWritesAndServeReadsAndWaits) {
  const std::size_t on_follower = follower();
  testing::HttpTestClient follower_client = client(on_follower);
  const std::size_t other = (on_follower + 1) % kMembers;
  testing::HttpTestClient other_client = client(other);

  auto wait = other_client.start(beast_http::verb::get, "/v2/keys/svc?wait=true&recursive=true");
  ASSERT_TRUE(testing::run_until(io_, [&] { return apis_[other]->keys().waits() == 1; }));
  const testing::HttpReply set = follower_client.put("/v2/keys/svc/web", "value=10.0.0.1");
  EXPECT_EQ(set.status, 201u) << set.body;
  EXPECT_GE(services_[on_follower]->stats().forwarded, 1u);
  EXPECT_EQ(testing::json_shape(other_client.finish(wait).body),
            "{\"action\":\"set\",\"node\":{\"key\":\"/svc/web\",\"value\":\"10.0.0.1\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  // A quorum read on any member sees the write; so does a CAS planned on a follower.
  for (std::size_t member = 0; member < kMembers; ++member) {
    const testing::HttpReply read = client(member).get("/v2/keys/svc/web?quorum=true");
    EXPECT_EQ(read.status, 200u) << "member " << member << ": " << read.body;
  }
  EXPECT_EQ(follower_client.put("/v2/keys/svc/web?prevValue=10.0.0.1", "value=10.0.0.2").status,
            200u);
  EXPECT_EQ(follower_client.put("/v2/keys/svc/web?prevValue=10.0.0.1", "value=10.0.0.3").status,
            412u);
  EXPECT_EQ(other_client.del("/v2/keys/svc?recursive=true").status, 200u);
  EXPECT_EQ(follower_client.get("/v2/keys/svc/web?quorum=true").status, 404u);
  EXPECT_EQ(follower_client.get("/health").body, "{\"health\":\"true\"}");
}

}  // namespace
}  // namespace keel::real
