// Runs pieces of work in forked child processes, so that a seed that trips an invariant assertion
// (which aborts) is reported as that seed's failure instead of ending the whole sweep, and so that
// several seeds can run at once (each simulation stays single-threaded).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace keel::sim::cli {

struct Isolated {
  bool exited = false;  // ended normally (else killed by a signal, e.g. SIGABRT from an assertion)
  int exit_code = 0;
  int signal = 0;
  std::string payload;  // what the body returned
  std::string errors;   // what the child wrote to stderr
};

// Up to `jobs` children at a time; each hands its body's return value back through a pipe.
class ChildPool {
 public:
  explicit ChildPool(int jobs) : jobs_(jobs < 1 ? 1 : jobs) {}
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;
  ~ChildPool();

  bool full() const { return static_cast<int>(children_.size()) >= jobs_; }
  bool empty() const { return children_.empty(); }
  // Forks a child that runs `body`; `token` names it in wait_any()'s answer.
  void start(std::uint64_t token, const std::function<std::string()>& body);
  // Waits until one child has ended (there must be one running) and returns its token and report.
  std::pair<std::uint64_t, Isolated> wait_any();

 private:
  struct Child {
    int pid = 0;
    int out = -1, err = -1;  // pipe ends, -1 once closed
    Isolated report;
  };
  int jobs_;
  std::map<std::uint64_t, Child> children_;
};

}  // namespace keel::sim::cli
