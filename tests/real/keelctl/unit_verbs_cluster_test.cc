// keelctl's cat, list-unit-files, status and journal --follow, and GET /fleet/v1/state, against a
// real three-member keeld cluster on loopback (issue 7): a unit in the busybox image prints a
// numbered tick every second; the state resource shows it in fleet's UnitState shape with the
// hash list-unit-files shows; cat gives the text back byte for byte; status shows its machine,
// state and last lines; a follower prints ticks as they come and stops on SIGINT. Unknown units
// and bad filters are refused. Containers need root: skipped otherwise. Every wait is bounded.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/property_tree/ptree.hpp>
#include <filesystem>
#include <regex>

#include "real/http/unit_hash.h"
#include "real/keelctl/json_answer.h"
#include "real/keelctl/table.h"
#include "real/support/journal_cluster.h"
#include "real/support/keeld_process.h"
#include "real/support/subprocess.h"

namespace keel::real::keelctl {
namespace {

using keel::real::keelctl::testing::JournalCluster;
using keel::real::keelctl::testing::kClusterBound;
using keel::real::keelctl::testing::KeelctlRun;
using keel::real::testing::keelctl_binary;
using keel::real::testing::read_text;
using keel::real::testing::Subprocess;
using keel::real::testing::wait_for;

constexpr std::string_view kTicker =
    "[Service]\n"
    "ExecStart=/bin/sh -c \"i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done\"\n"
    "[X-Container]\nImage=busybox:latest\n";

// The tick numbers in `text`, in order.
std::vector<int> ticks(const std::string& text) {
  static const std::regex kTick("tick-([0-9]+)");
  std::vector<int> numbers;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kTick);
       it != std::sregex_iterator(); ++it) {
    numbers.push_back(std::stoi((*it)[1]));
  }
  return numbers;
}

// A cluster running ticker.service, reported active.
class UnitVerbsCluster : public JournalCluster {
 public:
  UnitVerbsCluster() {
    run_until({"list-machines"}, "n3");
    EXPECT_EQ(run({"submit", write_unit("ticker.service", kTicker)}).code, kExitOk);
    EXPECT_EQ(run({"start", "ticker.service"}).code, kExitOk);
  }
};

TEST(UnitVerbsClusterTest, StateListUnitFilesCatAndStatusAgree) {
  if (geteuid() != 0) GTEST_SKIP() << "containers need root";
  UnitVerbsCluster cluster;
  const KeelctlRun status = cluster.run_until({"status", "ticker.service"},
                                              "state:    active \\(running\\)[^]*tick-2\\n");
  ASSERT_EQ(status.code, kExitOk) << status.err << cluster.logs();
  std::smatch machine;
  ASSERT_TRUE(std::regex_search(status.out, machine, std::regex("machine:  (n[1-3]) ")));
  EXPECT_TRUE(status.out.starts_with("ticker.service\n  desired:  launched\n")) << status.out;
  EXPECT_NE(status.out.find(str("journal (", machine[1].str(), ", last 10 lines):\ntick-1\n")),
            std::string::npos)
      << status.out;

  const std::string hash = http::unit_file_hash(kTicker);
  const HttpAnswer state = cluster.get(2, "/fleet/v1/state");
  ASSERT_EQ(state.status, 200u) << state.body;
  EXPECT_EQ(state.body,
            str(R"({"states":[{"name":"ticker.service","hash":")", hash, R"(","machineID":")",
                machine[1].str(), R"(","systemdLoadState":"loaded","systemdActiveState":"active",)",
                R"("systemdSubState":"running"}]})", "\n"));
  EXPECT_EQ(cluster.get(1, str("/fleet/v1/state?machineID=", machine[1].str())).body, state.body);
  EXPECT_EQ(cluster.get(1, "/fleet/v1/state?unitName=ticker.service").body, state.body);
  EXPECT_EQ(cluster.get(1, "/fleet/v1/state?unitName=ghost.service").body, "{\"states\":[]}\n");
  EXPECT_EQ(cluster.get(1, "/fleet/v1/state?machineID=n9").body, "{\"states\":[]}\n");
  const HttpAnswer bad = cluster.get(1, "/fleet/v1/state?unit=ticker.service");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("unknown parameter 'unit'"), std::string::npos) << bad.body;

  Table files({"UNIT", "HASH", "DSTATE", "STATE", "TARGET"});
  files.add_row({"ticker.service", hash.substr(0, 7), "launched", "launched", machine[1].str()});
  const KeelctlRun listed = cluster.run({"list-unit-files"});
  EXPECT_EQ(listed.code, kExitOk) << listed.err;
  EXPECT_EQ(listed.out, files.render());

  const KeelctlRun cat = cluster.run({"cat", "ticker.service"});
  EXPECT_EQ(cat.code, kExitOk) << cat.err;
  EXPECT_EQ(cat.out, kTicker);
  EXPECT_EQ(cat.err, "");
}

