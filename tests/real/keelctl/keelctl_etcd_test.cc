// keelctl against a real etcd 3.4 with the v2 API (Debian's etcd-server), started on free loopback
// ports by the suite: the key verbs, their output, and the exit codes a script relies on. These
// same tests are meant to run against keeld once its HTTP API is in. Skipped, with the reason,
// when etcd cannot run here.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/table.h"
#include "real/support/etcd_server.h"
#include "real/support/keelctl_run.h"
#include "real/support/keeld_process.h"
#include "real/support/subprocess.h"
#include "real/support/temp_dir.h"

namespace keel::real::keelctl {
namespace {

using keel::real::keelctl::testing::keelctl;
using keel::real::keelctl::testing::KeelctlRun;
using keel::real::testing::EtcdServer;
using keel::real::testing::free_port;
using keel::real::testing::keelctl_binary;
using keel::real::testing::read_text;
using keel::real::testing::Subprocess;
using keel::real::testing::TempDir;
using keel::real::testing::wait_for;

class KeelctlEtcdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = EtcdServer::start();
    if (!started) {
      skip_reason_ = new std::string(started.error().message);
      return;
    }
    etcd_ = started->release();
  }
  static void TearDownTestSuite() {
    delete etcd_;
    etcd_ = nullptr;
    delete skip_reason_;
    skip_reason_ = nullptr;
  }
  void SetUp() override {
    if (etcd_ == nullptr) GTEST_SKIP() << "no etcd to test keelctl against: " << *skip_reason_;
  }

  // keelctl with --endpoint set to the suite's etcd.
  static KeelctlRun run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint", etcd_->client_url()});
    return keelctl(args);
  }
  static void expect_ok(const KeelctlRun& result, std::string_view out) {
    EXPECT_EQ(result.code, kExitOk) << result.err;
    EXPECT_EQ(result.out, out);
    EXPECT_EQ(result.err, "");
  }

  static EtcdServer* etcd_;
  static std::string* skip_reason_;
};

EtcdServer* KeelctlEtcdTest::etcd_ = nullptr;
std::string* KeelctlEtcdTest::skip_reason_ = nullptr;

TEST_F(KeelctlEtcdTest, PutGetListAndDelete) {
  expect_ok(run({"put", "/t1/a", "one value"}), "one value\n");
  expect_ok(run({"put", "t1/d/b", "2"}), "2\n");
  expect_ok(run({"put", "/t1/d/e/c", "3"}), "3\n");
  expect_ok(run({"get", "/t1/a"}), "one value\n");
  expect_ok(run({"get", "t1/d/b"}), "2\n");
  expect_ok(run({"ls", "/t1"}), "/t1/a\n/t1/d/\n");
  expect_ok(run({"ls", "/t1", "--recursive"}), "/t1/a\n/t1/d/\n/t1/d/b\n/t1/d/e/\n/t1/d/e/c\n");

  expect_ok(run({"del", "/t1/a"}), "");
  const KeelctlRun gone = run({"get", "/t1/a"});
  EXPECT_EQ(gone.code, kExitFailure);
  EXPECT_TRUE(
      std::regex_match(gone.err, std::regex(R"(Error: 100: Key not found \(/t1/a\) \[\d+\]\n)")))
      << gone.err;
  EXPECT_EQ(gone.out, "");

  const KeelctlRun not_a_file = run({"del", "/t1/d"});
  EXPECT_EQ(not_a_file.code, kExitFailure);
  EXPECT_TRUE(not_a_file.err.starts_with("Error: 102: Not a file (/t1/d)")) << not_a_file.err;
  expect_ok(run({"del", "/t1/d", "--prefix"}), "");
  expect_ok(run({"ls", "/t1"}), "");
  EXPECT_EQ(run({"get", "/t1/d/e/c"}).code, kExitFailure);
}

TEST_F(KeelctlEtcdTest, GetOfADirectoryFails) {
  expect_ok(run({"put", "/t2/d/x", "1"}), "1\n");
  const KeelctlRun dir = run({"get", "/t2/d"});
  EXPECT_EQ(dir.code, kExitFailure);
  EXPECT_EQ(dir.err, "Error: /t2/d: is a directory\n");
}

TEST_F(KeelctlEtcdTest, AKeyWithATtlExpires) {
  expect_ok(run({"put", "/t3/lease", "held", "--ttl", "1"}), "held\n");
  expect_ok(run({"put", "/t3/kept", "kept"}), "kept\n");
  // etcd expires v2 keys on its leader's clock, within a second or two of the TTL.
  EXPECT_TRUE(wait_for(
      [] {
        return run({"get", "/t3/lease"}).code == kExitFailure;
      },
      std::chrono::seconds(10)));
  expect_ok(run({"ls", "/t3"}), "/t3/kept\n");
}

TEST_F(KeelctlEtcdTest, UnreachableEndpointsExitThreeNamingEachOne) {
  const std::string dead_a = str("http://127.0.0.1:", free_port());
  const std::string dead_b = str("http://127.0.0.1:", free_port());
  const KeelctlRun unreachable = keelctl({"--endpoint", dead_a + "," + dead_b, "get", "/x"});
  EXPECT_EQ(unreachable.code, kExitUnreachable);
  EXPECT_TRUE(unreachable.err.starts_with("Error: cannot reach any endpoint: " + dead_a + " ("))
      << unreachable.err;
  EXPECT_NE(unreachable.err.find("; " + dead_b + " ("), std::string::npos) << unreachable.err;
  EXPECT_EQ(std::ranges::count(unreachable.err, '\n'), 1) << "one line: " << unreachable.err;

  // With a live endpoint after the dead one, the request goes through.
  expect_ok(keelctl({"--endpoint", dead_a, "--endpoint", etcd_->client_url(), "put", "/t4", "v"}),
            "v\n");
}

