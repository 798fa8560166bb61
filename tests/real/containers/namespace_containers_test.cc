// NamespaceContainers on this machine (issue 8): isolation, exit reporting, stop, logs, cgroup
// limits and clean-up, and failures with their reasons. Runs as root; skips otherwise.
#include "real/containers/namespace_containers.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/env/str.h"
#include "real/containers/busybox_root.h"
#include "real/containers/container_fixture.h"
#include "real/containers/image_store.h"

namespace keel::real::testing {
namespace {

using Kind = ContainerEvent::Kind;
using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST_F(ContainersTest, MainProgramRunsUnderInitAsPidOneOfItsOwnNamespace) {
  const ContainerId id =
      containers_->start(shell("pid", "echo pid=$$ ppid=$PPID; ls /proc | grep -c '^[0-9]'"));
  EXPECT_TRUE(events_.empty()) << "an event from inside start()";
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  const auto exited = wait_for(id, Kind::kExited);
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->exit_code, 0);
  const auto lines = log_of("pid");
  // The init is PID 1; the main program, its first child, is PID 2; ls and grep are all else.
  EXPECT_TRUE(contains(lines, "pid=2 ppid=1")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(contains(lines, "4")) << ::testing::PrintToString(lines);
}

TEST_F(ContainersTest, InitPidIsOneInsideTheNamespace) {
  const ContainerId id = containers_->start(shell("nspid", "echo up; sleep 30"));
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  const auto pid = containers_->init_pid(id);
  ASSERT_TRUE(pid);
  // NSpid lists the pid in each namespace from the outermost: <host pid> then 1 (proc(5)).
  const std::string status = read_text(str("/proc/", *pid, "/status"));
  EXPECT_NE(status.find(str("NSpid:\t", *pid, "\t1\n")), std::string::npos) << status;
  containers_->stop(id, 5s);
  ASSERT_TRUE(wait_for(id, Kind::kExited));
}

TEST_F(ContainersTest, HostnameEnvironmentAndWorkingDirectoryComeFromTheSpec) {
  char host_name[256] = {};
  ::gethostname(host_name, sizeof host_name - 1);
  ContainerSpec spec = shell("named", "hostname; echo greeting=$GREETING; pwd");
  spec.hostname = "box-1";
  spec.environment = {{"GREETING", "hello there"}};
  spec.working_directory = "/tmp";
  const ContainerId id = containers_->start(spec);
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  const auto lines = log_of("named");
  EXPECT_EQ(lines, (std::vector<std::string>{"box-1", "greeting=hello there", "/tmp"}));
  char after[256] = {};
  ::gethostname(after, sizeof after - 1);
  EXPECT_STREQ(after, host_name) << "the container renamed the host";
}

TEST_F(ContainersTest, AMountMadeInsideIsInvisibleOutside) {
  const ContainerId id = containers_->start(
      shell("mounts",
            "mount -t tmpfs none /mnt && echo mounted; grep -c ' /mnt ' /proc/mounts; "
            "sleep 30"));
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  const auto lines = wait_for_line("mounts", "mounted");
  ASSERT_TRUE(contains(lines, "mounted")) << ::testing::PrintToString(lines);
  // Neither the tmpfs nor the root's bind mount, /proc, /dev or /tmp reached the host.
  const std::string host_mounts = read_text("/proc/self/mountinfo");
  EXPECT_EQ(host_mounts.find(root_->path()), std::string::npos) << host_mounts;
  containers_->stop(id, 5s);
  ASSERT_TRUE(wait_for(id, Kind::kExited));
}

TEST_F(ContainersTest, ExitCodesAndSignalsAreReported) {
  const ContainerId code = containers_->start(shell("code", "exit 3"));
  const ContainerId killed = containers_->start(shell("killed", "kill -9 $$"));
  const auto by_code = wait_for(code, Kind::kExited);
  const auto by_signal = wait_for(killed, Kind::kExited);
  ASSERT_TRUE(by_code && by_signal);
  EXPECT_EQ(by_code->exit_code, 3);
  EXPECT_EQ(by_code->signal, 0);
  EXPECT_EQ(by_signal->exit_code, 128 + SIGKILL);
  EXPECT_EQ(by_signal->signal, SIGKILL);
  EXPECT_FALSE(by_signal->oom_killed);
}

TEST_F(ContainersTest, StdoutAndStderrAreLogged) {
  const ContainerId id = containers_->start(
      shell("logged", "echo to-stdout; echo to-stderr >&2; echo 'no newline' | tr -d '\\n'"));
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  EXPECT_EQ(log_of("logged"), (std::vector<std::string>{"to-stdout", "to-stderr", "no newline"}));
  EXPECT_EQ(*tail_log(logs_.path(), "logged", 1), std::vector<std::string>{"no newline"});
}

TEST_F(ContainersTest, StopForwardsSigtermToTheMainProgram) {
  const ContainerId id = containers_->start(shell("polite", "echo ready; exec sleep 30"));
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  wait_for_line("polite", "ready");
  const auto asked = std::chrono::steady_clock::now();
  containers_->stop(id, 10s);
  const auto exited = wait_for(id, Kind::kExited);
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->signal, SIGTERM);
  EXPECT_EQ(exited->exit_code, 128 + SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s) << "waited for the grace";
}

TEST_F(ContainersTest, AProgramIgnoringSigtermIsKilledAfterTheGrace) {
  const ContainerId id = containers_->start(
      shell("stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done"));
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  ASSERT_TRUE(contains(wait_for_line("stubborn", "ready"), "ready"));
  const auto asked = std::chrono::steady_clock::now();
  containers_->stop(id, 300ms);
  const auto exited = wait_for(id, Kind::kExited);
  ASSERT_TRUE(exited);
  EXPECT_GE(std::chrono::steady_clock::now() - asked, 300ms);
  EXPECT_EQ(exited->signal, SIGKILL);
  EXPECT_EQ(exited->exit_code, 128 + SIGKILL);
  EXPECT_NE(log_text_.str().find("containers.killed_after_grace unit=stubborn"), std::string::npos);
}

TEST_F(ContainersTest, OrphansAreReapedByTheInit) {
  // Each inner sh leaves a background child behind and exits: the child is orphaned to PID 1,
  // and is a zombie once it ends unless PID 1 reaps it. The script counts zombies until none is
  // left (bounded).
  const ContainerId id = containers_->start(shell("orphans", R"(
    for i in $(seq 20); do sh -c 'true &'; done
    for i in $(seq 100); do
      zombies=$(cat /proc/[0-9]*/stat 2>/dev/null | grep -c ') Z ')
      [ "$zombies" = 0 ] && break
      sleep 0.05
    done
    echo zombies=$zombies)"));
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  EXPECT_EQ(log_of("orphans"), std::vector<std::string>{"zombies=0"});
}

TEST_F(ContainersTest, AMemoryHogIsKilledAtItsLimitAndReportedOom) {
  // dd's buffer is one block: 64 MiB, filled by its read, past a 16 MiB limit.
  ContainerSpec spec = shell("hog", "exec dd if=/dev/zero of=/dev/null bs=64M count=1");
  spec.memory_max_bytes = 16 << 20;
  const ContainerId id = containers_->start(spec);
  const auto exited = wait_for(id, Kind::kExited);
  ASSERT_TRUE(exited);
  EXPECT_TRUE(exited->oom_killed);
  EXPECT_EQ(exited->signal, SIGKILL);
  // Without the limit the same program runs to its end.
  spec.name = "unlimited";
  spec.memory_max_bytes.reset();
  const ContainerId free = containers_->start(spec);
  const auto fine = wait_for(free, Kind::kExited);
  ASSERT_TRUE(fine);
  EXPECT_FALSE(fine->oom_killed);
  EXPECT_EQ(fine->exit_code, 0);
}

// The v1 cgroup directory of each of memory, cpu and pids that `pid` is in (cgroups(7)).
std::map<std::string, std::string> v1_groups_of(pid_t pid) {
  std::map<std::string, std::string> dir_of;
  std::istringstream lines(read_text(str("/proc/", pid, "/cgroup")));
  for (std::string line; std::getline(lines, line);) {
    for (const char* controller : {"memory", "cpu", "pids"}) {
      const std::string marker = str(":", controller, ":");
      const std::size_t at = line.find(marker);
      if (at != std::string::npos) {
        dir_of[controller] = str("/sys/fs/cgroup/", controller, line.substr(at + marker.size()));
      }
    }
  }
  return dir_of;
}

bool cgroup_v2() { return std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers"); }

TEST_F(ContainersTest, LimitsAreWrittenToTheContainersCgroups) {
  if (cgroup_v2()) GTEST_SKIP() << "reads v1 files; this host has cgroup v2";
  ContainerSpec spec = shell("limited", "sleep 30");
  spec.memory_max_bytes = 64 << 20;
  spec.cpu_quota_percent = 50;
  spec.tasks_max = 16;
  const ContainerId id = containers_->start(spec);
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  auto dir_of = v1_groups_of(*containers_->init_pid(id));
  ASSERT_EQ(dir_of.size(), 3u);
  for (const auto& [controller, dir] : dir_of) {
    EXPECT_NE(dir.find(str("/keel/", ::getpid(), "-")), std::string::npos) << dir;
  }
  EXPECT_EQ(read_text(dir_of["memory"] + "/memory.limit_in_bytes"), "67108864\n");
  EXPECT_EQ(read_text(dir_of["cpu"] + "/cpu.cfs_quota_us"), "50000\n");
  EXPECT_EQ(read_text(dir_of["cpu"] + "/cpu.cfs_period_us"), "100000\n");
  EXPECT_EQ(read_text(dir_of["pids"] + "/pids.max"), "16\n");
  containers_->stop(id, 5s);
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  for (const auto& [controller, dir] : dir_of) EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

// CPU time of a process and its ended, reaped children, in clock ticks (proc(5), fields 14-17).
long cpu_ticks(pid_t pid) {
  const std::string stat = read_text(str("/proc/", pid, "/stat"));
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string skipped;
  for (int field = 3; field < 14; ++field) fields >> skipped;
  long user = 0, system = 0;
  fields >> user >> system;
  return user + system;
}

TEST_F(ContainersTest, ACpuQuotaHoldsWithinATolerance) {
  if (cgroup_v2()) GTEST_SKIP() << "reads v1 files; this host has cgroup v2";
  ContainerSpec spec = shell("spinner", "");
  spec.argv = {"sh", "-c", "exec yes > /dev/null"};
  spec.cpu_quota_percent = 10;
  const ContainerId id = containers_->start(spec);
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  const std::string cpu_stat = v1_groups_of(*containers_->init_pid(id))["cpu"] + "/cpu.stat";
  // yes is the init's only child: its pid is in the init's children list (proc(5)).
  const pid_t init = *containers_->init_pid(id);
  const pid_t spinner = std::stoi(read_text(str("/proc/", init, "/task/", init, "/children")));
  const long ticks_before = cpu_ticks(spinner);
  const auto begin = std::chrono::steady_clock::now();
  // The kernel throttles the group once per 100 ms period it overruns: wait for ten of them.
  const auto throttled = [&] {
    std::istringstream fields(read_text(cpu_stat));
    std::string name;
    long value = 0;
    while (fields >> name >> value) {
      if (name == "nr_throttled") return value;
    }
    return 0L;
  };
  ASSERT_TRUE(run_until(
      io_, [&] { return throttled() >= 10; }, 10s))
      << read_text(cpu_stat);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const double used = static_cast<double>(cpu_ticks(spinner) - ticks_before) /
                      static_cast<double>(::sysconf(_SC_CLK_TCK));
  // 10% of one CPU, with room for tick granularity and the period in progress.
  EXPECT_LE(used / wall, 0.15) << used << " s of CPU in " << wall << " s";
  containers_->stop(id, 0s);
  ASSERT_TRUE(wait_for(id, Kind::kExited));
}

TEST_F(ContainersTest, TasksMaxRefusesForksPastTheLimit) {
  // The init, sh and two sleeps make 4 tasks: the third sleep cannot be forked.
  ContainerSpec spec = shell("forky", "for i in 1 2 3 4 5 6; do sleep 5 & done; echo all forked");
  spec.tasks_max = 4;
  const ContainerId id = containers_->start(spec);
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  const auto lines = log_of("forky");
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("can't fork") != std::string::npos;
  })) << ::testing::PrintToString(lines);
  EXPECT_FALSE(contains(lines, "all forked"));
}

TEST_F(ContainersTest, APrivateNetworkHasOnlyLoopbackAndItIsUp) {
  ContainerSpec spec = shell("netless", "grep -c : /proc/net/dev; ifconfig lo | grep -c UP");
  spec.private_network = true;
  const ContainerId id = containers_->start(spec);
  const auto exited = wait_for(id, Kind::kExited);
  ASSERT_TRUE(exited);
  EXPECT_EQ(log_of("netless"), (std::vector<std::string>{"1", "1"}));
}

std::set<std::string> our_cgroups() {
  std::set<std::string> found;
  for (const char* controller : {"memory", "cpu", "pids"}) {
    std::string own;
    std::istringstream lines(read_text("/proc/self/cgroup"));
    for (std::string line; std::getline(lines, line);) {
      const std::string marker = str(":", controller, ":");
      const std::size_t at = line.find(marker);
      if (at != std::string::npos) own = line.substr(at + marker.size());
    }
    if (own == "/") own.clear();
    const std::string parent = str("/sys/fs/cgroup/", controller, own, "/keel");
    if (!std::filesystem::exists(parent)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(parent)) {
      if (entry.path().filename().string().starts_with(str(::getpid(), "-"))) {
        found.insert(entry.path().string());
      }
    }
  }
  return found;
}

std::size_t our_children() {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string stat = read_text(entry.path().string() + "/stat");
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent == ::getpid()) ++count;
  }
  return count;
}

