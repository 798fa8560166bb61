// keelctl's fleet verbs against a real three-member keeld cluster on loopback (issue 7): a unit is
// submitted and started, list-units shows it assigned to one machine with the state its agent
// reports (active, or failed with the reason where containers cannot run), it is stopped and
// destroyed, and list-machines shows the three machines with their metadata. Refusals print the
// cluster's reason with exit code 1. Every wait is on keelctl's output, with a bound.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/http_client.h"
#include "real/support/keelctl_run.h"
#include "real/support/keeld_process.h"
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

constexpr Duration kClusterBound = std::chrono::seconds(30);  // election, leases, engine passes
// What list-units shows of a unit its agent reported: running, or failed with a reason in NOTE
// (keeld's UnsupportedContainers, or a machine where namespaces are not permitted).
constexpr std::string_view kReported = "(active|failed \\(exit -?[0-9]+\\)\\s+[^-\\s])";
constexpr std::string_view kHello = "[Service]\nExecStart=/bin/sleep 600\n";

// Members n1..n3 and `workers` workers n4.. with free peer and client ports and metadata
// rack=r<k>. keelctl talks to the members' client ports, or with run_on() to one machine's.
class FleetCluster {
 public:
  explicit FleetCluster(int workers = 0) {
    const int machines = 3 + workers;
    std::vector<std::uint16_t> ports;  // peer ports, then client ports
    while (ports.size() < 2u * machines) {
      const std::uint16_t port = free_port();
      if (std::ranges::count(ports, port) == 0) ports.push_back(port);
    }
    std::string initial;
    std::string worker_list;
    for (int k = 1; k <= machines; ++k) {
      std::string& list = k <= 3 ? initial : worker_list;
      list += str(list.empty() ? "" : ",", "n", k, "=127.0.0.1:", ports[k - 1]);
      client_urls_.push_back(str("http://127.0.0.1:", ports[machines + k - 1]));
      if (k <= 3) endpoints_ += str(k > 1 ? "," : "", client_urls_.back());
    }
    for (int k = 1; k <= machines; ++k) {
      std::vector<std::string> args = {"--name",
                                       str("n", k),
                                       "--cluster-id",
                                       "7",
                                       "--initial-cluster",
                                       initial,
                                       "--listen-peer",
                                       str("127.0.0.1:", ports[k - 1]),
                                       "--listen-client",
                                       str("127.0.0.1:", ports[machines + k - 1]),
                                       "--data-dir",
                                       dir_ / str("n", k, ".keeld"),
                                       "--metadata",
                                       str("rack=r", k),
                                       "--log-format",
                                       "json"};
      if (workers > 0) args.insert(args.end(), {"--workers", worker_list});
      if (k > 3) args.push_back("--worker");
      // A short presence lease, so that a machine that leaves is gone within the tests' bounds.
      args.insert(args.end(), {"--lease-ttl", "3"});
      machines_.push_back(std::make_unique<KeeldProcess>(args, dir_ / str("n", k, ".log")));
    }
  }

