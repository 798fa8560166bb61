#include "real/keeld/daemon.h"

#include <csignal>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/keeld/data_dir.h"
#include "real/keeld/machine_identity.h"
#include "real/keeld/metrics.h"
#include "real/keeld/worker.h"

namespace keel::real::keeld {
namespace {

// How often the daemon checks that its node has not stopped itself (a storage failure).
constexpr Duration kNodeWatchInterval = std::chrono::milliseconds(100);

std::string_view signal_name(int number) {
  return number == SIGTERM ? "SIGTERM" : number == SIGINT ? "SIGINT" : "signal";
}

}  // namespace

Daemon::Daemon(boost::asio::io_context& io, KeeldConfig config)
    : io_(io), config_(std::move(config)), signals_(io, SIGTERM, SIGINT) {}

Daemon::~Daemon() {
  if (posix_ != nullptr) posix_->clock().cancel(watch_timer_);
  api_.reset();
  fleet_api_.reset();
  publisher_.reset();
  fleet_.reset();
  service_.reset();
  if (posix_ != nullptr) posix_->stop();
}

Result<std::unique_ptr<Daemon>> Daemon::start(boost::asio::io_context& io, KeeldConfig config,
                                              std::ostream& log) {
  if (config.role == Role::kWorker) {
    return fail(Errc::kInvalidArgument,
                "--role worker: a worker runs as keeld's Worker (worker.h), not as a member");
  }
  std::unique_ptr<Daemon> daemon(new Daemon(io, std::move(config)));
  if (Status started = daemon->start_node(log); !started) return std::unexpected(started.error());
  daemon->wait_for_signal();
  daemon->watch_node();
  return daemon;
}

Status Daemon::start_node(std::ostream& log) {
  PosixEnvConfig env_config = posix_env_config(config_);
  for (const Member& worker : config_.workers) env_config.peers.emplace(worker.id, worker.peer);
  auto posix = PosixEnv::create(io_, std::move(env_config), log);
  if (!posix) return std::unexpected(posix.error());
  posix_ = std::move(*posix);
  Env& base = posix_->env();
  fs_.emplace(base.fs, "wal", wal_fsync_);
  env_.emplace(Env{.self = base.self,
                   .name = base.name,
                   .clock = base.clock,
                   .transport = base.transport,
                   .fs = *fs_,
                   .containers = base.containers,
                   .random = base.random,
                   .trace = base.trace});

  const DataDirIdentity identity{config_.cluster_id, config_.name, config_.id};
  auto claimed = claim_data_dir(*fs_, identity, config_.data_dir);
  if (!claimed) return std::unexpected(claimed.error());
  env_->emit("keeld", "data_dir",
             {{"path", config_.data_dir},
              {"start", *claimed == DataDirStart::kFresh ? "fresh" : "restart"},
              {"cluster", config_.cluster_id}});

  node::KvServiceConfig service_config;
  service_config.node.cluster = config_.cluster_id;
  service_config.node.snapshot_every = config_.snapshot_count;
  service_config.node.raft.log_kept_below_snapshot = config_.snapshot_catchup_entries;
  for (const Member& member : config_.initial_cluster) {
    service_config.node.members.push_back(member.id);
  }
  auto service = node::KvService::start(*env_, std::move(service_config));
  if (!service) {
    // The node's messages name paths inside the data directory (wal/..., snap/...).
    return fail(service.error().code,
                str("data directory ", config_.data_dir, ": ", service.error().message));
  }
  service_ = std::move(*service);
  start_fleet();
  posix_->start();
  if (Status listening = start_client_listener(); !listening) return listening;
  env_->emit("keeld", "started",
             {{"node", config_.id},
              {"cluster", config_.cluster_id},
              {"members", config_.initial_cluster.size()},
              {"peer_port", std::uint64_t{posix_->transport().listen_port()}}});
  return {};
}

Status Daemon::start_client_listener() {
  http::ApiServerOptions options;
  options.listen = config_.listen_client;
  options.cluster_id = config_.cluster_id;
  for (const Member& member : config_.initial_cluster) {
    http::ApiMember& api = options.members.emplace_back();
    api.id = member.id;
    api.name = member.name;
    api.peer_urls.push_back(str("http://", to_string(member.peer)));
    if (member.id == config_.id)
      api.client_urls.push_back(str("http://", to_string(config_.listen_client)));
  }
  options.metrics = [this] { return metrics_text(); };
  fleet_api_ = std::make_unique<http::FleetApi>(fleet_->store(), fleet_->catalog());
  options.fleet = fleet_api_.get();
  options.journal_log_dir = container_log_dir(config_.data_dir);
  backend_ = std::make_unique<http::KvServiceBackend>(*service_);
  api_ = std::make_unique<http::ApiServer>(io_, *backend_, std::move(options));
  if (Status started = api_->start(); !started) {
    return fail(started.error().code, str("--listen-client ", to_string(config_.listen_client),
                                          ": ", started.error().message));
  }
  env_->emit("keeld", "client_listener",
             {{"address", config_.listen_client.address}, {"port", std::uint64_t{api_->port()}}});
  publisher_ = std::make_unique<node::MemberAttributesPublisher>(
      *env_, fleet_->store(), config_.name,
      str("http://", config_.advertise_ip, ":", api_->port()));
  return {};
}

void Daemon::start_fleet() {
  node::FleetServicesOptions options;
  options.agent = machine_agent_options(config_);
  options.store.client_id = node::draw_session_id(*env_);
  prober_ = std::make_unique<AsioHealthProber>(
      io_, MachineTrace(config_.name, env_->clock, env_->trace), &posix_->containers());
  fleet_ = std::make_unique<node::MemberFleetServices>(*env_, *service_, *prober_, options);
  env_->emit("keeld", "fleet_started",
             {{"machine", config_.name},
              {"ip", config_.advertise_ip},
              {"session", options.store.client_id}});
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& error, int number) {
    if (error) return;  // cancelled: the daemon is going away
    env_->emit("keeld", "signal", {{"signal", signal_name(number)}});
    shut_down(signal_name(number), 0);
  });
}

