// keelctl journal against a real three-member keeld cluster (issue 8): a unit in the busybox image
// prints lines and `keelctl journal` shows the last of them, read from the unit's own machine over
// GET /fleet/v1/journal/<unit> (real/http/journal_api.h); bad units and bad line counts are
// refused, by keelctl and by the route itself. Containers need root: skipped otherwise. Every wait
// is bounded (wait_for).
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/http_client.h"
#include "real/support/journal_cluster.h"
#include "real/support/keelctl_run.h"

namespace keel::real::keelctl {
namespace {

using keel::real::keelctl::testing::JournalCluster;
using keel::real::keelctl::testing::keelctl;
using keel::real::keelctl::testing::KeelctlRun;

// Prints "line-1" to "line-12", then stays running.
constexpr std::string_view kCounter =
    "[Service]\nExecStart=/bin/sh -c \"echo line-1; echo line-2; echo line-3; echo line-4; "
    "echo line-5; echo line-6; echo line-7; echo line-8; echo line-9; echo line-10; "
    "echo line-11; echo line-12; exec sleep 600\"\n[X-Container]\nImage=busybox:latest\n";

TEST(JournalTest, ShowsTheLastLinesOfAUnitFromItsMachine) {
  if (geteuid() != 0) GTEST_SKIP() << "containers need root";
  JournalCluster cluster;
  cluster.run_until({"list-machines"}, "n3");
  const std::string unit = cluster.write_unit("counter.service", kCounter);
  ASSERT_EQ(cluster.run({"submit", unit}).code, kExitOk);
  ASSERT_EQ(cluster.run({"start", "counter.service"}).code, kExitOk);

  const KeelctlRun three =
      cluster.run_until({"journal", "counter.service", "--lines", "3"}, "line-12\\n$");
  EXPECT_EQ(three.out, "line-10\nline-11\nline-12\n") << three.err << cluster.logs();
  EXPECT_EQ(three.err, "");

  const KeelctlRun ten = cluster.run({"journal", "counter.service"});  // the default: 10
  EXPECT_EQ(ten.code, kExitOk) << ten.err;
  std::string expected;
  for (int n = 3; n <= 12; ++n) expected += str("line-", n, "\n");
  EXPECT_EQ(ten.out, expected);
}

TEST(JournalTest, RefusesAnUnknownUnitAndBadLineCounts) {
  JournalCluster cluster;
  cluster.run_until({"list-machines"}, "n3");

  const KeelctlRun ghost = cluster.run({"journal", "ghost.service"});
  EXPECT_EQ(ghost.code, kExitFailure);
  EXPECT_EQ(ghost.err, "Error: unit ghost.service not found\n");
  EXPECT_EQ(ghost.out, "");

  for (const std::string lines : {"0", "abc", "10001", "-1"}) {
    const KeelctlRun bad = cluster.run({"journal", "ghost.service", "--lines", lines});
    EXPECT_EQ(bad.code, kExitUsage) << lines;
    EXPECT_NE(bad.err.find("lines"), std::string::npos) << bad.err;
  }

  // The route itself, on a machine where the unit has no log.
  const HttpAnswer none = cluster.get(1, "/fleet/v1/journal/ghost.service");
  EXPECT_EQ(none.status, 404u);
  EXPECT_NE(none.body.find("unit ghost.service has no log on this machine"), std::string::npos)
      << none.body;
  for (const std::string lines : {"0", "x", "10001", "5x"}) {
    const HttpAnswer bad = cluster.get(1, str("/fleet/v1/journal/ghost.service?lines=", lines));
    EXPECT_EQ(bad.status, 400u) << lines;
    EXPECT_NE(bad.body.find("lines: expected a whole number from 1 to 10000"), std::string::npos)
        << bad.body;
  }
  EXPECT_EQ(cluster.get(1, "/fleet/v1/journal/").status, 404u);
  EXPECT_EQ(cluster.get(1, "/fleet/v1/journal/a/b").status, 404u);
  EXPECT_EQ(cluster.get(1, "/fleet/v1/journal/..").status, 400u);
}

}  // namespace
}  // namespace keel::real::keelctl