  KeelctlRun run(std::vector<std::string> args) const { return run_on(endpoints_, args); }
  // One raw HTTP exchange with machine k's client port.
  HttpAnswer http(int k, HttpRequest request) const {
    auto url = parse_http_url(client_urls_.at(k - 1));
    EXPECT_TRUE(url.has_value());
    auto answer = http_exchange(
        *url, request, {.connect = std::chrono::seconds(5), .answer = std::chrono::seconds(5)});
    EXPECT_TRUE(answer.has_value()) << answer.error().message;
    return answer.value_or(HttpAnswer{});
  }
  // keelctl against machine k's client port alone.
  KeelctlRun run_on_machine(int k, std::vector<std::string> args) const {
    return run_on(client_urls_.at(k - 1), std::move(args));
  }
  // Runs `args` until its output matches `pattern`; the last run either way.
  KeelctlRun run_until(const std::vector<std::string>& args, const std::string& pattern) const {
    return run_until_on(endpoints_, args, pattern);
  }
  KeelctlRun run_until_on_machine(int k, const std::vector<std::string>& args,
                                  const std::string& pattern) const {
    return run_until_on(client_urls_.at(k - 1), args, pattern);
  }
  KeeldProcess& machine(int k) { return *machines_.at(k - 1); }
  const std::string& client_url(int k) const { return client_urls_.at(k - 1); }
  std::string write_unit(std::string_view subdir, std::string_view name, std::string_view text) {
    std::filesystem::create_directories(dir_ / std::string(subdir));
    const std::string path = dir_ / str(subdir, "/", name);
    std::ofstream(path) << text;
    return path;
  }
  std::string logs() const {
    std::string text;
    for (std::size_t k = 1; k <= machines_.size(); ++k) {
      text += read_text(dir_ / str("n", k, ".log"));
    }
    return text;
  }

 private:
  static KeelctlRun run_on(const std::string& endpoints, std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint", endpoints, "--timeout", "5"});
    return keelctl(args);
  }
  static KeelctlRun run_until_on(const std::string& endpoints, const std::vector<std::string>& args,
                                 const std::string& pattern) {
    KeelctlRun last;
    const std::regex wanted(pattern);
    wait_for(
        [&] {
          last = run_on(endpoints, args);
          return last.code == kExitOk && std::regex_search(last.out, wanted);
        },
        kClusterBound);
    return last;
  }

  TempDir dir_;
  std::vector<std::string> client_urls_;  // by machine, n1 first
  std::string endpoints_;                 // the members'
  std::vector<std::unique_ptr<KeeldProcess>> machines_;
};
// Waits until list-units shows the unit (a regex) launched on a machine (a regex) with the state
// its agent reported; returns the last list-units.
KeelctlRun expect_reported(const FleetCluster& cluster, std::string_view unit,
                           std::string_view machine) {
  const std::string pattern = str(unit, "\\s+launched\\s+", machine, "\\s+launched\\s+", kReported);
  const KeelctlRun units = cluster.run_until({"list-units"}, pattern);
  EXPECT_TRUE(std::regex_search(units.out, std::regex(pattern)))
      << units.out << units.err << cluster.logs();
  return units;
}

void expect_ok(const KeelctlRun& run, std::string_view out) {
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_EQ(run.out, out);
  EXPECT_EQ(run.err, "");
}

TEST(FleetClusterTest, AUnitIsSubmittedStartedReportedStoppedAndDestroyed) {
  FleetCluster cluster;
  const KeelctlRun machines = cluster.run_until({"list-machines"},
                                                "n1\\s+127\\.0\\.0\\.1\\s+rack=r1\\n"
                                                "n2\\s+127\\.0\\.0\\.1\\s+rack=r2\\n"
                                                "n3\\s+127\\.0\\.0\\.1\\s+rack=r3\\n$");
  ASSERT_EQ(std::ranges::count(machines.out, '\n'), 4) << machines.out << cluster.logs();
  EXPECT_TRUE(machines.out.starts_with("MACHINE")) << machines.out;

  const std::string hello = cluster.write_unit("a", "hello.service", kHello);
  expect_ok(cluster.run({"submit", hello}), "Unit hello.service submitted\n");
  expect_ok(cluster.run({"submit", hello}), "Unit hello.service submitted\n");  // same text
  expect_ok(cluster.run({"start", "hello.service"}), "Unit hello.service launched\n");

  // Placed on one machine, whose agent reports that keeld cannot run containers yet.
  const KeelctlRun placed = expect_reported(cluster, "hello\\.service", "n[123]");
  EXPECT_EQ(std::ranges::count(placed.out, '\n'), 2) << placed.out;

  expect_ok(cluster.run({"stop", "hello.service"}), "Unit hello.service loaded\n");
  const KeelctlRun stopped =
      cluster.run_until({"list-units"}, "hello\\.service\\s+loaded\\s+n[123]\\s+loaded\\s");
  EXPECT_TRUE(std::regex_search(stopped.out, std::regex("hello\\.service\\s+loaded\\s+n[123]")))
      << stopped.out;

  expect_ok(cluster.run({"destroy", "hello.service"}), "Unit hello.service destroyed\n");
  const KeelctlRun gone = cluster.run_until({"list-units"}, "^UNIT[^\\n]*\\n$");
  EXPECT_EQ(gone.out.find("hello.service"), std::string::npos) << gone.out;
}

