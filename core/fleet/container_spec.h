// The container a unit runs in, built from its parsed unit file: ExecStart= split into argv the way
// systemd splits command lines (whitespace, with "double" or 'single' quotes keeping spaces inside
// one word: systemd.service(5) "Command lines"), Environment=, WorkingDirectory=, MemoryMax=,
// CPUQuota=, TasksMax= (systemd.resource-control(5)) and [X-Container]'s image or root directory.
//
// Contract: the spec's name is the unit's full name; the hostname is the unit's stem. A unit whose
// command line has no words, an unterminated quote, or a TasksMax= above what a container can
// take gives kInvalidArgument naming the setting.
#pragma once

#include "core/env/containers.h"
#include "core/env/error.h"
#include "core/fleet/unit_file.h"

namespace keel::fleet {

Result<ContainerSpec> container_spec(const UnitFile& unit);

}  // namespace keel::fleet
