// The Daemon in this process: a one-member cluster elects itself, and metrics_text() reports what
// the live node and its WAL syncs show.
#include "real/keeld/daemon.h"

#include <gtest/gtest.h>

#include <sstream>

#include "real/support/keeld_process.h"
#include "real/support/run_loop.h"
#include "real/support/temp_dir.h"

namespace keel::real::keeld {
namespace {

using testing::run_until;
using testing::TempDir;

// The value of the sample line starting with `prefix` ("name{labels} "), or -1.
double sample(const std::string& text, const std::string& prefix) {
  const auto at = text.find("\n" + prefix);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + 1 + prefix.size()));
}

TEST(DaemonTest, ALoneMemberLeadsAndItsMetricsSaySo) {
  TempDir dir;
  KeeldConfig config;
  config.name = "n1";
  config.id = 1;
  config.cluster_id = 3;
  config.data_dir = dir / "n1.keeld";
  config.listen_peer = Endpoint{"127.0.0.1", testing::free_port()};
  config.listen_client = Endpoint{"127.0.0.1", 0};
  config.initial_cluster = {Member{"n1", 1, config.listen_peer}};
  std::ostringstream log;
  boost::asio::io_context io;
  auto daemon = Daemon::start(io, config, log);
  ASSERT_TRUE(daemon) << daemon.error().message;
  ASSERT_TRUE(run_until(io, [&] {
    return sample((*daemon)->metrics_text(), "keel_raft_is_leader{machine=\"n1\"} ") == 1;
  })) << log.str();
  const std::string text = (*daemon)->metrics_text();
  EXPECT_GE(sample(text, "keel_raft_term{machine=\"n1\"} "), 1) << text;
  EXPECT_EQ(sample(text, "keel_raft_leader{machine=\"n1\"} "), 1);
  EXPECT_GE(sample(text, "keel_wal_fsync_duration_seconds_count{machine=\"n1\"} "), 1)
      << "the WAL syncs at least once to persist the election";
  EXPECT_EQ(sample(text, "keel_peer_connections{machine=\"n1\"} "), 0);
  EXPECT_NE(log.str().find("n1 keeld.started node=1 cluster=3 members=1"), std::string::npos)
      << log.str();
}

TEST(DaemonTest, AWorkerConfigurationIsLeftToTheWorker) {
  TempDir dir;
  KeeldConfig config;
  config.name = "n2";
  config.id = 2;
  config.role = Role::kWorker;
  config.data_dir = dir / "n2.keeld";
  std::ostringstream log;
  boost::asio::io_context io;
  auto daemon = Daemon::start(io, config, log);
  ASSERT_FALSE(daemon);
  EXPECT_EQ(daemon.error().code, Errc::kInvalidArgument);
  EXPECT_NE(daemon.error().message.find("--role worker"), std::string::npos);
}

}  // namespace
}  // namespace keel::real::keeld
