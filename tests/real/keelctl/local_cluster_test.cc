// keelctl cluster up / cluster down with real keeld processes on loopback: the state file they
// share, a three-member cluster that elects a leader and is gone after down, a worker that joins,
// a failed start that leaves nothing running. The keelds are found through /proc by their data dirs
// under the test's temporary directory, and killed when a test ends, whatever happened.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/local_cluster_state.h"
#include "real/support/keeld_process.h"
#include "real/support/subprocess.h"
#include "real/support/temp_dir.h"

namespace keel::real::keelctl {
namespace {

using keel::real::testing::expect_no_sanitizer_report;
using keel::real::testing::keelctl_binary;
using keel::real::testing::read_text;
using keel::real::testing::Subprocess;
using keel::real::testing::TempDir;
using keel::real::testing::wait_for;

TEST(KeelctlClusterState, RoundTrip) {
  const std::vector<LocalMachine> machines = {
      {"n1", "member", 4242, "127.0.0.1:40001", "http://127.0.0.1:40002"},
      {"n2", "worker", 4243, "127.0.0.1:40003", "http://127.0.0.1:40004"}};
  const std::string text = format_cluster_state(machines);
  EXPECT_EQ(text,
            "# keelctl local cluster v1\n"
            "n1 member 4242 127.0.0.1:40001 http://127.0.0.1:40002\n"
            "n2 worker 4243 127.0.0.1:40003 http://127.0.0.1:40004\n");
  EXPECT_EQ(parse_cluster_state(text), machines);
}

TEST(KeelctlClusterState, RefusesWhatIsNotAStateFile) {
  const std::string header = "# keelctl local cluster v1\n";
  for (const std::string& bad :
       {std::string(""), std::string("n1 member 4242 127.0.0.1:1 http://127.0.0.1:2\n"), header,
        header + "n1 member 4242 127.0.0.1:1\n", header + "n1 boss 4242 127.0.0.1:1 http://x\n",
        header + "n1 member 42x 127.0.0.1:1 http://x\n",
        header + "n1 member 1 127.0.0.1:1 http://x\n",
        header + "n1 member 4242 127.0.0.1:1 http://x extra\n"}) {
    auto parsed = parse_cluster_state(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, Errc::kCorrupt);
  }
}

// The pids of live (not zombie) processes whose command line mentions `dir`.
std::vector<pid_t> processes_in(const std::string& dir) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_text(entry.path() / "stat");
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z') continue;
    if (read_text(entry.path() / "cmdline").find(dir) != std::string::npos) {
      pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

class KeelctlLocalClusterTest : public ::testing::Test {
 protected:
  ~KeelctlLocalClusterTest() override {
    for (const pid_t pid : processes_in(dir_.path())) ::kill(pid, SIGKILL);
    // The keelds that keelctl started log to cluster/NAME.log, which no Subprocess owns.
    if (!std::filesystem::is_directory(cluster_dir())) return;
    for (const auto& entry : std::filesystem::directory_iterator(cluster_dir())) {
      if (entry.path().extension() == ".log") expect_no_sanitizer_report(entry.path());
    }
  }

  struct Run {
    std::optional<int> code;
    std::string out;
    std::string err;
  };
  Run keelctl(const std::vector<std::string>& args) {
    Subprocess child(keelctl_binary(), args, dir_ / "keelctl.out", dir_ / "keelctl.err");
    const auto code = child.wait_exit(std::chrono::seconds(60));
    return {code, read_text(dir_ / "keelctl.out"), read_text(dir_ / "keelctl.err")};
  }
  std::string cluster_dir() const { return dir_ / "cluster"; }

  TempDir dir_;
};

TEST_F(KeelctlLocalClusterTest, UpElectsALeaderAndDownStopsEveryKeeld) {
  const Run up = keelctl({"cluster", "up", "--members", "3", "--dir", cluster_dir()});
  ASSERT_EQ(up.code, kExitOk) << up.err << read_text(cluster_dir() + "/n1.log");
  std::smatch leader;
  ASSERT_TRUE(std::regex_search(up.out, leader, std::regex("\nleader: n([123])\n"))) << up.out;
  EXPECT_TRUE(up.out.starts_with("NAME\tROLE\tPID\tPEER\t\tCLIENT\nn1\tmember\t")) << up.out;
  EXPECT_TRUE(
      std::regex_search(up.out, std::regex("\nendpoints: http://127.0.0.1:\\d+,"
                                           "http://127.0.0.1:\\d+,http://127.0.0.1:\\d+\n")))
      << up.out;

  // The three keelds outlive keelctl, and the leader's own log says it leads.
  auto state = parse_cluster_state(read_text(cluster_dir() + "/cluster.state"));
  ASSERT_TRUE(state) << state.error().message;
  ASSERT_EQ(state->size(), 3u);
  EXPECT_EQ(processes_in(cluster_dir()).size(), 3u);
  const std::string leader_log = read_text(cluster_dir() + "/n" + leader[1].str() + ".log");
  EXPECT_NE(leader_log.find("\"event\":\"role\",\"fields\":{\"role\":\"leader\""),
            std::string::npos)
      << leader_log;

  const Run again = keelctl({"cluster", "up", "--members", "3", "--dir", cluster_dir()});
  EXPECT_EQ(again.code, kExitFailure);
  EXPECT_TRUE(again.err.starts_with("Error: a cluster is already up in ")) << again.err;

  const Run down = keelctl({"cluster", "down", "--dir", cluster_dir()});
  EXPECT_EQ(down.code, kExitOk) << down.err;
  for (const LocalMachine& m : *state) {
    EXPECT_NE(down.out.find(str(m.name, "\t", m.pid, "\tstopped by SIGTERM\n")), std::string::npos)
        << down.out;
  }
  EXPECT_TRUE(processes_in(cluster_dir()).empty());
  EXPECT_FALSE(std::filesystem::exists(cluster_dir() + "/cluster.state"));

  const Run twice = keelctl({"cluster", "down", "--dir", cluster_dir()});
  EXPECT_EQ(twice.code, kExitFailure);
  EXPECT_TRUE(twice.err.starts_with("Error: no cluster is up in ")) << twice.err;
}

// A worker whose data dir cannot be made (a file is in the way) exits: cluster up must say so and
// leave nothing running.
TEST_F(KeelctlLocalClusterTest, AFailedStartNamesTheMachineAndLeavesNothingRunning) {
  std::filesystem::create_directories(cluster_dir());
  std::ofstream(cluster_dir() + "/n2.keeld") << "not a directory";
  const Run up =
      keelctl({"cluster", "up", "--members", "1", "--workers", "1", "--dir", cluster_dir()});
  EXPECT_EQ(up.code, kExitFailure);
  EXPECT_TRUE(up.err.starts_with("Error: n2 exited: keeld: cannot start: ")) << up.err;
  EXPECT_EQ(std::ranges::count(up.err, '\n'), 1) << up.err;
  EXPECT_TRUE(
      wait_for([&] { return processes_in(cluster_dir()).empty(); }, std::chrono::seconds(10)));
  EXPECT_FALSE(std::filesystem::exists(cluster_dir() + "/cluster.state"));
}

// Every machine is told where the workers are, so a worker's requests reach the members and are
// answered: the worker's own fleet API lists both machines.
TEST_F(KeelctlLocalClusterTest, AWorkerJoinsTheClusterItStartsWith) {
  const Run up =
      keelctl({"cluster", "up", "--members", "1", "--workers", "1", "--dir", cluster_dir()});
  ASSERT_EQ(up.code, kExitOk) << up.err << read_text(cluster_dir() + "/n2.log");
  std::smatch worker;
  ASSERT_TRUE(std::regex_search(up.out, worker, std::regex("n2\tworker\t.*\t(http://\\S+)\n")))
      << up.out;
  Run machines;
  EXPECT_TRUE(wait_for(
      [&] {
        machines = keelctl({"--endpoint", worker[1], "list-machines"});
        return machines.code == kExitOk && machines.out.find("\nn2\t") != std::string::npos &&
               machines.out.find("\nn1\t") != std::string::npos;
      },
      std::chrono::seconds(20)))
      << machines.out << machines.err << read_text(cluster_dir() + "/n2.log");
  EXPECT_EQ(keelctl({"cluster", "down", "--dir", cluster_dir()}).code, kExitOk);
}

TEST_F(KeelctlLocalClusterTest, BadUsageExitsTwo) {
  EXPECT_EQ(keelctl({"cluster", "up", "--members", "3"}).code, kExitUsage);
  EXPECT_EQ(keelctl({"cluster", "up", "--members", "9", "--dir", cluster_dir()}).code, kExitUsage);
  EXPECT_EQ(keelctl({"cluster", "down"}).code, kExitUsage);
  EXPECT_TRUE(processes_in(cluster_dir()).empty());
}

}  // namespace
}  // namespace keel::real::keelctl
