// Test helper: runs another program (etcd, etcdctl) as a child process without blocking the
// test's loop, its stdout and stderr going to a file; and finds free loopback ports for it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keel::real::testing {

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH) with `env` added to the environment; output to `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
               const std::vector<std::string>& env = {});
  ~ChildProcess();  // terminates (SIGTERM, then waits) a child still running

  bool started() const { return pid_ > 0; }
  // The exit code once the child has exited (non-blocking); 128 + signal if it was killed.
  std::optional<int> exit_code();

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0 and released).
std::uint16_t free_port();
// Whether `program` is found in PATH.
bool on_path(const std::string& program);
std::string read_file(const std::string& path);

}  // namespace keel::real::testing