// Each member publishes its client URL in the store, so one endpoint is enough to reach them all.
TEST(FleetClusterTest, OneEndpointListsEveryMembersClientUrl) {
  FleetCluster cluster;
  // Each member's line ends in a client URL after its peer URL (the peer URL alone would match).
  const std::string url = "http://127\\.0\\.0\\.1:[0-9]+";
  const KeelctlRun members =
      cluster.run_until_on_machine(1, {"cluster", "members"},
                                   str("n1\\s+", url, "\\s+", url, "\\n[^\\n]*n2\\s+", url, "\\s+",
                                       url, "\\n[^\\n]*n3\\s+", url, "\\s+", url, "\\n"));
  EXPECT_EQ(members.code, kExitOk) << members.err;
  for (int k = 1; k <= 3; ++k) {
    EXPECT_NE(members.out.find(cluster.client_url(k)), std::string::npos)
        << members.out << cluster.logs();
  }
  const KeelctlRun leader = cluster.run_until_on_machine(1, {"cluster", "leader"}, "n[123]");
  EXPECT_EQ(leader.code, kExitOk) << leader.out << leader.err;
}

// Issue 8's end to end: a unit running busybox httpd in the busybox image is announced in every
// member's catalog; SIGKILL of the keeld on its machine moves it to another machine, where it
// serves again. Needs root (namespaces, cgroups).
TEST(FleetClusterTest, AServiceInAContainerMovesWhenItsMachineIsKilled) {
  if (geteuid() != 0) GTEST_SKIP() << "containers need root";
  FleetCluster cluster;
  cluster.run_until({"list-machines"}, "n3");
  const std::uint16_t port = free_port();
  const std::string unit = cluster.write_unit(
      "a", "web.service",
      str("[Service]\nExecStart=/bin/sh -c \"mkdir -p /www && echo hi > /www/index.html && exec "
          "httpd -f -p ",
          port, " -h /www\"\n[X-Container]\nImage=busybox:latest\n[X-Service]\nName=web\nPort=",
          port, "\nCheck=http:/\nInterval=1s\n"));
  expect_ok(cluster.run({"submit", unit}), "Unit web.service submitted\n");
  expect_ok(cluster.run({"start", "web.service"}), "Unit web.service launched\n");
  const std::string announced = str("web\\.service\\s+(n[123])\\s+127\\.0\\.0\\.1:", port);
  std::smatch where;  // refers into the output it matched: read it before that output goes
  std::string host;   // the machine the last catalog names
  for (int k = 1; k <= 3; ++k) {  // every member's own catalog
    const KeelctlRun seen = cluster.run_until_on_machine(k, {"service", "web"}, announced);
    ASSERT_TRUE(std::regex_search(seen.out, where, std::regex(announced)))
        << "n" << k << ": " << seen.out << seen.err << cluster.logs();
    host = where[1].str();
  }
  const int first = host[1] - '0';
  cluster.machine(first).signal(SIGKILL);
  const std::string moved = str("web\\.service\\s+(n[123])\\s+127\\.0\\.0\\.1:", port);
  const int other = first == 1 ? 2 : 1;
  const KeelctlRun after = cluster.run_until_on_machine(other, {"service", "web"},
                                                        str("web\\.service\\s+n[^", first, "]\\s"));
  ASSERT_TRUE(std::regex_search(after.out, where, std::regex(moved)))
      << after.out << cluster.logs();
  EXPECT_NE(where[1].str(), str("n", first)) << after.out;
  const KeelctlRun units = cluster.run_until_on_machine(
      other, {"list-units"},
      str("web\\.service\\s+launched\\s+", where[1].str(), "\\s+launched\\s+active"));
  EXPECT_NE(units.out.find("active"), std::string::npos) << units.out << cluster.logs();
}

