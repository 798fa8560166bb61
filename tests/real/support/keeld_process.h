// Test helpers for keeld as a real process: start it with arguments and its stderr (the log) in a
// file, signal it, wait for its exit with a bound, and read its JSON log lines back. A
// KeeldProcess is a Subprocess (subprocess.h): one still running when it goes away (a test that
// failed half-way included) is killed with SIGKILL and reaped, and a sanitizer's report in its
// log fails the test.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/env/types.h"
#include "real/support/subprocess.h"

namespace keel::real::testing {

// The keeld and keelctl binaries next to the running test binary (CMake puts all in build/bin).
std::string keeld_binary();
std::string keelctl_binary();

class KeeldProcess {
 public:
  // Starts keeld with `args`; its stderr goes to `log_path` (created or truncated), stdout is
  // discarded.
  KeeldProcess(const std::vector<std::string>& args, std::string log_path);

  void signal(int number) { process_.signal(number); }
  // The exit status once the process has ended within `bound`: its exit code, or 128 + the signal
  // that killed it (as a shell reports it); nullopt if it still runs after `bound`.
  std::optional<int> wait_exit(Duration bound) { return process_.wait_exit(bound); }
  bool running() const { return process_.running(); }
  pid_t pid() const { return process_.pid(); }
  const std::string& log_path() const { return log_path_; }

 private:
  std::string log_path_;
  Subprocess process_;
};

// One JSON log line of keeld (real/stream_trace_sink.h), with its fields as text.
struct LogEvent {
  std::string machine;
  std::string component;
  std::string event;
  std::map<std::string, std::string> fields;
};

// The JSON events in a log file, in order; lines that are not JSON events (keeld's final error
// line) are skipped.
std::vector<LogEvent> read_log(const std::string& path);
// The whole file, for failure messages and plain-text checks.
std::string read_text(const std::string& path);

// Polls `done` every few milliseconds until it holds or `bound` passes. Returns done().
bool wait_for(const std::function<bool()>& done, Duration bound);

}  // namespace keel::real::testing