TEST_F(ContainersTest, HundredStartStopCyclesLeaveNothingBehind) {
  const std::string mounts_before = read_text("/proc/self/mountinfo");
  const std::size_t children_before = our_children();
  for (int cycle = 0; cycle < 100; ++cycle) {
    ContainerSpec spec = shell("cycle", "sleep 30");
    spec.memory_max_bytes = 32 << 20;
    spec.tasks_max = 8;
    spec.private_network = cycle % 2 == 1;
    const ContainerId id = containers_->start(spec);
    ASSERT_TRUE(wait_for(id, Kind::kStarted)) << "cycle " << cycle;
    containers_->stop(id, 2s);
    ASSERT_TRUE(wait_for(id, Kind::kExited)) << "cycle " << cycle;
  }
  EXPECT_EQ(containers_->active(), 0u);
  EXPECT_EQ(read_text("/proc/self/mountinfo"), mounts_before);
  EXPECT_EQ(our_cgroups(), std::set<std::string>{});
  EXPECT_EQ(our_children(), children_before);
}

TEST_F(ContainersTest, FailedStartsSayWhy) {
  struct Case {
    std::string name;
    ContainerSpec spec;
    std::string reason;
  };
  std::vector<Case> cases;
  ContainerSpec missing_root = shell("no-root", "true");
  missing_root.root_directory = "/nonexistent/keel-root";
  cases.push_back(
      {"missing root", missing_root, "missing root filesystem: '/nonexistent/keel-root'"});
  ContainerSpec bad_program = shell("bad-exec", "");
  bad_program.argv = {"/bin/no-such-program"};
  cases.push_back({"exec", bad_program, "exec /bin/no-such-program: No such file or directory"});
  ContainerSpec not_on_path = shell("not-on-path", "");
  not_on_path.argv = {"no-such-program"};
  cases.push_back({"path", not_on_path, "exec no-such-program: No such file or directory"});
  ContainerSpec not_executable = shell("not-exec", "");
  not_executable.argv = {"/proc/cpuinfo"};
  cases.push_back({"not executable", not_executable, "exec /proc/cpuinfo: Permission denied"});
  ContainerSpec bad_directory = shell("bad-dir", "true");
  bad_directory.working_directory = "/no/such/dir";
  cases.push_back(
      {"directory", bad_directory, "working directory /no/such/dir: No such file or directory"});
  ContainerSpec empty = shell("empty", "");
  empty.argv.clear();
  cases.push_back({"empty argv", empty, "argv is empty"});
  ContainerSpec image = shell("imaged", "true");
  image.root_directory.clear();
  image.image = "nothing:here";
  cases.push_back({"image", image, "image nothing:here: no image tagged nothing:here"});
  ContainerSpec bad_name = shell("../escape", "true");
  cases.push_back({"name", bad_name, "cannot name a log file"});

  for (const Case& c : cases) {
    const ContainerId id = containers_->start(c.spec);
    const auto failed = wait_for(id, Kind::kFailedToStart);
    ASSERT_TRUE(failed) << c.name;
    EXPECT_NE(failed->reason.find(c.reason), std::string::npos) << c.name << ": " << failed->reason;
  }
  // Give any wrong kExited or kStarted the time to show up, then check none did.
  const ContainerId last = containers_->start(shell("after", "true"));
  ASSERT_TRUE(wait_for(last, Kind::kExited));
  for (const ContainerEvent& event : events_) {
    if (event.id != last) {
      EXPECT_EQ(event.kind, Kind::kFailedToStart) << event.id;
    }
  }
  // A failed start is reported at once, but its container goes only once its init is reaped and
  // its output drained (finish), which may come after "after" exits: wait for it, bounded.
  EXPECT_TRUE(run_until(
      io_, [&] { return containers_->active() == 0; }, 5s))
      << containers_->active() << " containers left";
}

