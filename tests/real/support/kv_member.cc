#include "real/support/kv_member.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "real/support/run_loop.h"

namespace keel::real::testing {

KvMember::KvMember(boost::asio::io_context& io, http::ApiServerOptions options) {
  char pattern[] = "/tmp/keel-http-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  dir = pattern;
  PosixEnvConfig config;
  config.name = "n1";
  config.transport.self = 1;
  config.transport.cluster = 7;
  config.transport.listen = Endpoint{"127.0.0.1", 0};
  config.data_dir = dir + "/data";
  auto made = PosixEnv::create(io, config, log);
  if (!made) {
    ADD_FAILURE() << made.error().message;
    return;
  }
  env = std::move(*made);
  env->start();
  node::KvServiceConfig service_config;
  service_config.node.cluster = 7;
  service_config.node.members = {1};
  service_config.node.tick = std::chrono::milliseconds(10);
  service_config.machine.store.min_lease_ttl_seconds = 1;  // etcd v2 accepts ttl=1
  auto started = node::KvService::start(env->env(), std::move(service_config));
  if (!started) {
    ADD_FAILURE() << started.error().message;
    return;
  }
  service = std::move(*started);
  if (!run_until(io, [&] { return service->node().raft().role() == raft::Role::kLeader; })) {
    ADD_FAILURE() << "the member was not elected within 5 s";
    return;
  }
  backend = std::make_unique<http::KvServiceBackend>(*service);
  if (options.listen.port == 2379) options.listen = Endpoint{"127.0.0.1", 0};  // the default
  options.cluster_id = 7;
  auto server = std::make_unique<http::ApiServer>(io, *backend, std::move(options));
  if (Status listening = server->start(); !listening) {
    ADD_FAILURE() << listening.error().message;
    return;
  }
  api = std::move(server);
}

KvMember::~KvMember() {
  api.reset();
  backend.reset();
  service.reset();
  if (env) env->stop();
  env.reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
}

}  // namespace keel::real::testing
