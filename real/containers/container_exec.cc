#include "real/containers/container_exec.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "core/env/str.h"
#include "real/containers/child_report.h"
#include "real/containers/close_fds.h"
#include "real/containers/launch_plan.h"

namespace keel::real {
namespace {

// Every namespace a container's init may own (spawn.h); joining one the container shares with
// the host (its network, without PrivateNetwork=) changes nothing.
constexpr int kEnteredNamespaces =
    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;

struct ChildArgs {
  const ContainerEntry& entry;
  const ExecPlan& plan;
  int report;  // write end of the report pipe
  int null;    // the host's /dev/null
  pid_t keeld;
};

// Forks a child that runs `body(parent_alive)`, which never returns; `parent_alive` is the read
// end of a pipe whose write end only the parent holds, so the child reading a hang-up knows its
// parent has died. The fork is a raw clone, as container_init.cc's: glibc's fork wrapper takes
// locks another keeld thread may have held.
template <class Body>
pid_t fork_child(const ChildReport& report, const char* what, Body body) {
  int alive[2];
  if (::pipe2(alive, O_CLOEXEC) != 0) report.fail({"make the liveness pipe"}, errno);
  const auto child = static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
  if (child < 0) report.fail({"fork ", what}, errno);
  if (child == 0) {
    ::close(alive[1]);
    body(alive[0]);
  }
  ::close(alive[0]);
  return child;
}

// Dies with the parent (PR_SET_PDEATHSIG). A hang-up on `parent_alive` means the parent died
// before the signal was set, when nothing would ever stop this process: it ends at once.
void die_with_parent(int parent_alive, const ChildReport& report) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) report.fail({"set the parent-death signal"}, errno);
  pollfd alive{.fd = parent_alive, .events = POLLIN, .revents = 0};
  if (::poll(&alive, 1, 0) != 0) ::_exit(kSetupFailedCode);
}

[[noreturn]] void exit_as(int wait_status) {
  ::_exit(WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : WEXITSTATUS(wait_status));
}

// Waits for `child` and exits as it did; a SIGTERM is passed on to it as `on_term`. SIGTERM and
// SIGCHLD are blocked (`waited`), so none is lost before the wait.
[[noreturn]] void relay(pid_t child, int on_term, const sigset_t& waited) {
  while (true) {
    siginfo_t info{};
    const int signal = ::sigwaitinfo(&waited, &info);
    if (signal == SIGTERM) ::kill(child, on_term);
    if (signal != SIGCHLD) continue;  // SIGTERM, or EINTR
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) exit_as(status);
  }
}

// The command: PID 1 of its own namespace, default signals, stdio on /dev/null, then execve.
[[noreturn]] void exec_command(const ChildArgs& args, int parent_alive) {
  const ChildReport report(args.report);
  die_with_parent(parent_alive, report);
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) ::sigaction(signal, &defaults, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(args.null, 0) < 0 || ::dup2(args.null, 1) < 0 || ::dup2(args.null, 2) < 0) {
    report.fail({"redirect stdio to /dev/null"}, errno);
  }
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);  // the report pipe stays open until the exec
  ::execve(args.plan.argv[0], args.plan.argv.data(), args.plan.envp.data());
  report.fail({"exec ", kExecShell, " in the container"}, errno, kExecFailedCode);
}

// The command's parent, in the container's PID namespace: makes the nested namespace (which a
// process can only do from the namespace it is in: clone(2), EINVAL after setns) and starts the
// command as its init, which SIGTERM kills.
[[noreturn]] void hold_namespace(const ChildArgs& args, const sigset_t& waited, int parent_alive) {
  const ChildReport report(args.report);
  die_with_parent(parent_alive, report);
  if (::unshare(CLONE_NEWPID) != 0) report.fail({"make the check's PID namespace"}, errno);
  const pid_t command = fork_child(report, "the command in the container",
                                   [&](int alive) { exec_command(args, alive); });
  relay(command, SIGKILL, waited);
}