TEST_F(ContainersTest, AContainerFromAnImageWritesOnlyToItsOwnOverlay) {
  ImageStore store(images_.path());
  ASSERT_TRUE(store.add("bb:1", "busybox-test",
                        [](const std::string& rootfs) { return make_busybox_root(rootfs); }));
  ContainerSpec spec = shell("imaged", "echo hi > /written; cat /written; ls /bin/busybox");
  spec.root_directory.clear();
  spec.image = "bb:1";
  const ContainerId first = containers_->start(spec);
  const auto started = wait_for(first, Kind::kStarted);
  ASSERT_TRUE(started) << (events_.empty() ? "no event" : events_.back().reason);
  const auto exited = wait_for(first, Kind::kExited);
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->exit_code, 0);
  EXPECT_EQ(log_of("imaged"), (std::vector<std::string>{"hi", "/bin/busybox"}));
  const std::string rootfs = *store.rootfs("bb:1");
  EXPECT_FALSE(std::filesystem::exists(rootfs + "/written")) << "the container wrote the image";
  // Its overlay directories went with it; a second container starts from the image afresh.
  EXPECT_TRUE(std::filesystem::is_empty(images_ / "run"));
  spec.argv = {"sh", "-c", "ls /written || echo fresh"};
  spec.name = "imaged-again";
  ASSERT_TRUE(wait_for(containers_->start(spec), Kind::kExited));
  EXPECT_EQ(log_of("imaged-again").back(), "fresh");
}

