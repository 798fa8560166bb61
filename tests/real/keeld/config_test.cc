#include "real/keeld/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <vector>

#include "real/support/temp_dir.h"

namespace keel::real::keeld {
namespace {

using testing::TempDir;

constexpr std::string_view kCluster = "n1=127.0.0.1:2380,n2=127.0.0.1:2381,n3=10.0.0.3:2380";

Result<CommandLine> parse(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> list(args);
  return parse_command_line(list);
}

// The one-line error a bad command line gives.
std::string error_of(std::initializer_list<std::string_view> args) {
  auto line = parse(args);
  if (line) return "(accepted)";
  EXPECT_EQ(line.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(line.error().message.find('\n'), std::string::npos) << line.error().message;
  return line.error().message;
}

std::string write_file(const TempDir& dir, std::string_view text) {
  const std::string path = dir / "keeld.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(KeeldConfigTest, MinimalFlagsAndDefaults) {
  auto line = parse({"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster});
  ASSERT_TRUE(line) << line.error().message;
  const KeeldConfig& c = line->config;
  EXPECT_FALSE(line->help);
  EXPECT_EQ(c.name, "n2");
  EXPECT_EQ(c.id, 2u);
  EXPECT_EQ(c.cluster_id, 7u);
  EXPECT_EQ(c.data_dir, "n2.keeld");
  ASSERT_EQ(c.initial_cluster.size(), 3u);
  EXPECT_EQ(c.initial_cluster[2], (Member{"n3", 3, Endpoint{"10.0.0.3", 2380}}));
  EXPECT_EQ(c.listen_peer, (Endpoint{"0.0.0.0", 2380}));
  EXPECT_EQ(c.listen_client, (Endpoint{"0.0.0.0", 2379}));
  EXPECT_EQ(c.role, Role::kMember);
  EXPECT_EQ(c.log_format, TraceFormat::kText);
  EXPECT_TRUE(c.metadata.empty());
  EXPECT_EQ(c.capacity, Capacity{});
}

TEST(KeeldConfigTest, EveryFlagInBothSpellings) {
  auto line = parse({"--name=n1", "--data-dir", "/var/lib/keel", "--cluster-id=0x1f",
                     "--initial-cluster", "n1=[::1]:2380", "--listen-peer", "127.0.0.1:0",
                     "--listen-client=:12379", "--metadata", "region=eu,disk=ssd", "--capacity",
                     "cpus=1.5,memory=4Gi", "--log-format", "json"});
  ASSERT_TRUE(line) << line.error().message;
  const KeeldConfig& c = line->config;
  EXPECT_EQ(c.data_dir, "/var/lib/keel");
  EXPECT_EQ(c.cluster_id, 0x1fu);
  EXPECT_EQ(c.initial_cluster[0].peer, (Endpoint{"::1", 2380}));
  EXPECT_EQ(c.listen_peer, (Endpoint{"127.0.0.1", 0}));
  EXPECT_EQ(c.listen_client, (Endpoint{"0.0.0.0", 12379}));
  EXPECT_EQ(c.metadata, (std::map<std::string, std::string>{{"disk", "ssd"}, {"region", "eu"}}));
  EXPECT_EQ(c.capacity, (Capacity{1500, 4ull << 30}));
  EXPECT_EQ(c.log_format, TraceFormat::kJson);
}

TEST(KeeldConfigTest, HelpNeedsNothingElse) {
  auto line = parse({"--help"});
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->help);
  EXPECT_NE(usage().find("--initial-cluster"), std::string_view::npos);
}

TEST(KeeldConfigTest, BadFlagsNameTheFlagAndWhatWasExpected) {
  const std::string_view c = kCluster;
  EXPECT_EQ(error_of({"--name", "n1", "--cluster-id", "x", "--initial-cluster", c}),
            "--cluster-id: expected a positive integer, decimal or 0x-hex, got 'x'");
  EXPECT_EQ(error_of({"--name", "n1", "--cluster-id", "0", "--initial-cluster", c}),
            "--cluster-id: expected a positive integer, decimal or 0x-hex, got '0'");
  EXPECT_EQ(error_of({"--name", "node1", "--cluster-id", "1", "--initial-cluster", c}),
            "--name: expected a machine name n<K> with K a positive integer (n1), got 'node1'");
  EXPECT_EQ(error_of({"--name", "n01"}),
            "--name: expected a machine name n<K> with K a positive integer (n1), got 'n01'");
  EXPECT_EQ(error_of({"--bogus", "1"}), "unknown flag --bogus (see keeld --help)");
  EXPECT_EQ(error_of({"--name"}), "--name: missing its value");
  EXPECT_EQ(error_of({"n1"}), "unexpected argument 'n1' (flags start with --)");
  EXPECT_EQ(error_of({"--name", "n1", "--name", "n2"}), "--name is given twice");
  EXPECT_EQ(error_of({"--role", "boss"}), "--role: expected member or worker, got 'boss'");
  EXPECT_EQ(error_of({"--log-format", "xml"}), "--log-format: expected text or json, got 'xml'");
  EXPECT_EQ(error_of({"--metadata", "region"}),
            "--metadata: expected key=value,... (region=eu,disk=ssd), got 'region'");
  EXPECT_EQ(error_of({"--metadata", "a=1,a=2"}), "--metadata: key a is given twice");
  EXPECT_EQ(error_of({"--capacity", "cpus=0"}),
            "--capacity: expected cpus as a positive number with at most 3 decimals (1.5), got "
            "'0'");
  EXPECT_EQ(error_of({"--capacity", "cpus=1.2345"}),
            "--capacity: expected cpus as a positive number with at most 3 decimals (1.5), got "
            "'1.2345'");
  EXPECT_EQ(error_of({"--capacity", "memory=4Qi"}),
            "--capacity: expected memory as a positive byte count, optionally K, M, G, T, Ki, Mi, "
            "Gi, Ti, got '4Qi'");
  EXPECT_EQ(error_of({"--capacity", "disks=2"}),
            "--capacity: expected the key cpus or memory, got 'disks'");
  EXPECT_NE(error_of({"--listen-peer", "localhost:2380"})
                .find("--listen-peer: expected an address IP:PORT"),
            std::string::npos);
  EXPECT_EQ(error_of({"--initial-cluster", "n1=127.0.0.1"}),
            "--initial-cluster: expected a peer address IP:PORT with a non-zero port for n1, got "
            "'127.0.0.1'");
  EXPECT_EQ(error_of({"--initial-cluster", "n1=127.0.0.1:1,n1=127.0.0.1:2"}),
            "--initial-cluster: member n1 is listed twice");
  EXPECT_EQ(error_of({"--initial-cluster", "n1=127.0.0.1:1,n2=127.0.0.1:1"}),
            "--initial-cluster: members n1 and n2 share the address 127.0.0.1:1");
}

TEST(KeeldConfigTest, MissingOrInconsistentSettingsAreRefused) {
  EXPECT_EQ(error_of({}), "--name is required (n1, n2, ...)");
  EXPECT_EQ(error_of({"--name", "n1"}), "--cluster-id is required (a positive integer)");
  EXPECT_NE(error_of({"--name", "n1", "--cluster-id", "1"}).find("--initial-cluster is required"),
            std::string::npos);
  EXPECT_EQ(error_of({"--name", "n4", "--cluster-id", "1", "--initial-cluster", kCluster}),
            "--name n4 is not one of the members in --initial-cluster (n1, n2, n3); a member "
            "must be");
  EXPECT_EQ(error_of({"--name", "n1", "--cluster-id", "1", "--initial-cluster", kCluster, "--role",
                      "worker"}),
            "--name n1 is listed in --initial-cluster (n1, n2, n3) but --role is worker: workers "
            "do not vote");
}

TEST(KeeldConfigTest, FileGivesSettingsAndFlagsOverrideIt) {
  TempDir dir;
  const std::string path = write_file(dir, R"(
name: n1
cluster-id: 9
initial-cluster:
  n1: 127.0.0.1:2380
  n2: 127.0.0.1:2381
metadata: {region: eu}
capacity:
  cpus: 2
  memory: 512Mi
log-format: json
)");
  auto line = parse({"--config", path, "--cluster-id", "10"});
  ASSERT_TRUE(line) << line.error().message;
  const KeeldConfig& c = line->config;
  EXPECT_EQ(c.name, "n1");
  EXPECT_EQ(c.cluster_id, 10u) << "the flag overrides the file";
  ASSERT_EQ(c.initial_cluster.size(), 2u);
  EXPECT_EQ(c.initial_cluster[1], (Member{"n2", 2, Endpoint{"127.0.0.1", 2381}}));
  EXPECT_EQ(c.metadata.at("region"), "eu");
  EXPECT_EQ(c.capacity, (Capacity{2000, 512ull << 20}));
  EXPECT_EQ(c.log_format, TraceFormat::kJson);
}

TEST(KeeldConfigTest, BadFilesNameFileLineAndColumn) {
  TempDir dir;
  const std::string path = write_file(dir, "name: n1\ncluster-id:   abc\n");
  EXPECT_EQ(error_of({"--config", path}),
            path + ":2:15: cluster-id: expected a positive integer, decimal or 0x-hex, got 'abc'");
  write_file(dir, "name: n1\nclusterid: 3\n");
  EXPECT_EQ(error_of({"--config", path}),
            path +
                ":2:1: unknown setting 'clusterid' (expected one of the flags' names without "
                "dashes, see keeld --help)");
  write_file(dir, "name: [n1, n2]\n");
  EXPECT_EQ(error_of({"--config", path}), path + ":1:7: name: expected a scalar");
  write_file(dir, "metadata:\n  region: eu,us\n");
  EXPECT_EQ(error_of({"--config", path}),
            path + ":2:11: metadata: expected a non-empty scalar without ',' or '=' in this map");
  write_file(dir, "name: n1\n  bad: [\n");
  EXPECT_NE(error_of({"--config", path}).find(path + ":2:"), std::string::npos);
  write_file(dir, "- n1\n");
  EXPECT_EQ(error_of({"--config", path}),
            path + ":1:1: expected a map of settings (name: n1, ...)");
  EXPECT_EQ(error_of({"--config", dir / "missing.yaml"}),
            "--config: cannot read the file '" + (dir / "missing.yaml") + "'");
}

TEST(KeeldConfigTest, FleetIdentityFlags) {
  auto line = parse({"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster,
                     "--advertise-ip", "10.1.2.3", "--lease-ttl", "9"});
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(line->config.advertise_ip, "10.1.2.3");
  EXPECT_EQ(line->config.lease_ttl, std::chrono::seconds(9));
}

TEST(KeeldConfigTest, TheAdvertisedIpDefaultsToTheClientAddressUnlessItIsAWildcard) {
  auto specific = parse({"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster,
                         "--listen-client", "10.0.0.2:2379"});
  ASSERT_TRUE(specific) << specific.error().message;
  EXPECT_EQ(specific->config.advertise_ip, "10.0.0.2");
  EXPECT_EQ(specific->config.lease_ttl, std::chrono::seconds(5));
  auto wildcard = parse({"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster});
  ASSERT_TRUE(wildcard) << wildcard.error().message;
  EXPECT_EQ(wildcard->config.advertise_ip, "127.0.0.1");
}

// The error of a valid command line for n2 with `flag value` added.
std::string error_with(std::string_view flag, std::string_view value) {
  return error_of(
      {"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster, flag, value});
}

TEST(KeeldConfigTest, BadFleetIdentityFlagsAreRefused) {
  EXPECT_EQ(error_with("--advertise-ip", "host.example"),
            "--advertise-ip: expected an IPv4 or IPv6 literal, got 'host.example'");
  EXPECT_EQ(error_with("--lease-ttl", "2"),
            "--lease-ttl: expected whole seconds from 3 to 3600, got '2'");
  EXPECT_EQ(error_with("--lease-ttl", "1.5"),
            "--lease-ttl: expected whole seconds from 3 to 3600, got '1.5'");
  EXPECT_EQ(error_with("--lease-ttl", "3601"),
            "--lease-ttl: expected whole seconds from 3 to 3600, got '3601'");
}

TEST(KeeldConfigTest, SnapshotFlagsReachTheConfigAndBadOnesAreRefused) {
  auto line = parse({"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster,
                     "--snapshot-count", "100", "--snapshot-catchup-entries", "0"});
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(line->config.snapshot_count, 100u);
  EXPECT_EQ(line->config.snapshot_catchup_entries, 0u);
  auto defaults = parse({"--name", "n2", "--cluster-id", "7", "--initial-cluster", kCluster});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->config.snapshot_count, 10000u);
  EXPECT_EQ(defaults->config.snapshot_catchup_entries, 5000u);
  EXPECT_EQ(error_with("--snapshot-count", "0"),
            "--snapshot-count: expected a whole number of entries from 1 to 1000000, got '0'");
  EXPECT_EQ(error_with("--snapshot-count", "1e4"),
            "--snapshot-count: expected a whole number of entries from 1 to 1000000, got "
            "'1e4'");
  EXPECT_EQ(error_with("--snapshot-catchup-entries", "-1"),
            "--snapshot-catchup-entries: expected a whole number of entries from 0 to "
            "1000000, got '-1'");
  EXPECT_EQ(error_with("--snapshot-catchup-entries", "1000001"),
            "--snapshot-catchup-entries: expected a whole number of entries from 0 to "
            "1000000, got '1000001'");
  EXPECT_EQ(error_with("--snapshot-count", "0X10"),
            "--snapshot-count: expected a whole number of entries from 1 to 1000000, got '0X10'");
  EXPECT_EQ(error_with("--lease-ttl", "0X10"),
            "--lease-ttl: expected whole seconds from 3 to 3600, got '0X10'");
}

TEST(KeeldConfigTest, WorkersAreListedForEveryMachineAndAWorkerMustBeAmongThem) {
  auto member = parse({"--name", "n1", "--cluster-id", "7", "--initial-cluster", kCluster,
                       "--workers", "n5=10.0.0.5:2390,n4=10.0.0.4:2390"});
  ASSERT_TRUE(member) << member.error().message;
  ASSERT_EQ(member->config.workers.size(), 2u);
  EXPECT_EQ(member->config.workers[0].name, "n4");
  EXPECT_EQ(member->config.workers[0].peer, (Endpoint{"10.0.0.4", 2390}));
  auto worker = parse({"--name", "n4", "--role", "worker", "--cluster-id", "7", "--initial-cluster",
                       kCluster, "--workers", "n4=10.0.0.4:2390"});
  ASSERT_TRUE(worker) << worker.error().message;
  EXPECT_EQ(worker->config.role, Role::kWorker);

  EXPECT_EQ(error_of({"--name", "n4", "--role", "worker", "--cluster-id", "7", "--initial-cluster",
                      kCluster}),
            "--name n4 is not in --workers: the members answer a worker at the peer address "
            "listed there");
  EXPECT_EQ(error_of({"--name", "n1", "--cluster-id", "7", "--initial-cluster", kCluster,
                      "--workers", "n2=10.0.0.9:2390"}),
            "--workers: worker n2 shares its name with member n2");
  EXPECT_EQ(error_of({"--name", "n1", "--cluster-id", "7", "--initial-cluster", kCluster,
                      "--workers", "n4=127.0.0.1:2381"}),
            "--workers: worker n4 shares its address with member n2");
}

}  // namespace
}  // namespace keel::real::keeld
