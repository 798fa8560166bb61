#include "real/containers/namespace_containers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/containers/container_init.h"
#include "real/containers/image_store.h"
#include "real/containers/launch_plan.h"
#include "real/containers/spawn.h"
#include "real/containers/unique_fd.h"

namespace keel::real {
namespace {

using boost::asio::posix::stream_descriptor;

// A reason longer than this is cut: a report is one line of words, not a stream.
constexpr std::size_t kMaxReport = 1024;
// Removing a cgroup right after its last process was reaped can meet EBUSY while the kernel
// finishes tearing the task down; it is retried this often, this many times, then left behind
// with a trace event.
constexpr auto kCgroupRetryDelay = std::chrono::milliseconds(5);
constexpr int kCgroupAttempts = 200;
constexpr auto kExitPollInterval = std::chrono::milliseconds(10);

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// pidfd_send_signal(2) through syscall(): glibc 2.36's <sys/pidfd.h> lacks C++ linkage. A pidfd
// names the process even after its pid is reused, so a late signal cannot hit a stranger.
void send_signal(int pidfd, int signal) {
  ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0);
}

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe(std::string_view what) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail(Errc::kIo, str("make the ", what, " pipe: ", std::strerror(errno)));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace

struct NamespaceContainers::Container {
  Container(boost::asio::io_context& io, ContainerId id_, std::string name_, RotatingLog log_)
      : id(id_),
        name(std::move(name_)),
        leaf(str(::getpid(), "-", id_, "-", name)),
        pidfd(io),
        report(io),
        output(io),
        log(std::move(log_)),
        timer(io),
        exit_poll_timer(io) {}

  ContainerId id;
  std::string name;
  std::string leaf;     // names its cgroups and scratch directory: <keeld pid>-<id>-<unit>
  std::string scratch;  // with an image: the overlay's upper, work and merged directories
  pid_t pid = 0;
  stream_descriptor pidfd;   // readable once the init has ended
  stream_descriptor report;  // read end of the report pipe (child_report.h)
  stream_descriptor output;  // read end of the output pipe
  UniqueFd status;           // read end of the status pipe (container_init.h), non-blocking
  RotatingLog log;
  std::optional<ContainerCgroups> cgroups;
  boost::asio::steady_timer timer;  // the SIGKILL after a stop's grace, then cgroup retries
  boost::asio::steady_timer exit_poll_timer;  // only when the pidfd cannot be watched
  bool exit_polled = false;

  std::string report_text;
  std::vector<char> report_buffer = std::vector<char>(256);
  std::vector<char> output_buffer = std::vector<char>(16 * 1024);
  bool report_done = false;
  bool output_done = false;
  bool start_reported = false;
  bool start_failed = false;
  bool stopping = false;
  bool log_failed = false;
  std::optional<ContainerEvent> exit;  // set once the init has been reaped
  int cgroup_attempts = 0;
};

NamespaceContainers::NamespaceContainers(boost::asio::io_context& io, const MachineTrace& trace,
                                         NamespaceContainersOptions options)
    : io_(io),
      trace_(trace),
      options_(std::move(options)),
      cgroup_host_(detect_cgroups(options_.cgroup_mount, read_text(options_.self_cgroup_file))) {}

NamespaceContainers::~NamespaceContainers() {
  for (auto& [id, container] : containers_) {
    if (!container->exit) {
      const int pidfd = container->pidfd.native_handle();
      send_signal(pidfd, SIGKILL);
      // Asio made the pidfd non-blocking, where waitid would not wait (pidfd_open(2)). The wait
      // is short: SIGKILL cannot be caught, and the init's death ends its namespace.
      ::fcntl(pidfd, F_SETFL, ::fcntl(pidfd, F_GETFL) & ~O_NONBLOCK);
      siginfo_t info{};
      ::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED);
    }
    // No loop to retry on any more: a few short pauses instead.
    for (int attempt = 0; container->cgroups && attempt < kCgroupAttempts; ++attempt) {
      if (container->cgroups->remove()) break;
      ::usleep(static_cast<useconds_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(kCgroupRetryDelay).count()));
    }
    remove_scratch(*container);
    trace_.emit("containers", "discarded", {{"unit", container->name}, {"id", id}});
  }
}

std::optional<pid_t> NamespaceContainers::init_pid(ContainerId id) const {
  const auto found = containers_.find(id);
  if (found == containers_.end()) return std::nullopt;
  return found->second->pid;
}

