// The v2 keys API over HTTP on one member (PosixEnv on a temporary directory, KvService,
// ApiServer, all on one io_context thread, clients too): requests per second by the number of
// concurrent keep-alive connections. PUTs go through Raft and the WAL's fsync (concurrent writes
// share entries); GETs are served from the member's store.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/node/kv_service.h"
#include "real/http/api_server.h"
#include "real/posix_env.h"

namespace keel::real {
namespace {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
constexpr int kRequestsPerConnection = 50;

// One keep-alive connection sending `left` requests one after the other.
struct BenchConnection {
  BenchConnection(boost::asio::io_context& io, std::uint16_t server_port, beast_http::verb method,
                  int number)
      : stream(io), port(server_port), verb(method), id(number) {}

  void start() {
    stream.async_connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
        [this](beast::error_code error) { error ? fail() : send(); });
  }
  void send() {
    request = {verb, "/v2/keys/bench/c" + std::to_string(id) + "-" + std::to_string(left % 8), 11};
    request.set(beast_http::field::host, "127.0.0.1");
    if (verb == beast_http::verb::put) {
      request.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
      request.body() = "value=" + std::string(100, 'v');
    }
    request.prepare_payload();
    beast_http::async_write(stream, request, [this](beast::error_code error, std::size_t) {
      if (error) return fail();
      response = {};
      beast_http::async_read(stream, buffer, response,
                             [this](beast::error_code read_error, std::size_t) {
                               if (read_error || response.result_int() >= 300) return fail();
                               if (--left > 0) return send();
                               done = true;
                             });
    });
  }
  void fail() {
    failed = true;
    done = true;
  }

  beast::tcp_stream stream;
  std::uint16_t port;
  beast_http::verb verb;
  int id;
  int left = kRequestsPerConnection;
  beast::flat_buffer buffer;
  beast_http::request<beast_http::string_body> request;
  beast_http::response<beast_http::string_body> response;
  bool done = false;
  bool failed = false;
};

struct Member {
  explicit Member(boost::asio::io_context& io) {
    char pattern[] = "/tmp/keel-http-bench-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return;
    dir = pattern;
    PosixEnvConfig config;
    config.name = "n1";
    config.transport.self = 1;
    config.transport.listen = Endpoint{"127.0.0.1", 0};
    config.data_dir = dir;
    auto made = PosixEnv::create(io, config, log);
    if (!made) return;
    env = std::move(*made);
    env->start();
    node::KvServiceConfig service_config;
    service_config.node.members = {1};
    service_config.node.tick = std::chrono::milliseconds(10);
    auto started = node::KvService::start(env->env(), std::move(service_config));
    if (!started) return;
    service = std::move(*started);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (service->node().raft().role() != raft::Role::kLeader &&
           std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(std::chrono::milliseconds(10));
    }
    backend = std::make_unique<http::KvServiceBackend>(*service);
    http::ApiServerOptions options;
    options.listen = Endpoint{"127.0.0.1", 0};
    api = std::make_unique<http::ApiServer>(io, *backend, options);
    if (!api->start()) api.reset();
  }
  ~Member() {
    api.reset();
    backend.reset();
    service.reset();
    if (env) env->stop();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  bool ready() const { return api && service->node().raft().role() == raft::Role::kLeader; }

  std::string dir;
  std::ostringstream log;
  std::unique_ptr<PosixEnv> env;
  std::unique_ptr<node::KvService> service;
  std::unique_ptr<http::KvServiceBackend> backend;
  std::unique_ptr<http::ApiServer> api;
};

// Runs kRequestsPerConnection requests on each of `connections` connections at once.
bool run_round(boost::asio::io_context& io, const Member& member, beast_http::verb verb,
               int connections) {
  std::vector<std::unique_ptr<BenchConnection>> clients;
  for (int i = 0; i < connections; ++i) {
    clients.push_back(std::make_unique<BenchConnection>(io, member.api->port(), verb, i));
    clients.back()->start();
  }
  const auto all_done = [&] {
    return std::all_of(clients.begin(), clients.end(), [](const auto& c) { return c->done; });
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(10));
  }
  return std::all_of(clients.begin(), clients.end(),
                     [](const auto& c) { return c->done && !c->failed; });
}

void run_requests(benchmark::State& state, beast_http::verb verb) {
  boost::asio::io_context io;
  Member member(io);
  if (!member.ready()) return state.SkipWithError("the member did not start");
  const int connections = static_cast<int>(state.range(0));
  // The keys exist before they are read.
  if (!run_round(io, member, beast_http::verb::put, connections)) {
    return state.SkipWithError("a request failed");
  }
  std::int64_t requests = 0;
  for (auto _ : state) {
    if (!run_round(io, member, verb, connections)) return state.SkipWithError("a request failed");
    requests += static_cast<std::int64_t>(connections) * kRequestsPerConnection;
  }
  state.SetItemsProcessed(requests);
  state.counters["replans"] = static_cast<double>(member.api->keys().replans());
}

void BM_V2Put(benchmark::State& state) { run_requests(state, beast_http::verb::put); }
void BM_V2Get(benchmark::State& state) { run_requests(state, beast_http::verb::get); }

BENCHMARK(BM_V2Put)->Arg(1)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_V2Get)->Arg(1)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace keel::real
