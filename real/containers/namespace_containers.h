// NamespaceContainers: env::Containers for a real machine (issue 8). Each container is an init
// cloned into new PID, mount, UTS and IPC namespaces (and a network namespace with loopback only
// when the spec asks for a private network), with the spec's root directory pivoted to "/", a
// fresh /proc, a minimal /dev and a /tmp tmpfs (or the spec's image from an ImageStore, under a
// per-container overlay), in cgroups holding its limits. Its stdout and
// stderr go to a rotating per-unit log under the log directory (container_log.h).
//
// Contract (core/env/containers.h), and how it is kept:
// - start() returns at once; kStarted follows when the main program has been exec'd (the report
//   pipe closed unwritten), kFailedToStart with the reason in words otherwise: not root,
//   namespaces not permitted, a missing root filesystem, a bad spec, a cgroup or exec failure.
// - kExited follows kStarted once the init has been reaped (its pidfd watched on the loop, never a
//   blocking wait; polled on a timer should epoll refuse it), its output has been drained into the
//   log and its cgroups removed: after kExited no process, mount (they lived in the container's
//   mount namespace) or cgroup remains. exit_code is the main program's code or 128 + signal;
//   oom_killed when the cgroup's OOM counter moved.
// - stop(id, grace): SIGTERM to the init (which forwards it to the main program), SIGKILL after
//   the grace; the init's death takes every process of the namespace with it.
// Everything runs on the io_context's thread. Destroying the runtime kills and reaps what still
// runs, removes its cgroups, and delivers no more events.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/env/containers.h"
#include "real/containers/cgroups.h"
#include "real/containers/container_exec.h"
#include "real/containers/container_log.h"
#include "real/containers/launch_plan.h"
#include "real/machine_trace.h"

namespace keel::real {

struct NamespaceContainersOptions {
  std::string log_dir;  // <log_dir>/<unit>.log, created when first needed
  // An ImageStore's directory (image_store.h), where specs naming an image find it; containers'
  // overlay directories go in its run/. Empty: specs naming an image fail to start.
  std::string image_dir;
  LogRotation log_rotation;
  std::size_t max_containers = 256;  // active at once; past it start() fails with the reason
  std::string cgroup_mount = "/sys/fs/cgroup";
  std::string self_cgroup_file = "/proc/self/cgroup";
};

class NamespaceContainers final : public Containers {
 public:
  // `trace` must outlive the runtime.
  NamespaceContainers(boost::asio::io_context& io, const MachineTrace& trace,
                      NamespaceContainersOptions options);
  ~NamespaceContainers() override;
  NamespaceContainers(const NamespaceContainers&) = delete;
  NamespaceContainers& operator=(const NamespaceContainers&) = delete;

  ContainerId start(const ContainerSpec& spec) override;
  void stop(ContainerId id, Duration grace) override;
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

  // Containers whose processes, pipes or cgroups are not all gone yet.
  std::size_t active() const { return containers_.size(); }
  // The init's pid in keeld's PID namespace, while the container is active.
  std::optional<pid_t> init_pid(ContainerId id) const;
  // Handles for running a command inside a running container (container_exec.h): a pidfd of its
  // init and its root directory as the init sees it. kNotFound once its init has ended (even if
  // not yet reaped), or for an id it does not know.
  Result<ContainerEntry> entry(ContainerId id) const;
  const std::string& log_dir() const { return options_.log_dir; }

 private:
  struct Container;

  Result<std::unique_ptr<Container>> launch(ContainerId id, const ContainerSpec& spec);
  // Makes the container's image mount, cgroups and pipes and clones its init, recording in `c`
  // what it made (for the caller to undo on failure).
  Status spawn_into(Container& c, const ContainerSpec& spec);
  Result<ImageMount> image_mount(Container& c, const ContainerSpec& spec);
  void remove_scratch(Container& c);
  void read_report(ContainerId id);
  void read_output(ContainerId id);
  void watch_exit(ContainerId id);
  void poll_exit(ContainerId id);
  // Reaps the init if it has ended, recording its exit; false while it runs.
  bool reap(Container& container);
  // Moves a container on once its report, exit and output are all in: emits what is due.
  void advance(ContainerId id);
  void finish(ContainerId id);
  void deliver(const ContainerEvent& event);
  Container* find(ContainerId id);
  // A completion handler for `id` that does nothing once the runtime or the container is gone.
  template <class Body>
  auto guarded(ContainerId id, Body body);

  boost::asio::io_context& io_;
  const MachineTrace& trace_;
  NamespaceContainersOptions options_;
  Result<CgroupHost> cgroup_host_;
  EventHandler handler_;
  ContainerId next_id_ = 1;
  std::map<ContainerId, std::unique_ptr<Container>> containers_;
  // Completions hold a weak copy: expired means the runtime is gone.
  std::shared_ptr<const bool> lifetime_ = std::make_shared<const bool>(true);
};

}  // namespace keel::real
