#include "real/keeld/machine_identity.h"

namespace keel::real::keeld {

fleet::AgentOptions machine_agent_options(const KeeldConfig& config) {
  fleet::AgentOptions options;
  fleet::MachineRecord& machine = options.presence.machine;
  machine.id = config.name;
  machine.ip = config.advertise_ip;
  machine.metadata = config.metadata;
  // Placement counts CPU in percent of one CPU (placement.h); --capacity gives thousandths.
  machine.capacity = fleet::Resources{.memory_bytes = config.capacity.memory_bytes,
                                      .cpu_percent = config.capacity.millicpus / 10};
  options.presence.lease_ttl = config.lease_ttl;
  return options;
}

}  // namespace keel::real::keeld
