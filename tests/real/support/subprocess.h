// Subprocess: any program run by a test (etcd, etcdctl, curl, the keelctl and keeld binaries),
// its stdout and stderr in files (one file for both when the two paths are the same). A
// Subprocess still running when it goes away (a failed test included) is killed with SIGKILL and
// reaped; it also dies with the test process (PR_SET_PDEATHSIG). A sanitizer's report in its
// stderr file fails the running test when it goes away (expect_no_sanitizer_report), so an
// ASan build's keeld or keelctl cannot fail unseen by a test that never reads that file. Also:
// free loopback ports.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/env/types.h"

namespace keel::real::testing {

class Subprocess {
 public:
  // Runs `binary` (a path, or a name looked up in PATH) with `args`, and `env` ("NAME=value")
  // added to its environment.
  Subprocess(const std::string& binary, const std::vector<std::string>& args,
             const std::string& stdout_path, const std::string& stderr_path,
             const std::vector<std::string>& env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void signal(int number);
  // The exit code (or 128 + the signal that ended it) once it ended within `bound`, else nullopt.
  std::optional<int> wait_exit(Duration bound);
  bool running() const { return !status_; }  // as of the last look (wait_exit)
  pid_t pid() const { return pid_; }

 private:
  std::string stderr_path_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Fails the running test (ADD_FAILURE) if the file at `path` holds a report of AddressSanitizer,
// LeakSanitizer or UndefinedBehaviorSanitizer, which a sanitized program writes to its stderr;
// the failure shows the first report, from its first line, up to 4 KiB.
void expect_no_sanitizer_report(const std::string& path);

// The path of `name` in PATH, if it is there and executable.
std::optional<std::string> find_in_path(const std::string& name);

// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0 and released).
std::uint16_t free_port();

}  // namespace keel::real::testing