TEST(UnitVerbsClusterTest, UnknownUnitsAreRefusedInOneLine) {
  JournalCluster cluster;
  cluster.run_until({"list-machines"}, "n3");
  for (const std::string verb : {"cat", "status"}) {
    const KeelctlRun ghost = cluster.run({verb, "ghost.service"});
    EXPECT_EQ(ghost.code, kExitFailure) << verb;
    EXPECT_EQ(ghost.err, "Error: unit ghost.service not found\n") << verb;
    EXPECT_EQ(ghost.out, "") << verb;
  }
  const KeelctlRun empty = cluster.run({"list-unit-files"});
  EXPECT_EQ(empty.code, kExitOk) << empty.err;
  EXPECT_EQ(empty.out, "UNIT\tHASH\tDSTATE\tSTATE\tTARGET\n");
}

TEST(UnitVerbsClusterTest, JournalFollowPrintsLinesAsTheyComeUntilInterrupted) {
  if (geteuid() != 0) GTEST_SKIP() << "containers need root";
  UnitVerbsCluster cluster;
  cluster.run_until({"journal", "ticker.service", "--lines", "1"}, "tick-[0-9]+\\n$");

  const std::string out = cluster.dir() / "follow.out";
  const std::string err = cluster.dir() / "follow.err";
  Subprocess follower(
      keelctl_binary(),
      {"--endpoint", cluster.endpoints(), "journal", "ticker.service", "-f", "--lines", "1"}, out,
      err);
  std::vector<int> seen;
  // The tail's one line, then two more ticks printed after the follower started.
  ASSERT_TRUE(wait_for(
      [&] {
        seen = ticks(read_text(out));
        return seen.size() >= 3;
      },
      std::chrono::seconds(15)))
      << read_text(out) << read_text(err);
  follower.signal(SIGINT);
  EXPECT_EQ(follower.wait_exit(std::chrono::seconds(5)), 0) << read_text(err);
  seen = ticks(read_text(out));
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], seen[i - 1] + 1) << read_text(out);  // no tick lost, none twice
  }
  EXPECT_EQ(read_text(err), "");
}

TEST(UnitVerbsClusterTest, TheJournalRouteRefusesBadOffsets) {
  JournalCluster cluster;
  cluster.run_until({"list-machines"}, "n3");
  for (const std::string offset : {"-1", "x", "1.5"}) {
    const HttpAnswer bad = cluster.get(1, str("/fleet/v1/journal/ghost.service?offset=", offset));
    EXPECT_EQ(bad.status, 400u) << offset;
    EXPECT_NE(bad.body.find("offset: expected a whole number of bytes"), std::string::npos)
        << bad.body;
  }
  const HttpAnswer both = cluster.get(1, "/fleet/v1/journal/ghost.service?offset=0&lines=1");
  EXPECT_EQ(both.status, 400u);
  EXPECT_NE(both.body.find("give lines or offset, not both"), std::string::npos) << both.body;
  EXPECT_EQ(cluster.get(1, "/fleet/v1/journal/ghost.service?offset=0").status, 404u);
}

}  // namespace
}  // namespace keel::real::keelctl
