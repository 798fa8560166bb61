// What a keeld machine tells fleet about itself, from its configuration: the agent's options with
// the machine record (fleet's machine id is --name; its IP is --advertise-ip; --metadata and
// --capacity for placement) and the presence lease's TTL (--lease-ttl). Members and workers alike.
#pragma once

#include "core/fleet/agent.h"
#include "real/keeld/config.h"

namespace keel::real::keeld {

fleet::AgentOptions machine_agent_options(const KeeldConfig& config);

}  // namespace keel::real::keeld
