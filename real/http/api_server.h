// ApiServer: keeld's client HTTP API on one member: an HttpServer with the routes etcd 3.4 serves
// to v2 clients (curl scripts, ETCDCTL_API=2 etcdctl):
//   /v2/keys/...  the v2 keys API (v2_keys_api.h)
//   /v2/members   the members given at construction, as etcd lists them (etcdctl syncs from it)
//   /version      {"etcdserver":"3.4.0-keel","etcdcluster":"3.4.0"}
//   /health       {"health":"true"} with 200 while the member knows a leader, else "false" / 503
//   /metrics      the text of the metrics callback (Prometheus text format), if one is given
//   /fleet/v1/..., /v1/services/...   the fleet API (fleet_api.h), if one is given
//   /fleet/v1/journal/<unit>           this machine's unit logs (journal_api.h), if a directory is
//                                      given
// Everything runs on the member's io_context thread, the one its KvService runs on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "real/endpoint.h"
#include "real/http/fleet_api.h"
#include "real/http/http_server.h"
#include "real/http/kv_backend.h"
#include "real/http/v2_keys_api.h"

namespace keel::real::http {

struct ApiMember {
  std::uint64_t id = 0;
  std::string name;
  std::vector<std::string> peer_urls;    // "http://10.0.0.1:2380"
  std::vector<std::string> client_urls;  // "http://10.0.0.1:2379"
};

struct ApiServerOptions {
  Endpoint listen{"127.0.0.1", 2379};
  HttpLimits limits;
  std::uint64_t cluster_id = 0;
  std::vector<ApiMember> members;
  std::function<std::string()> metrics;  // may be empty: /metrics is then 404
  FleetApi* fleet = nullptr;             // may be null: the fleet routes are then 404
  std::string journal_log_dir;           // may be empty: /fleet/v1/journal/ is then 404
};

class ApiServer {
 public:
  ApiServer(boost::asio::io_context& io, KvBackend& backend, ApiServerOptions options);
  ~ApiServer();

  Status start() { return http_.start(); }
  void stop() { http_.stop(); }
  std::uint16_t port() const { return http_.port(); }
  HttpServerStats stats() const { return http_.stats(); }
  const V2KeysApi& keys() const { return keys_; }

 private:
  void add_routes();

  KvBackend& backend_;
  ApiServerOptions options_;
  V2KeysApi keys_;
  HttpServer http_;  // after keys_: stopped and destroyed first
};

// The JSON of /v2/members.
std::string members_json(const std::vector<ApiMember>& members);

}  // namespace keel::real::http
