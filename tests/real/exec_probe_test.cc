// Exec checks (issue 8) through AsioHealthProber against real namespace containers: exit 0
// passes, exit 1 fails, a command that hangs fails at its timeout and leaves no process behind
// (nor harms the container), the command sees the container's hostname and files (and another
// container's check does not), and a container that has ended fails the check. Runs as root;
// skips, saying why, where namespace containers cannot run.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/env/str.h"
#include "real/asio_health_prober.h"
#include "real/containers/container_exec.h"
#include "real/containers/container_fixture.h"
#include "real/support/processes.h"

namespace keel::real::testing {
namespace {

using Kind = ContainerEvent::Kind;
using namespace std::chrono_literals;

// Processes whose command line holds `marker` anywhere.
std::size_t processes_mentioning(const std::string& marker) {
  return processes_where([&](std::string_view cmdline) {
           return cmdline.find(marker) != std::string_view::npos;
         })
      .size();
}

class ExecProbeTest : public ContainersTest {
 protected:
  // A container that runs `setup`, prints "ready", then runs `script`; returned once it has
  // printed "ready", so whatever `setup` did is done.
  ContainerId start_ready(const std::string& name, const std::string& script,
                          const std::string& hostname = "", const std::string& setup = "") {
    ContainerSpec spec = shell(name, str(setup, "echo ready; ", script));
    spec.hostname = hostname;
    const ContainerId id = containers_->start(spec);
    wait_for_line(name, "ready");
    return id;
  }

  // Runs `command` as an exec check in container `id`; nullopt without an answer in 10 s.
  std::optional<bool> check(ContainerId id, std::string_view command, Duration timeout = 5s) {
    AsioHealthProber prober(io_, trace_, &*containers_, timeout);
    std::optional<bool> passed;
    prober.probe(fleet::ServiceRecord{"svc", "svc.service", "n1", "127.0.0.1", 80}, id,
                 fleet::CheckKind::kExec, command, [&](bool ok) { passed = ok; });
    EXPECT_FALSE(passed.has_value()) << "done ran inside probe()";
    run_until(
        io_, [&] { return passed.has_value(); }, 10s);
    // Wait for the reaping too, so no test leaves a process behind.
    EXPECT_TRUE(run_until(
        io_, [&] { return prober.exec_running() == 0; }, 10s));
    return passed;
  }