TEST_F(ContainersTest, ContainersPastTheLimitFailToStart) {
  NamespaceContainersOptions options;
  options.log_dir = logs_.path();
  options.max_containers = 2;
  containers_.emplace(io_, trace_, std::move(options));
  containers_->set_event_handler([this](const ContainerEvent& event) { events_.push_back(event); });
  const ContainerId first = containers_->start(shell("one", "sleep 30"));
  const ContainerId second = containers_->start(shell("two", "sleep 30"));
  const ContainerId third = containers_->start(shell("three", "sleep 30"));
  const auto refused = wait_for(third, Kind::kFailedToStart);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->reason.find("the limit is 2"), std::string::npos) << refused->reason;
  ASSERT_TRUE(wait_for(first, Kind::kStarted) && wait_for(second, Kind::kStarted));
  containers_->stop(first, 0s);
  ASSERT_TRUE(wait_for(first, Kind::kExited));
  const ContainerId fourth = containers_->start(shell("four", "true"));
  EXPECT_TRUE(wait_for(fourth, Kind::kExited)) << "a slot freed by an exit is usable again";
}

TEST_F(ContainersTest, StopOfAnUnknownOrEndedContainerDoesNothing) {
  containers_->stop(9999, 1s);
  const ContainerId id = containers_->start(shell("brief", "true"));
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  containers_->stop(id, 1s);
  run_until(
      io_, [] { return false; }, 50ms);
  EXPECT_EQ(std::count_if(events_.begin(), events_.end(),
                          [&](const ContainerEvent& e) { return e.id == id; }),
            2);
}

