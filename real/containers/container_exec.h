// spawn_exec: runs a command inside a running container, for [X-Service] Check=exec: (issue 8),
// the way `nsenter --all --root --target <init>` then a fork would.
//
// Shape: keeld clones a supervisor (with a pidfd for keeld to watch). The supervisor enters the
// container's mount, PID, UTS, IPC and network namespaces through the init's pidfd (setns(2)
// with a pidfd, Linux 5.8) and takes the init's root directory as its root and "/" as its
// working directory. Its child, born in the container's PID namespace, makes a new PID namespace
// nested in it (only a process inside a namespace may: clone(2)) and starts the command as that
// namespace's PID 1.
// Its output goes to /dev/null, its environment is only PATH (launch_plan.h's default), and it
// runs as `/bin/sh -c <command>` (Docker's HEALTHCHECK CMD shell form).
//
// Contract:
// - The supervisor exits with the command's exit code, 128 + the signal that ended it, or
//   kSetupFailedCode / kExecFailedCode (child_report.h) after writing why to the report pipe.
// - SIGTERM to the supervisor ends in SIGKILL to the command; since the command is the init of
//   its own PID namespace, every process it started dies with it (pid_namespaces(7)). Each
//   parent exits only once its child is reaped, so reaping the supervisor means no process of
//   the check is left. The container's end ends the check too (its namespace holds the check's).
// - Each process dies with its parent (PR_SET_PDEATHSIG), the supervisor with the keeld thread
//   that spawned it, so a killed keeld leaves no check behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "real/containers/unique_fd.h"

namespace keel::real {

// A running container's handles for entering it (NamespaceContainers::entry).
struct ContainerEntry {
  UniqueFd init_pidfd;  // the container's init
  UniqueFd root;        // the init's root directory (O_PATH)
};

// What the command's process needs, worked out before the clone (launch_plan.h says why).
struct ExecPlan {
  ExecPlan() = default;
  // Moving keeps each vector's buffer, so argv and envp stay valid; a copy would not.
  ExecPlan(ExecPlan&&) = default;
  ExecPlan& operator=(ExecPlan&&) = default;
  ExecPlan(const ExecPlan&) = delete;
  ExecPlan& operator=(const ExecPlan&) = delete;

  std::vector<std::string> argv_text;  // /bin/sh -c <command>
  std::vector<std::string> environment_text;
  std::vector<char*> argv;  // into argv_text, null-terminated
  std::vector<char*> envp;  // into environment_text, null-terminated
};

inline constexpr const char* kExecShell = "/bin/sh";

// kInvalidArgument for an empty command or one holding a NUL.
Result<ExecPlan> make_exec_plan(std::string_view command);

struct SpawnedExec {
  pid_t pid;        // the supervisor's, in keeld's PID namespace
  UniqueFd pidfd;   // readable once the supervisor has ended
  UniqueFd report;  // read end of the report pipe, non-blocking; complete once it has ended
};

// Fails (kIo, kUnavailable) when a pipe, /dev/null or the clone cannot be had; a container that
// is gone by the time the supervisor enters it shows as kSetupFailedCode with a report.
Result<SpawnedExec> spawn_exec(const ContainerEntry& entry, const ExecPlan& plan);

}  // namespace keel::real