TEST(FleetClusterTest, RefusalsPrintTheClustersReason) {
  FleetCluster cluster;
  cluster.run_until({"list-machines"}, "n3");

  const KeelctlRun ghost = cluster.run({"start", "ghost.service"});
  EXPECT_EQ(ghost.code, kExitFailure);
  EXPECT_EQ(ghost.err, "Error: unit ghost.service was never submitted (or is destroyed)\n");

  expect_ok(cluster.run({"submit", cluster.write_unit("a", "web.service", kHello)}),
            "Unit web.service submitted\n");
  const KeelctlRun other =
      cluster.run({"submit", cluster.write_unit("b", "web.service", "[Service]\nExecStart=/x\n")});
  EXPECT_EQ(other.code, kExitFailure);
  EXPECT_EQ(other.err,
            "Error: unit web.service is already submitted with different content; destroy it "
            "first\n");

  const KeelctlRun bad = cluster.run({"submit", cluster.write_unit("c", "bad.service", "[Oops\n")});
  EXPECT_EQ(bad.code, kExitFailure);
  EXPECT_TRUE(bad.err.starts_with("Error: unit bad.service: ")) << bad.err;

  const KeelctlRun missing = cluster.run({"submit", "/nonexistent/x.service"});
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_NE(missing.err.find("/nonexistent/x.service"), std::string::npos) << missing.err;

  // Nothing announces "web": an empty table, from the catalog or from the store.
  expect_ok(cluster.run({"service", "web"}), "UNIT\tMACHINE\tADDRESS\n");
  expect_ok(cluster.run({"service", "web", "--consistent"}), "UNIT\tMACHINE\tADDRESS\n");
  const KeelctlRun bad_service = cluster.run({"service", "no/such", "--consistent"});
  EXPECT_EQ(bad_service.code, kExitFailure);
  EXPECT_NE(bad_service.err.find("no/such"), std::string::npos) << bad_service.err;
}

TEST(FleetClusterTest, TheApiAnswersMistakesWithAJsonErrorAndItsStatus) {
  FleetCluster cluster;
  cluster.run_until({"list-machines"}, "n3");
  const auto expect_error = [&](HttpRequest request, unsigned status, std::string_view message) {
    const HttpAnswer answer = cluster.http(1, request);
    EXPECT_EQ(answer.status, status) << request.method << " " << request.target;
    EXPECT_TRUE(
        answer.body.starts_with(str("{\"error\":{\"code\":", status, ",\"message\":\"", message)))
        << answer.body;
  };
  expect_error({.method = "PUT", .target = "/fleet/v1/units/a.service", .body = "nope"}, 400,
               "the body is not JSON");
  expect_error({.method = "PUT", .target = "/fleet/v1/units/a.service", .body = "{}"}, 400,
               "the body needs");
  expect_error({.method = "DELETE", .target = "/fleet/v1/units/ghost.service", .body = ""}, 404,
               "unit ghost.service was never submitted");
  expect_error({.method = "GET", .target = "/fleet/v1/units/a.service", .body = ""}, 405,
               "method not allowed here; allowed: PUT, DELETE");
  expect_error({.method = "POST", .target = "/fleet/v1/machines", .body = ""}, 405,
               "method not allowed here; allowed: GET, HEAD");
  expect_error({.method = "GET", .target = "/fleet/v1/units/a/b", .body = ""}, 404,
               "no such resource: /fleet/v1/units/a/b");
  expect_error({.method = "GET", .target = "/v1/services/a%2Fb?consistent=true", .body = ""}, 400,
               "");
  expect_error({.method = "GET", .target = "/v1/services/web?consistent=maybe", .body = ""}, 400,
               "consistent: expected true or false, got 'maybe'");
}

