#include "real/support/etcd_server.h"

#include <chrono>

#include "core/env/str.h"
#include "real/keelctl/http_client.h"
#include "real/support/keeld_process.h"

namespace keel::real::testing {

Result<std::unique_ptr<EtcdServer>> EtcdServer::start() {
  const auto binary = find_in_path("etcd");
  if (!binary) {
    return fail(Errc::kUnavailable, "etcd is not installed (scripts/setup installs etcd-server)");
  }
  std::unique_ptr<EtcdServer> server(new EtcdServer());
  const std::uint16_t client = free_port();
  std::uint16_t peer = free_port();
  while (peer == client) peer = free_port();
  server->client_url_ = str("http://127.0.0.1:", client);
  const std::string peer_url = str("http://127.0.0.1:", peer);
  server->process_ = std::make_unique<Subprocess>(
      *binary,
      std::vector<std::string>{"--enable-v2=true", "--name", "default", "--data-dir",
                               server->dir_ / "data", "--listen-client-urls", server->client_url_,
                               "--advertise-client-urls", server->client_url_, "--listen-peer-urls",
                               peer_url, "--initial-advertise-peer-urls", peer_url,
                               "--initial-cluster", str("default=", peer_url)},
      server->dir_ / "stdout", server->dir_ / "etcd.log");

  const keelctl::HttpUrl url{"127.0.0.1", client, server->client_url_};
  const bool healthy = wait_for(
      [&] {
        auto answer = keelctl::http_exchange(
            url, {.method = "GET", .target = "/health", .body = ""},
            {.connect = std::chrono::seconds(1), .answer = std::chrono::seconds(1)});
        return answer && answer->status == 200;
      },
      std::chrono::seconds(20));
  if (!healthy) {
    return fail(Errc::kUnavailable,
                str("etcd did not become healthy within 20s; its log:\n", server->log()));
  }
  return server;
}

std::string EtcdServer::log() const { return read_text(dir_ / "etcd.log"); }

}  // namespace keel::real::testing
