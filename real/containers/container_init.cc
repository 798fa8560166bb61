#include "real/containers/container_init.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace keel::real {
namespace {

constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void ignore_handler(int) {}

// fork() without glibc's wrapper: the wrapper runs atfork handlers and takes malloc's locks,
// which a lock inherited held from another keeld thread would deadlock. The raw clone with only
// SIGCHLD is what fork is made of (clone(2)).
pid_t raw_fork() { return static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }

// The main program's side: its own session, default signal handling, stdin from /dev/null,
// stdout and stderr to the output pipe, then execve. Never returns.
[[noreturn]] void exec_main(const LaunchPlan& plan, InitFds fds, const ChildReport& report) {
  ::setsid();
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) {
    ::sigaction(signal, &defaults, nullptr);  // fails harmlessly for SIGKILL, SIGSTOP and RT 32/33
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::chdir(plan.working_directory.c_str()) != 0) {
    report.fail({"working directory ", plan.working_directory.c_str()}, errno);
  }
  const int null = ::open("/dev/null", O_RDONLY);
  if (null < 0) report.fail({"open /dev/null"}, errno);
  if (::dup2(null, 0) < 0 || ::dup2(fds.output, 1) < 0 || ::dup2(fds.output, 2) < 0) {
    report.fail({"redirect stdio"}, errno);
  }
  // Everything else closes at exec; the report pipe stays open until then.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  int first_error = ENOENT;
  for (const std::string& candidate : plan.exec_candidates) {
    ::execve(candidate.c_str(), plan.argv.data(), plan.envp.data());
    // As execvp: a found but unusable file explains more than "not found" in a later directory.
    if (errno != ENOENT && first_error == ENOENT) first_error = errno;
  }
  report.fail({"exec ", plan.argv_text[0].c_str()}, first_error, kExecFailedCode);
}

[[noreturn]] void finish(int status_fd, int wait_status) {
  MainExit exit{};
  if (WIFSIGNALED(wait_status)) {
    exit = {128 + WTERMSIG(wait_status), WTERMSIG(wait_status)};
  } else {
    exit = {WEXITSTATUS(wait_status), 0};
  }
  [[maybe_unused]] const ssize_t written = ::write(status_fd, &exit, sizeof exit);
  ::_exit(exit.code);
}

}  // namespace

void run_container_init(const LaunchPlan& plan, InitFds fds, const ChildReport& report) {
  // Block first, so no signal is lost between here and sigwaitinfo; the main program unblocks.
  sigset_t waited;
  ::sigemptyset(&waited);
  ::sigaddset(&waited, SIGCHLD);
  struct sigaction handled {};
  handled.sa_handler = ignore_handler;
  for (int signal : kForwarded) {
    ::sigaddset(&waited, signal);
    ::sigaction(signal, &handled, nullptr);
  }
  struct sigaction child_default {};
  child_default.sa_handler = SIG_DFL;  // not SIG_IGN: ended children must stay to be reaped
  ::sigaction(SIGCHLD, &child_default, nullptr);
  ::sigprocmask(SIG_BLOCK, &waited, nullptr);

  const pid_t main_pid = raw_fork();
  if (main_pid < 0) report.fail({"fork the main program"}, errno);
  if (main_pid == 0) exec_main(plan, fds, report);
  ::close(report.fd());
  ::close(fds.output);

  while (true) {
    siginfo_t info{};
    const int signal = ::sigwaitinfo(&waited, &info);
    if (signal < 0) continue;  // EINTR
    if (signal != SIGCHLD) {
      ::kill(main_pid, signal);
      continue;
    }
    // SIGCHLD does not queue: one may stand for many ended children, so reap until none is left.
    int status = 0;
    pid_t ended;
    while ((ended = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (ended == main_pid) finish(fds.status, status);
    }
  }
}

}  // namespace keel::real
