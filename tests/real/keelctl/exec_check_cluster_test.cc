// Issue 8's exec check end to end, on a one-member keeld: a unit in the busybox image whose
// [X-Service] Check=exec: tests for a file in the container's /tmp is in the catalog while the
// file is there, leaves it once the test removes the file (through the main program's
// /proc/<pid>/root, so only inside the container), and comes back when the file does. Needs
// root (namespaces); every wait is on keelctl's output, with a bound.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/support/keelctl_run.h"
#include "real/support/keeld_process.h"
#include "real/support/processes.h"
#include "real/support/temp_dir.h"

namespace keel::real::keelctl {
namespace {

using keel::real::keelctl::testing::keelctl;
using keel::real::keelctl::testing::KeelctlRun;
using keel::real::testing::free_port;
using keel::real::testing::KeeldProcess;
using keel::real::testing::read_text;
using keel::real::testing::TempDir;
using keel::real::testing::wait_for;

constexpr Duration kBound = std::chrono::seconds(30);  // election, lease, placement, probes
constexpr std::string_view kMarker = "600613";         // the main program's sleep argument

// The pid of the process whose command line is "sleep <kMarker>", if any.
std::optional<pid_t> main_program() {
  const auto found = keel::real::testing::processes_where(
      [](std::string_view cmdline) { return cmdline == str("sleep", '\0', kMarker, '\0'); });
  if (found.empty()) return std::nullopt;
  return found.front();
}

TEST(ExecCheckClusterTest, AUnitIsAnnouncedOnlyWhileItsExecCheckPasses) {
  if (::geteuid() != 0) GTEST_SKIP() << "containers need root";
  TempDir dir;
  const std::uint16_t peer = free_port();
  std::uint16_t client = free_port();
  while (client == peer) client = free_port();
  const std::string endpoint = str("http://127.0.0.1:", client);
  KeeldProcess keeld(
      {"--name", "n1", "--cluster-id", "7", "--initial-cluster", str("n1=127.0.0.1:", peer),
       "--listen-peer", str("127.0.0.1:", peer), "--listen-client", str("127.0.0.1:", client),
       "--data-dir", dir.path() + "/n1.keeld", "--log-format", "json", "--lease-ttl", "3"},
      dir.path() + "/n1.log");
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint", endpoint, "--timeout", "5"});
    return keelctl(args);
  };
  // Runs `args` until its output matches `pattern`; the last run either way.
  const auto run_until = [&](const std::vector<std::string>& args, const std::string& pattern) {
    KeelctlRun last;
    wait_for(
        [&] {
          last = run(args);
          return last.code == kExitOk && std::regex_search(last.out, std::regex(pattern));
        },
        kBound);
    return last;
  };
  const std::string unit = dir.path() + "/probe.service";
  std::ofstream(unit) << "[Service]\nExecStart=/bin/sh -c \"touch /tmp/healthy && exec sleep "
                      << kMarker
                      << "\"\n[X-Container]\nImage=busybox:latest\n[X-Service]\nName=probe\n"
                         "Port=1234\nCheck=exec:test -f /tmp/healthy\nInterval=1s\n";
  ASSERT_EQ(run_until({"submit", unit}, "submitted").code, kExitOk) << read_text(keeld.log_path());
  ASSERT_EQ(run({"start", "probe.service"}).code, kExitOk);

  const std::string announced = "probe\\.service\\s+n1\\s+127\\.0\\.0\\.1:1234";
  const std::string empty = "^UNIT[^\\n]*\\n$";
  KeelctlRun seen = run_until({"service", "probe"}, announced);
  ASSERT_TRUE(std::regex_search(seen.out, std::regex(announced)))
      << seen.out << seen.err << read_text(keeld.log_path());

  const std::optional<pid_t> pid = main_program();
  ASSERT_TRUE(pid.has_value()) << "no process runs sleep " << kMarker;
  const std::string healthy = str("/proc/", *pid, "/root/tmp/healthy");
  ASSERT_TRUE(std::filesystem::exists(healthy));
  ASSERT_FALSE(std::filesystem::exists("/tmp/healthy")) << "the container wrote the host's /tmp";
  std::filesystem::remove(healthy);
  seen = run_until({"service", "probe"}, empty);
  EXPECT_TRUE(std::regex_search(seen.out, std::regex(empty)))
      << seen.out << read_text(keeld.log_path());

  std::ofstream{healthy};
  seen = run_until({"service", "probe"}, announced);
  EXPECT_TRUE(std::regex_search(seen.out, std::regex(announced)))
      << seen.out << read_text(keeld.log_path());
}

}  // namespace
}  // namespace keel::real::keelctl