Result<ContainerEntry> NamespaceContainers::entry(ContainerId id) const {
  const auto found = containers_.find(id);
  if (found == containers_.end() || found->second->exit) {
    return fail(Errc::kNotFound, str("container ", id, " is not running"));
  }
  Container& c = *found->second;
  ContainerEntry entry;
  entry.init_pidfd.reset(::fcntl(c.pidfd.native_handle(), F_DUPFD_CLOEXEC, 0));
  if (!entry.init_pidfd.valid()) {
    return fail(Errc::kIo,
                str("duplicate the pidfd of container ", id, ": ", std::strerror(errno)));
  }
  // The init is keeld's child and only this thread reaps it (reap()), so until then its pid
  // cannot name another process: this is its root, not a stranger's.
  const std::string root = str("/proc/", c.pid, "/root");
  entry.root.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!entry.root.valid()) {
    return fail(Errc::kNotFound,
                str("container ", id, " has ended: open ", root, ": ", std::strerror(errno)));
  }
  return entry;
}

NamespaceContainers::Container* NamespaceContainers::find(ContainerId id) {
  const auto found = containers_.find(id);
  return found == containers_.end() ? nullptr : found->second.get();
}

template <class Body>
auto NamespaceContainers::guarded(ContainerId id, Body body) {
  return [this, life = std::weak_ptr<const bool>(lifetime_), id, body = std::move(body)](
             const boost::system::error_code& error, auto... rest) mutable {
    if (life.expired()) return;
    Container* container = find(id);
    if (container == nullptr) return;
    body(*container, error, rest...);
  };
}

ContainerId NamespaceContainers::start(const ContainerSpec& spec) {
  const ContainerId id = next_id_++;
  auto launched = launch(id, spec);
  if (!launched) {
    trace_.emit("containers", "start_failed",
                {{"unit", spec.name}, {"id", id}, {"reason", launched.error().message}});
    boost::asio::post(io_, [this, life = std::weak_ptr<const bool>(lifetime_), id,
                            reason = launched.error().message] {
      if (life.expired()) return;
      deliver(
          ContainerEvent{.kind = ContainerEvent::Kind::kFailedToStart, .id = id, .reason = reason});
    });
    return id;
  }
  trace_.emit("containers", "spawned",
              {{"unit", spec.name}, {"id", id}, {"pid", std::int64_t{(*launched)->pid}}});
  containers_.emplace(id, std::move(*launched));
  read_report(id);
  read_output(id);
  watch_exit(id);
  return id;
}

Result<std::unique_ptr<NamespaceContainers::Container>> NamespaceContainers::launch(
    ContainerId id, const ContainerSpec& spec) {
  if (::geteuid() != 0) {
    return fail(
        Errc::kUnavailable,
        str("not root: namespace containers need root (keeld runs as uid ", ::geteuid(), ")"));
  }
  if (containers_.size() >= options_.max_containers) {
    return fail(Errc::kLimitExceeded, str("already ", containers_.size(),
                                          " containers: the limit is ", options_.max_containers));
  }
  auto log = RotatingLog::open(options_.log_dir, spec.name, options_.log_rotation);
  if (!log) return std::unexpected(log.error());
  auto container = std::make_unique<Container>(io_, id, spec.name, std::move(*log));
  if (auto spawned = spawn_into(*container, spec); !spawned) {
    if (container->cgroups) (void)container->cgroups->remove();
    remove_scratch(*container);
    return std::unexpected(spawned.error());
  }
  return container;
}

Result<ImageMount> NamespaceContainers::image_mount(Container& c, const ContainerSpec& spec) {
  auto rootfs = ImageStore(options_.image_dir).rootfs(spec.image);
  if (!rootfs) {
    return fail(rootfs.error().code, str("image ", spec.image, ": ", rootfs.error().message));
  }
  c.scratch = str(options_.image_dir, "/run/", c.leaf);
  ImageMount mount{.rootfs = *rootfs,
                   .upper = c.scratch + "/upper",
                   .work = c.scratch + "/work",
                   .merged = c.scratch + "/merged"};
  std::error_code error;
  for (const std::string* dir : {&mount.upper, &mount.work, &mount.merged}) {
    std::filesystem::create_directories(*dir, error);
    if (error) return fail(Errc::kIo, str("create ", *dir, ": ", error.message()));
  }
  return mount;
}

