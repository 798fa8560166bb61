// Runs a piece of work in a forked child process, so that a seed that trips an invariant
// assertion (which aborts) is reported as that seed's failure instead of ending the whole sweep.
#pragma once

#include <functional>
#include <string>

namespace keel::sim::cli {

struct Isolated {
  bool exited = false;  // ended normally (else killed by a signal, e.g. SIGABRT from an assertion)
  int exit_code = 0;
  int signal = 0;
  std::string payload;  // what the body returned
  std::string errors;   // what the child wrote to stderr
};

// The child runs `body` and hands its return value back through a pipe.
Isolated run_isolated(const std::function<std::string()>& body);

}  // namespace keel::sim::cli