  void stop(ContainerId id) {
    containers_->stop(id, 0s);
    ASSERT_TRUE(wait_for(id, Kind::kExited));
  }
};

TEST_F(ExecProbeTest, ExitZeroPassesAndExitOneFails) {
  const ContainerId id = start_ready("codes", "sleep 30");
  EXPECT_EQ(check(id, "true"), true);
  EXPECT_EQ(check(id, "exit 0"), true);
  EXPECT_EQ(check(id, "exit 1"), false);
  EXPECT_NE(log_text_.str().find("exec check exited with code 1"), std::string::npos)
      << log_text_.str();
  EXPECT_EQ(check(id, "no-such-program-here"), false);  // sh: not found, 127
  EXPECT_NE(log_text_.str().find("exec check exited with code 127"), std::string::npos)
      << log_text_.str();
  stop(id);
}

TEST_F(ExecProbeTest, ACommandThatHangsIsKilledAtItsTimeoutWithEveryProcessItStarted) {
  const ContainerId id = start_ready("hangs", "sleep 30");
  // A background child and a foreground one: both must go.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(check(id, "sleep 987651 & sleep 987652", 300ms), false);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(processes_mentioning("98765"), 0u) << "a process of the check outlived it";
  EXPECT_NE(log_text_.str().find("exec check still running after 300 ms: killed"),
            std::string::npos)
      << log_text_.str();
  // The container itself was not touched.
  EXPECT_TRUE(containers_->init_pid(id).has_value());
  EXPECT_EQ(check(id, "true"), true);
  stop(id);
}

TEST_F(ExecProbeTest, TheCommandRunsInsideItsContainer) {
  const ContainerId inside =
      start_ready("inside", "sleep 30", "check-box", "touch /tmp/only-in-inside; ");
  const ContainerId other = start_ready("other", "sleep 30", "other-box");
  ASSERT_FALSE(std::filesystem::exists("/tmp/only-in-inside")) << "the file leaked to the host";
  // Its hostname (UTS), its private /tmp (mount namespace and root) and its own PID namespace,
  // where the command is PID 1 of a nested one.
  EXPECT_EQ(check(inside, "test \"$(hostname)\" = check-box"), true);
  EXPECT_EQ(check(inside, "test -f /tmp/only-in-inside"), true);
  EXPECT_EQ(check(inside, "test $$ = 1"), true);
  // The same checks in the other container see that one instead.
  EXPECT_EQ(check(other, "test -f /tmp/only-in-inside"), false);
  EXPECT_EQ(check(other, "test \"$(hostname)\" = check-box"), false);
  EXPECT_EQ(check(other, "test \"$(hostname)\" = other-box"), true);
  stop(inside);
  stop(other);
}

TEST_F(ExecProbeTest, AContainerThatHasEndedOrIsUnknownFailsTheCheck) {
  const ContainerId id = start_ready("ended", "exit 0");
  ASSERT_TRUE(wait_for(id, Kind::kExited));
  EXPECT_EQ(check(id, "true"), false);
  EXPECT_NE(log_text_.str().find(str("container ", id, " is not running")), std::string::npos)
      << log_text_.str();
  EXPECT_EQ(check(id + 1000, "true"), false);
  EXPECT_NE(log_text_.str().find(str("container ", id + 1000, " is not running")),
            std::string::npos);
}

TEST_F(ExecProbeTest, PastTheLimitOfRunningChecksMoreFailAtOnce) {
  const ContainerId id = start_ready("limited", "sleep 30");
  AsioHealthProber prober(io_, trace_, &*containers_, 5s, /*max_exec_running=*/1);
  const fleet::ServiceRecord target{"svc", "svc.service", "n1", "127.0.0.1", 80};
  std::optional<bool> first, second;
  prober.probe(target, id, fleet::CheckKind::kExec, "sleep 987653", [&](bool ok) { first = ok; });
  prober.probe(target, id, fleet::CheckKind::kExec, "true", [&](bool ok) { second = ok; });
  ASSERT_TRUE(run_until(
      io_, [&] { return second.has_value(); }, 3s));
  EXPECT_EQ(second, false);
  EXPECT_FALSE(first.has_value()) << "the first check should still run";
  EXPECT_NE(log_text_.str().find("already 1 exec checks running: the limit is 1"),
            std::string::npos)
      << log_text_.str();
  stop(id);  // the first check's container ends: so does the check, a failure
  ASSERT_TRUE(run_until(io_, [&] { return first.has_value() && prober.exec_running() == 0; }));
  EXPECT_EQ(first, false);
}

TEST(ExecPlanTest, RunsTheCommandThroughShWithOnlyPath) {
  const auto plan = make_exec_plan("test -f /ready");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->argv_text, (std::vector<std::string>{"/bin/sh", "-c", "test -f /ready"}));
  ASSERT_EQ(plan->argv.size(), 4u);
  EXPECT_STREQ(plan->argv[2], "test -f /ready");
  EXPECT_EQ(plan->argv[3], nullptr);
  ASSERT_EQ(plan->envp.size(), 2u);
  EXPECT_TRUE(std::string(plan->envp[0]).starts_with("PATH=/")) << plan->envp[0];
}

TEST(ExecPlanTest, RefusesAnEmptyCommandOrANulByte) {
  EXPECT_EQ(make_exec_plan("").error().code, Errc::kInvalidArgument);
  EXPECT_EQ(make_exec_plan(std::string_view("true\0false", 10)).error().code,
            Errc::kInvalidArgument);
}

}  // namespace
}  // namespace keel::real::testing
