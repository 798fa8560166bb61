#include "real/posix_env.h"

#include <filesystem>
#include <random>

#include "core/env/str.h"

namespace keel::real {

std::uint64_t seed_from_os() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::string container_log_dir(const std::string& data_dir) { return data_dir + "/logs"; }

namespace {

NamespaceContainersOptions container_options(const std::string& data_dir) {
  NamespaceContainersOptions options;
  options.log_dir = container_log_dir(data_dir);
  return options;
}

}  // namespace

PosixEnv::PosixEnv(boost::asio::io_context& io, const PosixEnvConfig& config, std::ostream& log)
    : clock_(io),
      log_(log, config.log_format),
      trace_(config.name, clock_, log_),
      fs_(config.data_dir),
      containers_(io, trace_, container_options(config.data_dir)),
      random_(seed_from_os()) {}

Result<std::unique_ptr<PosixEnv>> PosixEnv::create(boost::asio::io_context& io,
                                                   PosixEnvConfig config, std::ostream& log) {
  std::error_code error;
  std::filesystem::create_directories(config.data_dir, error);
  if (error) {
    return fail(Errc::kIo, str("data directory '", config.data_dir, "': ", error.message()));
  }
  std::unique_ptr<PosixEnv> env(new PosixEnv(io, config, log));
  const NodeId self = config.transport.self;
  auto transport = TcpTransport::create(io, env->trace_, env->random_.derive("net"),
                                        std::move(config.transport));
  if (!transport) return std::unexpected(transport.error());
  env->transport_ = std::move(*transport);
  for (const auto& [id, endpoint] : config.peers) {
    if (id == self) continue;
    if (auto added = env->transport_->set_peer(id, endpoint); !added) {
      return std::unexpected(added.error());
    }
  }
  env->env_.emplace(Env{.self = self,
                        .name = config.name,
                        .clock = env->clock_,
                        .transport = *env->transport_,
                        .fs = env->fs_,
                        .containers = env->containers_,
                        .random = env->random_,
                        .trace = env->log_});
  env->trace_.emit("env", "created",
                   {{"node", self},
                    {"seed", env->random_.seed()},
                    {"data_dir", config.data_dir},
                    {"listen_port", std::uint64_t{env->transport_->listen_port()}}});
  return env;
}

}  // namespace keel::real
