// Subprocess: any program run by a test (etcd, the keelctl binary), its stdout and stderr in
// files. A Subprocess still running when it goes away (a failed test included) is killed with
// SIGKILL and reaped; it also dies with the test process (PR_SET_PDEATHSIG).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/env/types.h"

namespace keel::real::testing {

class Subprocess {
 public:
  // Runs `binary` (a path, or a name looked up in PATH) with `args`.
  Subprocess(const std::string& binary, const std::vector<std::string>& args,
             const std::string& stdout_path, const std::string& stderr_path);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void signal(int number);
  // The exit code (or 128 + the signal that ended it) once it ended within `bound`, else nullopt.
  std::optional<int> wait_exit(Duration bound);
  bool running() const { return !status_; }  // as of the last look (wait_exit)
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The path of `name` in PATH, if it is there and executable.
std::optional<std::string> find_in_path(const std::string& name);

}  // namespace keel::real::testing