TEST(FleetClusterTest, AWorkerReachesTheMembersRunsItsUnitsAndServesTheFleetApi) {
  FleetCluster cluster(/*workers=*/1);
  // The worker's own API answers over its RemoteStoreClient: all four machines are present.
  // (Every line is waited for: a machine's record may appear after a later machine's.)
  const KeelctlRun machines = cluster.run_until_on_machine(
      4, {"list-machines"},
      "n1\\s+127\\.0\\.0\\.1\\s+rack=r1\\nn2\\s+127\\.0\\.0\\.1\\s+rack=r2\\n"
      "n3\\s+127\\.0\\.0\\.1\\s+rack=r3\\nn4\\s+127\\.0\\.0\\.1\\s+rack=r4\\n$");
  ASSERT_EQ(std::ranges::count(machines.out, '\n'), 5)
      << machines.out << machines.err << cluster.logs();

  const std::string pinned =
      cluster.write_unit("w", "pinned.service",
                         "[Service]\nExecStart=/bin/sh -c \"echo pinned-up; exec sleep 600\"\n"
                         "[X-Container]\nImage=busybox:latest\n[X-Fleet]\nMachineID=n4\n");
  expect_ok(cluster.run_on_machine(4, {"submit", pinned}), "Unit pinned.service submitted\n");
  expect_ok(cluster.run_on_machine(4, {"start", "pinned.service"}),
            "Unit pinned.service launched\n");
  // The worker's agent ran it and reported its state.
  expect_reported(cluster, "pinned\\.service", "n4");
  // The worker publishes its client URL in its machine record, so keelctl journal, asking the
  // members, reads the unit's log from the worker's own keeld (where containers can run).
  if (geteuid() == 0) {
    const KeelctlRun journal = cluster.run_until({"journal", "pinned.service"}, "pinned-up\n");
    EXPECT_EQ(journal.out, "pinned-up\n") << journal.err << cluster.logs();
  }
  const HttpAnswer no_log =
      cluster.http(4, {.method = "GET", .target = "/fleet/v1/journal/ghost.service", .body = ""});
  EXPECT_EQ(no_log.status, 404u);
  EXPECT_NE(no_log.body.find("unit ghost.service has no log on this machine"), std::string::npos)
      << no_log.body;

  // The worker stops cleanly on SIGTERM; its lease expires, so it leaves the machine list and its
  // pinned unit has nowhere to go.
  cluster.machine(4).signal(SIGTERM);
  EXPECT_EQ(cluster.machine(4).wait_exit(std::chrono::seconds(10)), 0);
  const KeelctlRun left = cluster.run_until({"list-machines"}, "n3[^\\n]*\\n$");
  EXPECT_EQ(left.out.find("n4"), std::string::npos) << left.out;
  const KeelctlRun unplaced =
      cluster.run_until({"list-units"}, "pinned\\.service[^\\n]*unplaced: MachineID n4");
  EXPECT_NE(unplaced.out.find("unplaced: MachineID n4 names no machine"), std::string::npos)
      << unplaced.out;
}

TEST(FleetClusterTest, NoReachableEndpointIsExitCodeThree) {
  const KeelctlRun run = keelctl(
      {"--endpoint", str("http://127.0.0.1:", free_port()), "--timeout", "1", "list-units"});
  EXPECT_EQ(run.code, kExitUnreachable);
  EXPECT_TRUE(run.err.starts_with("Error: ")) << run.err;
}

}  // namespace
}  // namespace keel::real::keelctl
