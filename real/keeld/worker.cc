#include "real/keeld/worker.h"

#include <csignal>

#include "core/codec/frame.h"
#include "core/env/str.h"
#include "real/http/journal_api.h"
#include "real/keeld/daemon.h"
#include "real/keeld/machine_identity.h"

namespace keel::real::keeld {

Worker::Worker(boost::asio::io_context& io, KeeldConfig config)
    : io_(io), config_(std::move(config)), signals_(io, SIGTERM, SIGINT) {}

Worker::~Worker() {
  http_.reset();
  fleet_api_.reset();
  fleet_.reset();
  store_.reset();
  if (posix_ != nullptr) posix_->stop();
}

int Worker::exit_code() const { return exit_code_.value_or(kExitFailure); }

Result<std::unique_ptr<Worker>> Worker::start(boost::asio::io_context& io, KeeldConfig config,
                                              std::ostream& log) {
  if (config.role != Role::kWorker) {
    return fail(Errc::kInvalidArgument, "a member runs as keeld's Daemon, not as a Worker");
  }
  std::unique_ptr<Worker> worker(new Worker(io, std::move(config)));
  if (Status started = worker->start_services(log); !started) {
    return std::unexpected(started.error());
  }
  worker->signals_.async_wait(
      [raw = worker.get()](const boost::system::error_code& error, int number) {
        if (error) return;  // cancelled: the worker is going away
        const std::string_view name = number == SIGTERM ? "SIGTERM" : "SIGINT";
        raw->posix_->env().emit("keeld", "signal", {{"signal", name}});
        raw->shut_down(name, 0);
      });
  return worker;
}

Status Worker::start_services(std::ostream& log) {
  PosixEnvConfig env_config = posix_env_config(config_);
  std::vector<NodeId> members;
  for (const Member& member : config_.initial_cluster) members.push_back(member.id);
  auto posix = PosixEnv::create(io_, std::move(env_config), log);
  if (!posix) return std::unexpected(posix.error());
  posix_ = std::move(*posix);
  Env& env = posix_->env();

  const std::uint64_t cluster = config_.cluster_id;
  store_ = std::make_unique<client::RemoteStoreClient>(
      env, [members] { return members; }, cluster,
      client::StoreClientOptions{.client_id = node::draw_session_id(env)});
  env.transport.set_receive_handler([this, cluster](NodeId from, ByteView frame) {
    auto decoded = codec::decode_node_frame(frame);
    if (!decoded || decoded->cluster != cluster) return;
    store_->on_frame(from, decoded->payload);
  });
  prober_ = std::make_unique<AsioHealthProber>(
      io_, MachineTrace(config_.name, env.clock, env.trace), &posix_->containers());
  // The client port is bound first, so that the machine record carries its URL (the routes are
  // added before the loop serves a request).
  http_ = std::make_unique<http::HttpServer>(io_, config_.listen_client);
  if (Status listening = http_->start(); !listening) {
    return fail(listening.error().code, str("--listen-client ", to_string(config_.listen_client),
                                            ": ", listening.error().message));
  }
  fleet::AgentOptions agent = machine_agent_options(config_);
  agent.presence.machine.client_url = str("http://", config_.advertise_ip, ":", http_->port());
  fleet_ = std::make_unique<node::WorkerFleetServices>(env, *store_, *prober_, std::move(agent));
  posix_->start();

  fleet_api_ = std::make_unique<http::FleetApi>(fleet_->store(), fleet_->catalog());
  fleet_api_->add_routes(http_->router());
  http::add_journal_route(http_->router(), container_log_dir(config_.data_dir));
  env.emit("keeld", "worker_started",
           {{"node", config_.id},
            {"cluster", cluster},
            {"members", members.size()},
            {"peer_port", std::uint64_t{posix_->transport().listen_port()}},
            {"client_port", std::uint64_t{http_->port()}},
            {"session", store_->session()}});
  return {};
}

void Worker::shut_down(std::string_view reason, int code) {
  if (http_) http_->stop();
  http_.reset();
  fleet_api_.reset();
  fleet_.reset();
  store_.reset();
  posix_->stop();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  posix_->env().emit("keeld", "stopped", {{"reason", reason}, {"exit_code", code}});
  exit_code_ = code;
  io_.stop();
}

}  // namespace keel::real::keeld
