// keeld as real processes on 127.0.0.1: a three-member cluster elects one leader and survives
// losing it, a member of another cluster is refused, the WAL's torn tail is repaired and its
// corruption refused, SIGTERM stops a member cleanly, and a sanitizer's report in a member's log
// fails the test. Every wait is on a condition in the logs
// (JSON lines, real/stream_trace_sink.h) with a bound; every child is killed when the test ends.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "real/support/keeld_cluster.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {
namespace {

using std::chrono::seconds;

constexpr Duration kElectionBound = seconds(15);
constexpr Duration kExitBound = seconds(10);

TEST(KeeldProcessTest, ThreeMembersElectOneLeaderAndSurviveItsLoss) {
  KeeldCluster cluster(3);
  for (int k = 1; k <= 3; ++k) cluster.start(k);
  const std::uint64_t first = cluster.agreed_leader({1, 2, 3}, kElectionBound);
  ASSERT_NE(first, 0u) << read_text(cluster.log(1));

  const int killed = static_cast<int>(first);
  cluster.member(killed).signal(SIGKILL);
  ASSERT_EQ(cluster.member(killed).wait_exit(kExitBound), 128 + SIGKILL);
  std::vector<int> rest;
  for (int k = 1; k <= 3; ++k) {
    if (k != killed) rest.push_back(k);
  }
  const std::uint64_t second = cluster.agreed_leader(rest, kElectionBound);
  ASSERT_NE(second, 0u) << read_text(cluster.log(rest[0]));
  EXPECT_NE(second, first);
  EXPECT_GT(latest_role(cluster.log(rest[0])).term, 0u);

  // The killed member restarts from its WAL and follows the new leader.
  cluster.start(killed);
  ASSERT_TRUE(
      wait_for([&] { return logged(cluster.log(killed), "node", "recovered"); }, kElectionBound));
  EXPECT_TRUE(logged(cluster.log(killed), "keeld", "data_dir", {{"start", "restart"}}));
  EXPECT_FALSE(logged(cluster.log(killed), "node", "recovered", {{"term", "0"}}))
      << "the restarted member must recover the term it had voted in";
  EXPECT_EQ(cluster.agreed_leader({1, 2, 3}, kElectionBound), second)
      << read_text(cluster.log(killed));
  cluster.expect_one_leader_per_term();
}

TEST(KeeldProcessTest, AMemberOfAnotherClusterIsRefusedByItsPeers) {
  KeeldCluster cluster(3);
  cluster.start(1);
  cluster.start(2);
  cluster.start(3, /*cluster_id=*/99);
  ASSERT_NE(cluster.agreed_leader({1, 2}, kElectionBound), 0u) << read_text(cluster.log(1));
  for (int k : {1, 2}) {
    EXPECT_TRUE(wait_for(
        [&] {
          return logged(cluster.log(k), "net", "refused",
                        {{"direction", "in"}, {"our_cluster", "1"}, {"their_cluster", "99"}});
        },
        kElectionBound))
        << read_text(cluster.log(k));
  }
  EXPECT_FALSE(logged(cluster.log(3), "net", "connected")) << read_text(cluster.log(3));
  EXPECT_EQ(latest_role(cluster.log(3)).leader, 0u) << "the foreign member must never join";
  EXPECT_TRUE(cluster.member(3).running());
}

TEST(KeeldProcessTest, ATornWalTailAfterSigkillIsRepairedAndTheMemberRejoins) {
  KeeldCluster cluster(3);
  for (int k = 1; k <= 3; ++k) cluster.start(k);
  const std::uint64_t leader = cluster.agreed_leader({1, 2, 3}, kElectionBound);
  ASSERT_NE(leader, 0u);
  const int victim = leader == 3 ? 2 : 3;
  cluster.member(victim).signal(SIGKILL);
  ASSERT_EQ(cluster.member(victim).wait_exit(kExitBound), 128 + SIGKILL);

  // The write that a power loss tore: a record header announcing 100 bytes, then only 3 of them
  // (core/storage/record.h). It was never synced, so no peer counts on it. (Cutting bytes off a
  // synced record instead loses what this member acknowledged: when the leader then names a
  // commit index past its log, the member stops on Raft's assertion, as etcd panics with "Was the
  // raft log corrupted, truncated, or lost?".)
  const std::string segment = last_wal_segment(cluster.data_dir(victim));
  ASSERT_FALSE(segment.empty());
  const auto synced_size = std::filesystem::file_size(segment);
  const std::string torn("\x64\x00\x00\x00\x04\x01\x02\x03\x04\x05\x06\x07", 12);
  std::ofstream(segment, std::ios::binary | std::ios::app) << torn;
  ASSERT_EQ(std::filesystem::file_size(segment), synced_size + torn.size());

  cluster.start(victim);
  ASSERT_TRUE(
      wait_for([&] { return logged(cluster.log(victim), "node", "recovered"); }, kElectionBound))
      << read_text(cluster.log(victim));
  EXPECT_EQ(cluster.agreed_leader({1, 2, 3}, kElectionBound), leader)
      << read_text(cluster.log(victim));
  EXPECT_TRUE(cluster.member(victim).running());
  // Recovery cut the torn bytes away before appending anything new.
  EXPECT_EQ(read_text(segment).substr(synced_size, torn.size()).find(torn), std::string::npos);
}

TEST(KeeldProcessTest, ACorruptWalStopsTheMemberAtStartNamingTheFile) {
  KeeldCluster cluster(1);
  cluster.start(1);
  ASSERT_EQ(cluster.agreed_leader({1}, kElectionBound), 1u) << read_text(cluster.log(1));
  cluster.member(1).signal(SIGTERM);
  ASSERT_EQ(cluster.member(1).wait_exit(kExitBound), 0);

  const std::string segment = last_wal_segment(cluster.data_dir(1));
  ASSERT_FALSE(segment.empty());
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(segment) / 2);
    file.seekg(middle);
    const char byte = static_cast<char>(file.get());
    file.seekp(middle);
    file.put(static_cast<char>(~byte));
  }
  cluster.start(1);
  const auto status = cluster.member(1).wait_exit(kExitBound);
  ASSERT_TRUE(status.has_value()) << "keeld must refuse a corrupt WAL at start";
  EXPECT_EQ(*status, 1);
  const std::string text = read_text(cluster.log(1));
  EXPECT_NE(text.find("keeld: cannot start: data directory " + cluster.data_dir(1) + ": wal/" +
                      std::filesystem::path(segment).filename().string() + " at offset"),
            std::string::npos)
      << text;
}

