// ChildReport: how a container's processes tell keeld, before the main program runs, why they
// could not start it. They write one line of words to a pipe whose write end is close-on-exec:
// a successful execve() closes it unwritten, so keeld reading end-of-file with no words knows the
// program runs, and reading words knows why it does not (the "self-pipe CLOEXEC trick", as
// posix_spawn implementations report exec errors).
//
// Used only in cloned processes before exec: it writes from a stack buffer, never allocates.
#pragma once

#include <initializer_list>

namespace keel::real {

// Exit codes of a container's first process when it reports a failure (as the shell uses them:
// 126 cannot run, 127 not found).
inline constexpr int kSetupFailedCode = 126;
inline constexpr int kExecFailedCode = 127;

class ChildReport {
 public:
  explicit ChildReport(int fd) : fd_(fd) {}

  // Writes the parts, then ": <text of error>" when error is not 0, and ends the process.
  [[noreturn]] void fail(std::initializer_list<const char*> parts, int error,
                         int exit_code = kSetupFailedCode) const;

  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace keel::real
