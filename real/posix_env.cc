#include "real/posix_env.h"

#include <filesystem>
#include <random>

#include "core/env/str.h"
#include "real/containers/busybox_root.h"
#include "real/containers/image_store.h"

namespace keel::real {

std::uint64_t seed_from_os() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::string container_log_dir(const std::string& data_dir) { return data_dir + "/logs"; }
std::string container_image_dir(const std::string& data_dir) { return data_dir + "/images"; }

namespace {

NamespaceContainersOptions container_options(const std::string& data_dir) {
  NamespaceContainersOptions options;
  options.log_dir = container_log_dir(data_dir);
  options.image_dir = container_image_dir(data_dir);
  return options;
}

// busybox:latest from the host's busybox-static, so units run with no registry (issue 8). The id
// names where it came from; a store that has it already is left alone.
void seed_default_image(const std::string& data_dir, const MachineTrace& trace) {
  if (!std::filesystem::exists(kHostBusybox)) return;
  ImageStore store(container_image_dir(data_dir));
  const auto added = store.add("busybox:latest", "host-busybox-static",
                               [](const std::string& rootfs) { return make_busybox_root(rootfs); });
  if (!added) trace.emit("env", "default_image_failed", {{"reason", added.error().message}});
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
  seed_default_image(config.data_dir, env->trace_);
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