void Daemon::watch_node() {
  watch_timer_ = env_->clock.after(kNodeWatchInterval, [this] {
    if (const auto& stopped = service_->node().stopped()) {
      return shut_down(str("the node stopped: ", stopped->message), kExitFailure);
    }
    watch_node();
  });
}

std::string Daemon::metrics_text() {
  KEEL_ASSERT(service_ != nullptr, "metrics_text() after the node stopped");
  return compose_metrics(
      sample_metrics(config_.name, *service_, posix_->transport().stats(), wal_fsync_));
}

void Daemon::shut_down(std::string_view reason, int code) {
  env_->clock.cancel(watch_timer_);
  if (api_) api_->stop();
  api_.reset();
  fleet_api_.reset();
  backend_.reset();
  publisher_.reset();
  fleet_.reset();
  service_.reset();
  posix_->stop();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  env_->emit("keeld", "stopped", {{"reason", reason}, {"exit_code", code}});
  exit_code_ = code;
  io_.stop();
}

int run_keeld(std::span<const std::string_view> args, std::ostream& log, std::ostream& out) {
  auto line = parse_command_line(args);
  if (!line) {
    log << "keeld: " << line.error().message << std::endl;
    return kExitUsage;
  }
  if (line->help) {
    out << usage();
    return 0;
  }
  boost::asio::io_context io;
  const auto run = [&](auto started) {
    if (!started) {
      log << "keeld: cannot start: " << started.error().message << std::endl;
      return started.error().code == Errc::kInvalidArgument ? kExitUsage : kExitFailure;
    }
    io.run();
    return (*started)->exit_code();
  };
  if (line->config.role == Role::kWorker) {
    return run(Worker::start(io, std::move(line->config), log));
  }
  return run(Daemon::start(io, std::move(line->config), log));
}

}  // namespace keel::real::keeld