TEST_F(KeelctlEtcdTest, TheBinaryExitsWithTheDocumentedCodes) {
  TempDir dir;
  const auto exit_code = [&](const std::vector<std::string>& args) {
    Subprocess child(keelctl_binary(), args, dir / "out", dir / "err");
    return child.wait_exit(std::chrono::seconds(20));
  };
  EXPECT_EQ(exit_code({"--endpoint", etcd_->client_url(), "put", "/t5", "v"}), kExitOk);
  EXPECT_EQ(read_text(dir / "out"), "v\n");
  EXPECT_EQ(exit_code({"--endpoint", etcd_->client_url(), "get", "/t5-missing"}), kExitFailure);
  EXPECT_TRUE(read_text(dir / "err").starts_with("Error: 100: Key not found"))
      << read_text(dir / "err");
  EXPECT_EQ(exit_code({"get"}), kExitUsage);
  EXPECT_EQ(exit_code({"--endpoint", str("http://127.0.0.1:", free_port()), "get", "/t5"}),
            kExitUnreachable);
}

TEST_F(KeelctlEtcdTest, ClusterVerbsShowTheOneMember) {
  const std::string url = etcd_->client_url();
  // etcd writes a member ID in hex without leading zeros (its types.ID), so it may be shorter
  // than 16 digits: about one member in 16 has a zero top nibble, and then its column is
  // narrower. The rows are read first, then the whole output must be the table keelctl lays out
  // for them (real/keelctl/table.h, tested on its own by KeelctlTable).
  const KeelctlRun members = run({"cluster", "members"});
  EXPECT_EQ(members.code, kExitOk) << members.err;
  std::smatch row;
  ASSERT_TRUE(std::regex_search(
      members.out, row,
      std::regex("\n([0-9a-f]{1,16})\tdefault\t(http://127[.]0[.]0[.]1:[0-9]+)\t" + url + "\n")))
      << members.out;
  const std::string id = row[1].str();
  Table members_table({"ID", "NAME", "PEER URLS", "CLIENT URLS"});
  members_table.add_row({id, "default", row[2].str(), url});
  EXPECT_EQ(members.out, members_table.render());
  const KeelctlRun leader = run({"cluster", "leader"});
  EXPECT_EQ(leader.code, kExitOk) << leader.err;
  Table leader_table({"ID", "NAME", "CLIENT URLS"});
  leader_table.add_row({id, "default", url});
  EXPECT_EQ(leader.out, leader_table.render());
  const KeelctlRun health = run({"cluster", "health"});
  EXPECT_EQ(health.code, kExitOk) << health.err;
  EXPECT_EQ(health.out,
            "MEMBER\tENDPOINT\t\tHEALTH\ndefault\t" + url + "\thealthy\ncluster is healthy\n");
}

// A watch that started before the change sees it: the test keeps writing until the watcher has
// printed one change and exited, then checks that it printed one of the values written.
TEST_F(KeelctlEtcdTest, WatchOnceReportsTheFirstChange) {
  TempDir dir;
  Subprocess watcher(keelctl_binary(),
                     {"--endpoint", etcd_->client_url(), "watch", "/t6/k", "--once"}, dir / "out",
                     dir / "err");
  int written = 0;
  std::optional<int> code;
  ASSERT_TRUE(wait_for(
      [&] {
        ++written;
        expect_ok(run({"put", "/t6/k", str("v", written)}), str("v", written, "\n"));
        code = watcher.wait_exit(std::chrono::milliseconds(50));
        return code.has_value();
      },
      std::chrono::seconds(20)))
      << read_text(dir / "err");
  EXPECT_EQ(code, kExitOk) << read_text(dir / "err");
  EXPECT_TRUE(std::regex_match(read_text(dir / "out"), std::regex(R"(set /t6/k v\d+\n)")))
      << read_text(dir / "out");
}

// A continuing watch asks each long poll for the index after the last change it printed, so once
// it has seen one change it misses none: the values it prints are consecutive.
TEST_F(KeelctlEtcdTest, WatchResumesAfterTheLastIndexAndMissesNothing) {
  TempDir dir;
  Subprocess watcher(keelctl_binary(),
                     {"--endpoint", etcd_->client_url(), "watch", "/t7", "--prefix"}, dir / "out",
                     dir / "err");
  int written = 0;
  const auto lines = [&] { return std::ranges::count(read_text(dir / "out"), '\n'); };
  ASSERT_TRUE(wait_for(
      [&] {
        ++written;
        expect_ok(run({"put", str("/t7/k", (written - 1) % 3), str(written)}), str(written, "\n"));
        return lines() >= 5;
      },
      std::chrono::seconds(20)))
      << read_text(dir / "err");
  expect_ok(run({"del", "/t7/k0"}), "");
  ASSERT_TRUE(wait_for([&] { return read_text(dir / "out").ends_with("delete /t7/k0\n"); },
                       std::chrono::seconds(10)))
      << read_text(dir / "out");
  watcher.signal(SIGTERM);
  EXPECT_TRUE(watcher.wait_exit(std::chrono::seconds(10)));

  std::istringstream out(read_text(dir / "out"));
  std::string line;
  int previous = 0;
  for (int n = 0; std::getline(out, line) && !line.starts_with("delete"); ++n) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match, std::regex(R"(set /t7/k(\d) (\d+))"))) << line;
    const int value = std::stoi(match[2]);
    EXPECT_EQ(std::stoi(match[1]), (value - 1) % 3) << line;
    if (n > 0) {
      EXPECT_EQ(value, previous + 1) << "a change was missed before " << line;
    }
    previous = value;
  }
  EXPECT_EQ(previous, written);
}

}  // namespace
}  // namespace keel::real::keelctl
