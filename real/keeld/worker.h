// Worker: one keeld process that runs units but does not vote (DESIGN.md: a worker), on one
// io_context thread like Daemon.
//
// start(): builds the PosixEnv (binds the peer address; the members are its peers), reaches the
// members' client protocol (core/node/client_protocol.h) through a RemoteStoreClient carried in
// node frames over the TCP transport, exactly as the simulator's workers do, and runs the worker's
// fleet services over it (core/node/fleet_services.h: agent and catalog; the machine record from
// --name, --advertise-ip, --metadata, --capacity, --lease-ttl). Its client port serves the fleet
// API (real/http/fleet_api.h) over the same store client and catalog, and its own units' logs
// (real/http/journal_api.h); its machine record publishes that port's URL (schema.h's
// MachineRecord::client_url), so keelctl reaches its units' journals. The members answer it at the
// peer address that --workers gives for it.
//
// Stopping: on SIGTERM or SIGINT the services are destroyed (nothing more is written; units are
// left to the agent's fencing and the lease), the transport closed and the loop stopped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <optional>
#include <ostream>

#include "core/client/remote_store_client.h"
#include "core/node/fleet_services.h"
#include "real/asio_health_prober.h"
#include "real/http/fleet_api.h"
#include "real/http/http_server.h"
#include "real/keeld/config.h"
#include "real/posix_env.h"

namespace keel::real::keeld {

class Worker {
 public:
  // kInvalidArgument for a configuration that is not a worker's; kIo when an address cannot be
  // bound. `log` must outlive the worker.
  static Result<std::unique_ptr<Worker>> start(boost::asio::io_context& io, KeeldConfig config,
                                               std::ostream& log);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The exit code once the loop has stopped (0 if it stopped for a signal).
  int exit_code() const;
  std::uint16_t client_port() const { return http_ ? http_->port() : 0; }

 private:
  Worker(boost::asio::io_context& io, KeeldConfig config);
  Status start_services(std::ostream& log);
  void shut_down(std::string_view reason, int code);

  boost::asio::io_context& io_;
  KeeldConfig config_;
  std::unique_ptr<PosixEnv> posix_;
  std::unique_ptr<client::RemoteStoreClient> store_;
  std::unique_ptr<AsioHealthProber> prober_;
  std::unique_ptr<node::WorkerFleetServices> fleet_;  // over store_, with prober_
  std::unique_ptr<http::FleetApi> fleet_api_;
  std::unique_ptr<http::HttpServer> http_;  // last: it serves the above
  boost::asio::signal_set signals_;
  std::optional<int> exit_code_;
};

}  // namespace keel::real::keeld