// The supervisor, in keeld's PID namespace: enters the container and starts the namespace
// holder there, passing keeld's SIGTERM on to it.
[[noreturn]] void supervise(const ChildArgs& args, const int* keep, std::size_t keep_count) {
  const ChildReport report(args.report);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) report.fail({"set the parent-death signal"}, errno);
  if (::getppid() != args.keeld) ::_exit(kSetupFailedCode);  // keeld died before the line above
  close_all_but(keep, keep_count);
  // Default dispositions: an ignored signal would be discarded, not kept for sigwaitinfo.
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  ::sigaction(SIGTERM, &defaults, nullptr);
  ::sigaction(SIGCHLD, &defaults, nullptr);
  sigset_t waited;
  ::sigemptyset(&waited);
  ::sigaddset(&waited, SIGTERM);
  ::sigaddset(&waited, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &waited, nullptr);

  // A pidfd names the init itself, so a recycled pid cannot send us elsewhere; a zombie init
  // fails with ESRCH (setns(2)). Our children are born in the container's PID namespace.
  if (::setns(args.entry.init_pidfd.get(), kEnteredNamespaces) != 0) {
    report.fail({"enter the container's namespaces"}, errno);
  }
  if (::fchdir(args.entry.root.get()) != 0 || ::chroot(".") != 0) {
    report.fail({"take the container's root"}, errno);
  }
  const pid_t holder = fork_child(report, "in the container", [&](int parent_alive) {
    hold_namespace(args, waited, parent_alive);
  });
  relay(holder, SIGTERM, waited);
}

}  // namespace

Result<ExecPlan> make_exec_plan(std::string_view command) {
  if (command.empty()) return fail(Errc::kInvalidArgument, "exec check: the command is empty");
  if (command.find('\0') != std::string_view::npos) {
    return fail(Errc::kInvalidArgument, "exec check: the command holds a NUL byte");
  }
  ExecPlan plan;
  plan.argv_text = {kExecShell, "-c", std::string(command)};
  plan.environment_text = {str("PATH=", kDefaultPath)};
  for (std::string& arg : plan.argv_text) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  for (std::string& variable : plan.environment_text) plan.envp.push_back(variable.data());
  plan.envp.push_back(nullptr);
  return plan;
}

Result<SpawnedExec> spawn_exec(const ContainerEntry& entry, const ExecPlan& plan) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return fail(Errc::kIo, str("make the exec report pipe: ", std::strerror(errno)));
  }
  UniqueFd report_read(report[0]);
  const UniqueFd report_write(report[1]);
  const UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null.valid()) return fail(Errc::kIo, str("open /dev/null: ", std::strerror(errno)));

  const ChildArgs args{.entry = entry,
                       .plan = plan,
                       .report = report_write.get(),
                       .null = null.get(),
                       .keeld = ::getpid()};
  // Worked out before the clone: the child may not allocate.
  std::array<int, 4> keep = {entry.init_pidfd.get(), entry.root.get(), report_write.get(),
                             null.get()};
  std::sort(keep.begin(), keep.end());

  int pidfd = -1;
  clone_args request{};
  request.flags = CLONE_PIDFD;
  request.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  request.exit_signal = SIGCHLD;
  // clone3 without a stack behaves as fork (spawn.cc does the same).
  const long pid = ::syscall(SYS_clone3, &request, sizeof request);
  if (pid == 0) supervise(args, keep.data(), keep.size());
  if (pid < 0) {
    return fail(Errc::kUnavailable, str("clone the exec supervisor: ", std::strerror(errno)));
  }
  ::fcntl(report_read.get(), F_SETFL, O_NONBLOCK);
  return SpawnedExec{
      .pid = static_cast<pid_t>(pid), .pidfd = UniqueFd(pidfd), .report = std::move(report_read)};
}

}  // namespace keel::real