TEST(KeeldProcessTest, SigtermExitsZeroPromptlyAndARestartRecovers) {
  KeeldCluster cluster(1);
  cluster.start(1);
  ASSERT_EQ(cluster.agreed_leader({1}, kElectionBound), 1u) << read_text(cluster.log(1));
  const Role before = latest_role(cluster.log(1));
  cluster.member(1).signal(SIGTERM);
  ASSERT_EQ(cluster.member(1).wait_exit(seconds(2)), 0);
  EXPECT_TRUE(
      logged(cluster.log(1), "keeld", "stopped", {{"reason", "SIGTERM"}, {"exit_code", "0"}}));

  cluster.start(1);
  ASSERT_TRUE(wait_for(
      [&] {
        return logged(cluster.log(1), "node", "recovered", {{"term", std::to_string(before.term)}});
      },
      kElectionBound))
      << read_text(cluster.log(1));
  ASSERT_EQ(cluster.agreed_leader({1}, kElectionBound), 1u);
  EXPECT_GT(latest_role(cluster.log(1)).term, before.term);
}

TEST(KeeldProcessTest, ADataDirOfAnotherClusterIsRefusedWithExitCodeTwo) {
  KeeldCluster cluster(1);
  cluster.start(1);
  ASSERT_EQ(cluster.agreed_leader({1}, kElectionBound), 1u);
  cluster.member(1).signal(SIGTERM);
  ASSERT_EQ(cluster.member(1).wait_exit(kExitBound), 0);
  cluster.start(1, /*cluster_id=*/2);
  ASSERT_EQ(cluster.member(1).wait_exit(kExitBound), 2);
  const std::string text = read_text(cluster.log(1));
  EXPECT_NE(text.find("belongs to cluster 1 member n1 (id 1), but this keeld is cluster 2 member "
                      "n1 (id 1)"),
            std::string::npos)
      << text;
}

TEST(KeeldProcessTest, ABadFlagIsOneLineAndExitCodeTwo) {
  TempDir dir;
  KeeldProcess keeld({"--name", "n1", "--cluster-id", "nope"}, dir / "log");
  ASSERT_EQ(keeld.wait_exit(kExitBound), 2);
  EXPECT_EQ(read_text(dir / "log"),
            "keeld: --cluster-id: expected a positive integer, decimal or 0x-hex, got 'nope'\n");
}

// A keeld whose log holds a sanitizer's report (here appended after it exited) fails the test
// that ran it when the KeeldProcess goes away, though that test never read the log; the same
// holds for every Subprocess's stderr.
void run_keeld_that_reports(const std::string& report) {
  TempDir dir;
  KeeldProcess keeld({"--name", "n1", "--cluster-id", "nope"}, dir / "log");
  ASSERT_EQ(keeld.wait_exit(kExitBound), 2);
  std::ofstream(dir / "log", std::ios::app) << report;
}

TEST(KeeldProcessTest, ASanitizerReportInTheLogFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      run_keeld_that_reports("==42==ERROR: AddressSanitizer: heap-use-after-free on address\n"),
      "a sanitizer's report in");
  EXPECT_NONFATAL_FAILURE(
      run_keeld_that_reports("core/raft/log.cc:12:3: runtime error: signed integer overflow\n"),
      "a sanitizer's report in");
  EXPECT_NONFATAL_FAILURE(
      run_keeld_that_reports("==42==ERROR: LeakSanitizer: detected memory leaks\n"),
      "a sanitizer's report in");
  EXPECT_NONFATAL_FAILURE(  // UBSan's summary alone, as when the location is unknown
      run_keeld_that_reports("SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior\n"),
      "a sanitizer's report in");
  run_keeld_that_reports("panic: runtime error: index out of range\n");  // Go's, not ours
  run_keeld_that_reports("");                                            // a log without one passes
}

}  // namespace
}  // namespace keel::real::testing
