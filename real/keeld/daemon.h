// Daemon: one keeld process's life, on one io_context thread (DESIGN.md principle 1).
//
// start(): builds the PosixEnv (binds the peer address), claims the data directory (data_dir.h),
// starts the KvService (its Node recovers the WAL and snapshots the directory holds) and, beside
// it, the member's fleet services (core/node/fleet_services.h: engine, agent, catalog; the machine
// record from --name, --advertise-ip, --metadata, --capacity, --lease-ttl), lets peers connect,
// starts the client listener (with the fleet API), and handles SIGTERM and SIGINT. Every trace
// event is one log line (real/stream_trace_sink.h), text or JSON.
//
// A worker (--role worker) runs as keeld's Worker instead (worker.h); run_keeld picks.
//
// Stopping: on SIGTERM or SIGINT the node is destroyed (every Ready it produced is already
// synced: Node persists before it sends), the transport closed and the loop stopped; the exit code
// is then 0. If the node stops itself after a storage failure, keeld exits with 1.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>

#include "core/node/fleet_services.h"
#include "core/node/kv_service.h"
#include "core/node/member_attributes.h"
#include "real/asio_health_prober.h"
#include "real/http/api_server.h"
#include "real/http/fleet_api.h"
#include "real/http/kv_backend.h"
#include "real/keeld/config.h"
#include "real/keeld/latency_histogram.h"
#include "real/keeld/timed_file_system.h"
#include "real/posix_env.h"

namespace keel::real::keeld {

// Exit codes: 0 after a signal, 1 when starting or running failed, 2 for a bad configuration
// (including a data directory that belongs to another cluster or member).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

class Daemon {
 public:
  // Errors name what failed (the flag, the file and offset of a corrupt WAL, both identities of
  // a foreign data directory). `log` must outlive the daemon.
  static Result<std::unique_ptr<Daemon>> start(boost::asio::io_context& io, KeeldConfig config,
                                               std::ostream& log);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // The exit code once the loop has stopped (0 if it stopped for a signal).
  int exit_code() const { return exit_code_.value_or(kExitFailure); }
  // The Prometheus text for /metrics (metrics.h); call on the loop while the node runs.
  std::string metrics_text();

 private:
  Daemon(boost::asio::io_context& io, KeeldConfig config);
  Status start_node(std::ostream& log);
  // The client API (real/http/: etcd's v2 keys API, /v2/members, /version, /health, /metrics) on
  // the same io_context, over service_.
  Status start_client_listener();
  void start_fleet();
  void wait_for_signal();
  void watch_node();
  // Destroys the node, closes the transport and stops the loop with `code`.
  void shut_down(std::string_view reason, int code);

  boost::asio::io_context& io_;
  KeeldConfig config_;
  LatencyHistogram wal_fsync_;
  std::unique_ptr<PosixEnv> posix_;
  std::optional<TimedFileSystem> fs_;
  std::optional<Env> env_;  // posix_'s, with fs_ in place of its file system
  std::unique_ptr<node::KvService> service_;
  std::unique_ptr<AsioHealthProber> prober_;
  std::unique_ptr<node::MemberFleetServices> fleet_;  // over service_, with prober_
  std::unique_ptr<http::KvServiceBackend> backend_;
  std::unique_ptr<http::FleetApi> fleet_api_;
  std::unique_ptr<node::MemberAttributesPublisher> publisher_;  // over fleet_'s store client
  std::unique_ptr<http::ApiServer> api_;  // after the backends and services: it serves them
  boost::asio::signal_set signals_;
  TimerId watch_timer_ = 0;
  std::optional<int> exit_code_;
};

// main()'s body: parses `args` (those after the program name), runs keeld until it stops and
// returns the exit code. Usage errors and start failures are one line on `log`.
int run_keeld(std::span<const std::string_view> args, std::ostream& log, std::ostream& out);

}  // namespace keel::real::keeld
