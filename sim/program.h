// What runs on a simulated machine: any object built from an Env. Building it starts it; destroying
// it is a crash (DESIGN.md principle 5): nothing in it survives, only what its disk holds.
#pragma once

#include <functional>
#include <memory>

#include "core/env/env.h"

namespace keel::sim {

class Program {
 public:
  virtual ~Program() = default;
};

using ProgramFactory = std::function<std::unique_ptr<Program>(Env&)>;

}  // namespace keel::sim
