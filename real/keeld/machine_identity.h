// A keeld machine from its configuration, members and workers alike: its PosixEnv, and what it
// tells fleet about itself: the agent's options with the machine record (fleet's machine id is
// --name; its IP is --advertise-ip; --metadata and --capacity for placement) and the presence
// lease's TTL (--lease-ttl).
#pragma once

#include "core/fleet/agent.h"
#include "real/keeld/config.h"
#include "real/posix_env.h"

namespace keel::real::keeld {

// A resource --capacity does not declare is the host's: its CPUs and physical memory (as fleet's
// agent and Nomad's client fingerprint the machine), so units with MemoryMax= or CPUQuota= fit.
fleet::AgentOptions machine_agent_options(const KeeldConfig& config);

// The machine's PosixEnv: its name, data dir, log format, and a transport listening on
// --listen-peer with the members as peers (a member adds the workers).
PosixEnvConfig posix_env_config(const KeeldConfig& config);

// This host's CPUs (in thousandths) and physical memory.
Capacity host_capacity();
// `declared`, with each resource it leaves at 0 taken from `host`.
Capacity effective_capacity(const Capacity& declared, const Capacity& host);

}  // namespace keel::real::keeld