TEST_F(ContainersTest, DestroyingTheRuntimeKillsWhatRuns) {
  const ContainerId id = containers_->start(shell("orphaned", "sleep 30"));
  ASSERT_TRUE(wait_for(id, Kind::kStarted));
  const pid_t init = *containers_->init_pid(id);
  containers_.reset();
  EXPECT_FALSE(std::filesystem::exists(str("/proc/", init))) << "init " << init << " survived";
}

// A keeld killed with SIGKILL runs no destructor: its containers' inits die with it
// (PR_SET_PDEATHSIG), so a unit moved elsewhere does not keep running here.
TEST_F(ContainersTest, ContainersDieWithAKilledKeeld) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t keeld = ::fork();
  if (keeld == 0) {  // a stand-in keeld: starts one container, reports its init, runs on
    ::close(pipe_fds[0]);
    boost::asio::io_context io;
    AsioClock clock(io);
    NullTraceSink sink;
    MachineTrace trace("child", clock, sink);
    NamespaceContainersOptions options;
    options.log_dir = logs_.path();
    NamespaceContainers containers(io, trace, std::move(options));
    bool started = false;
    containers.set_event_handler(
        [&](const ContainerEvent& e) { started |= e.kind == Kind::kStarted; });
    const ContainerId id = containers.start(shell("survivor", "sleep 30"));
    run_until(io, [&] { return started; });
    const pid_t init = started ? *containers.init_pid(id) : 0;
    [[maybe_unused]] const auto written = ::write(pipe_fds[1], &init, sizeof init);
    run_until(
        io, [] { return false; }, 30s);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  pid_t init = 0;
  ASSERT_EQ(::read(pipe_fds[0], &init, sizeof init), static_cast<ssize_t>(sizeof init));
  ::close(pipe_fds[0]);
  ASSERT_GT(init, 0) << "the container did not start in the stand-in keeld";
  ::kill(keeld, SIGKILL);
  ::waitpid(keeld, nullptr, 0);
  // Gone, or a zombie waiting for whoever inherited it: either way not running.
  const auto ended = [&] {
    const std::string stat = read_text(str("/proc/", init, "/stat"));
    return stat.empty() || stat.find(") Z ") != std::string::npos;
  };
  EXPECT_TRUE(run_until(io_, ended, 5s)) << "init " << init << " outlived its keeld";
}

}  // namespace
}  // namespace keel::real::testing