Status NamespaceContainers::spawn_into(Container& c, const ContainerSpec& spec) {
  std::optional<ImageMount> image;
  if (!spec.image.empty() && !options_.image_dir.empty()) {
    auto mount = image_mount(c, spec);
    if (!mount) return std::unexpected(mount.error());
    image = std::move(*mount);
  }
  auto plan = make_launch_plan(spec, image ? &*image : nullptr);
  if (!plan) return std::unexpected(plan.error());

  const CgroupLimits limits{.memory_max_bytes = spec.memory_max_bytes,
                            .cpu_quota_percent = spec.cpu_quota_percent,
                            .tasks_max = spec.tasks_max};
  std::vector<UniqueFd> cgroup_fds;
  if (limits.any()) {
    if (!cgroup_host_) return std::unexpected(cgroup_host_.error());
    auto cgroups = ContainerCgroups::create(*cgroup_host_, c.leaf, limits);
    if (!cgroups) return std::unexpected(cgroups.error());
    c.cgroups = std::move(*cgroups);
    for (const std::string& file : c.cgroups->procs_files()) {
      cgroup_fds.emplace_back(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
      if (!cgroup_fds.back().valid()) {
        return fail(Errc::kIo, str("open ", file, ": ", std::strerror(errno)));
      }
    }
  }
  auto report = make_pipe("report");
  if (!report) return std::unexpected(report.error());
  auto status = make_pipe("status");
  if (!status) return std::unexpected(status.error());
  auto output = make_pipe("output");
  if (!output) return std::unexpected(output.error());
  ChildFds fds{.report = report->write.get(),
               .status = status->write.get(),
               .output = output->write.get(),
               .cgroups = {}};
  for (const UniqueFd& fd : cgroup_fds) fds.cgroups.push_back(fd.get());
  auto spawned = spawn_container(*plan, fds);
  if (!spawned) return std::unexpected(spawned.error());
  // The write ends close here as they go out of scope: only the container holds them now.
  c.pid = spawned->pid;
  c.pidfd.assign(spawned->pidfd.release());
  c.report.assign(report->read.release());
  c.output.assign(output->read.release());
  c.status = std::move(status->read);
  ::fcntl(c.status.get(), F_SETFL, O_NONBLOCK);
  return {};
}

void NamespaceContainers::remove_scratch(Container& c) {
  if (c.scratch.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(c.scratch, error);
  if (error) {
    trace_.emit("containers", "scratch_left", {{"unit", c.name}, {"reason", error.message()}});
  }
  c.scratch.clear();
}

void NamespaceContainers::read_report(ContainerId id) {
  Container& c = *find(id);
  c.report.async_read_some(
      boost::asio::buffer(c.report_buffer),
      guarded(id, [this](Container& container, const boost::system::error_code& error,
                         std::size_t got) {
        if (!error) {
          const std::size_t room = kMaxReport - std::min(kMaxReport, container.report_text.size());
          container.report_text.append(container.report_buffer.data(), std::min(got, room));
          return read_report(container.id);
        }
        container.report_done = true;  // end of file: every write end is closed
        advance(container.id);
      }));
}

void NamespaceContainers::read_output(ContainerId id) {
  Container& c = *find(id);
  c.output.async_read_some(
      boost::asio::buffer(c.output_buffer),
      guarded(id, [this](Container& container, const boost::system::error_code& error,
                         std::size_t got) {
        if (!error) {
          auto written =
              container.log.append(std::string_view(container.output_buffer.data(), got));
          if (!written && !container.log_failed) {
            container.log_failed = true;  // reported once; the output is still drained
            trace_.emit("containers", "log_failed",
                        {{"unit", container.name}, {"reason", written.error().message}});
          }
          return read_output(container.id);
        }
        container.output_done = true;
        advance(container.id);
      }));
}

void NamespaceContainers::watch_exit(ContainerId id) {
  Container& c = *find(id);
  c.pidfd.async_wait(
      stream_descriptor::wait_read,
      guarded(id, [this](Container& container, const boost::system::error_code& error) {
        if (error == boost::asio::error::operation_aborted) return;
        if (reap(container)) return advance(container.id);
        if (!error) return watch_exit(container.id);  // woken early: wait again
        // The loop cannot watch this pidfd (epoll refused it): ask it on a timer instead.
        if (!container.exit_polled) {
          container.exit_polled = true;
          trace_.emit("containers", "exit_polled",
                      {{"unit", container.name}, {"reason", error.message()}});
        }
        poll_exit(container.id);
      }));
}

void NamespaceContainers::poll_exit(ContainerId id) {
  Container& c = *find(id);
  c.exit_poll_timer.expires_after(kExitPollInterval);
  c.exit_poll_timer.async_wait(
      guarded(id, [this](Container& container, const boost::system::error_code& error) {
        if (error) return;
        if (reap(container)) return advance(container.id);
        poll_exit(container.id);
      }));
}

bool NamespaceContainers::reap(Container& c) {
  siginfo_t info{};
  // The pidfd is non-blocking (Asio made it so): EAGAIN means the init still runs.
  if (::waitid(P_PIDFD, static_cast<id_t>(c.pidfd.native_handle()), &info, WEXITED) != 0) {
    KEEL_ASSERT(errno == EAGAIN, "waitid on the pidfd of container ", c.id, " (init ", c.pid,
                ") failed: ", std::strerror(errno));
    return false;
  }
  c.timer.cancel();
  c.exit_poll_timer.cancel();
  ContainerEvent event{.kind = ContainerEvent::Kind::kExited, .id = c.id, .reason = {}};
  MainExit main{};
  if (::read(c.status.get(), &main, sizeof main) == static_cast<ssize_t>(sizeof main)) {
    event.exit_code = main.code;
    event.signal = main.signal;
  } else if (info.si_code == CLD_EXITED) {
    event.exit_code = info.si_status;  // the init ended without a main program's status
  } else {
    event.signal = info.si_status;  // the init itself was killed: SIGKILL after a stop's grace
    event.exit_code = 128 + info.si_status;
  }
  event.oom_killed = c.cgroups && c.cgroups->oom_killed();
  c.exit = event;
  return true;
}

void NamespaceContainers::advance(ContainerId id) {
  Container* c = find(id);
  if (c == nullptr) return;
  if (!c->start_reported && c->report_done) {
    c->start_reported = true;
    if (c->report_text.empty()) {
      trace_.emit("containers", "started", {{"unit", c->name}, {"id", id}});
      deliver(ContainerEvent{.kind = ContainerEvent::Kind::kStarted, .id = id, .reason = {}});
    } else {
      c->start_failed = true;
      trace_.emit("containers", "start_failed",
                  {{"unit", c->name}, {"id", id}, {"reason", c->report_text}});
      deliver(ContainerEvent{
          .kind = ContainerEvent::Kind::kFailedToStart, .id = id, .reason = c->report_text});
    }
    c = find(id);  // the handler may have stopped it; it cannot have been removed
    KEEL_ASSERT(c != nullptr, "container ", id, " vanished during its start event");
  }
  if (c->start_reported && c->exit && c->output_done) finish(id);
}

void NamespaceContainers::finish(ContainerId id) {
  Container& c = *find(id);
  if (c.cgroups) {
    if (auto removed = c.cgroups->remove(); !removed) {
      if (++c.cgroup_attempts < kCgroupAttempts) {
        c.timer.expires_after(kCgroupRetryDelay);
        c.timer.async_wait(
            guarded(id, [this](Container& container, const boost::system::error_code& error) {
              if (!error) finish(container.id);
            }));
        return;
      }
      trace_.emit("containers", "cgroup_left",
                  {{"unit", c.name}, {"id", id}, {"reason", removed.error().message}});
    }
  }
  remove_scratch(c);
  const ContainerEvent event = *c.exit;
  const bool report = !c.start_failed;
  if (report) {
    trace_.emit("containers", "exited",
                {{"unit", c.name},
                 {"id", id},
                 {"code", event.exit_code},
                 {"signal", event.signal},
                 {"oom_killed", event.oom_killed ? "yes" : "no"}});
  }
  containers_.erase(id);
  if (report) deliver(event);
}

void NamespaceContainers::stop(ContainerId id, Duration grace) {
  Container* c = find(id);
  if (c == nullptr || c->exit || c->stopping) return;
  c->stopping = true;
  trace_.emit("containers", "stopping",
              {{"unit", c->name},
               {"id", id},
               {"grace_ms", std::chrono::duration_cast<std::chrono::milliseconds>(grace).count()}});
  const int pidfd = c->pidfd.native_handle();
  if (grace <= Duration::zero()) {
    send_signal(pidfd, SIGKILL);
    return;
  }
  send_signal(pidfd, SIGTERM);
  c->timer.expires_after(grace);
  c->timer.async_wait(
      guarded(id, [this](Container& container, const boost::system::error_code& error) {
        if (error || container.exit) return;
        trace_.emit("containers", "killed_after_grace",
                    {{"unit", container.name}, {"id", container.id}});
        send_signal(container.pidfd.native_handle(), SIGKILL);
      }));
}

void NamespaceContainers::deliver(const ContainerEvent& event) {
  if (handler_) handler_(event);
}

}  // namespace keel::real
