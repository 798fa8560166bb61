#include "real/keeld/machine_identity.h"

#include <unistd.h>

#include <thread>

namespace keel::real::keeld {

PosixEnvConfig posix_env_config(const KeeldConfig& config) {
  PosixEnvConfig env_config{.name = config.name,
                            .transport = TcpTransportOptions{.self = config.id,
                                                             .cluster = config.cluster_id,
                                                             .listen = config.listen_peer},
                            .peers = {},
                            .data_dir = config.data_dir,
                            .log_format = config.log_format};
  for (const Member& member : config.initial_cluster) {
    env_config.peers.emplace(member.id, member.peer);
  }
  return env_config;
}

Capacity host_capacity() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  Capacity capacity;
  capacity.millicpus = std::max(1u, std::thread::hardware_concurrency()) * 1000ull;
  if (pages > 0 && page_size > 0) {
    capacity.memory_bytes =
        static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
  }
  return capacity;
}

Capacity effective_capacity(const Capacity& declared, const Capacity& host) {
  return Capacity{declared.millicpus != 0 ? declared.millicpus : host.millicpus,
                  declared.memory_bytes != 0 ? declared.memory_bytes : host.memory_bytes};
}

fleet::AgentOptions machine_agent_options(const KeeldConfig& config) {
  fleet::AgentOptions options;
  fleet::MachineRecord& machine = options.presence.machine;
  machine.id = config.name;
  machine.ip = config.advertise_ip;
  machine.metadata = config.metadata;
  // Placement counts CPU in percent of one CPU (placement.h); --capacity gives thousandths.
  const Capacity capacity = effective_capacity(config.capacity, host_capacity());
  machine.capacity = fleet::Resources{.memory_bytes = capacity.memory_bytes,
                                      .cpu_percent = capacity.millicpus / 10};
  options.presence.lease_ttl = config.lease_ttl;
  return options;
}

}  // namespace keel::real::keeld
