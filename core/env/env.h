// Env: everything a machine's program may use to reach the outside world (DESIGN.md principle 2).
// The simulator builds one per simulated machine; keeld builds one over Asio, files and namespaces.
#pragma once

#include <initializer_list>
#include <string>

#include "core/env/clock.h"
#include "core/env/containers.h"
#include "core/env/file_system.h"
#include "core/env/random.h"
#include "core/env/trace.h"
#include "core/env/transport.h"
#include "core/env/types.h"

namespace keel {

// Contract: every reference outlives the program it is handed to; every callback a program
// registers runs on that machine's one event loop (DESIGN.md principle 1).
struct Env {
  NodeId self;
  std::string name;
  Clock& clock;
  Transport& transport;
  FileSystem& fs;
  Containers& containers;
  Random& random;
  TraceSink& trace;

  // Reports an event stamped with this machine's name and clock.
  void emit(std::string_view component, std::string_view event,
            std::initializer_list<TraceField> fields = {}) const {
    trace.record(TraceEvent{clock.now(), name, component, event,
                            std::span<const TraceField>(fields.begin(), fields.size())});
  }
};

}  // namespace keel
