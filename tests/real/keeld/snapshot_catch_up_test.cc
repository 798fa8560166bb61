// A member that was down while the others wrote and took snapshots catches up over TCP when it
// restarts: from the leader's log while it is at most --snapshot-catchup-entries behind the
// leader's latest snapshot (etcd's SnapshotCatchUpEntries), else from that snapshot, sent in chunks
// (thesis §5.3) and saved as etcd saves it (the snap file durable before the WAL marker).
// Either way it then serves every write from its own store. Every wait is on a condition with a
// bound.
#include <gtest/gtest.h>
#include <signal.h>

#include "core/env/str.h"
#include "real/support/keeld_cluster.h"

namespace keel::real::testing {
namespace {

using std::chrono::seconds;

constexpr Duration kElectionBound = seconds(15);
constexpr Duration kExitBound = seconds(10);
constexpr Duration kCatchUpBound = seconds(20);
// While the member is down. Appends the leader sent it meanwhile wait in the leader's transport and
// arrive once it is back; those are at most max_inflight_messages (256) appends of one write each,
// so with 600 writes the member still lacks entries that the leader has compacted.
constexpr int kWrites = 600;
constexpr int kSnapshotEvery = 50;  // --snapshot-count

// Whether the member at `port` serves /v2/keys/catch-up/k<i> = v<i> from its own store (no quorum
// read: etcd v2's local GET).
bool serves_locally(std::uint16_t port, int i) {
  const auto answer = client_exchange(port, "GET", str("/v2/keys/catch-up/k", i));
  return answer && answer->status == 200 &&
         answer->body.find(str("\"value\":\"v", i, "\"")) != std::string::npos;
}

// The index of the snapshot the log says the member installed from the leader, 0 if none.
std::uint64_t installed_snapshot(const std::string& log) {
  for (const LogEvent& e : read_log(log)) {
    if (e.component == "node" && e.event == "snapshot-installed") {
      return std::stoull(e.fields.at("index"));
    }
  }
  return 0;
}

// Stops a follower, writes kWrites keys through the leader (snapshots every kSnapshotEvery entries,
// `kept` entries of log kept below each), restarts the follower and waits until it serves them all.
// The follower must have installed a snapshot from the leader exactly when `sent_snapshot`.
void follower_catches_up(std::uint64_t kept, bool sent_snapshot) {
  KeeldCluster cluster(
      3, {"--snapshot-count", str(kSnapshotEvery), "--snapshot-catchup-entries", str(kept)});
  for (int k = 1; k <= 3; ++k) cluster.start(k);
  const int leader = static_cast<int>(cluster.agreed_leader({1, 2, 3}, kElectionBound));
  EXPECT_NE(leader, 0) << read_text(cluster.log(1));
  if (leader == 0) return;
  const int down = leader % 3 + 1;
  cluster.member(down).signal(SIGTERM);
  EXPECT_EQ(cluster.member(down).wait_exit(kExitBound), 0);

  for (int i = 0; i < kWrites; ++i) {
    const auto put = client_exchange(cluster.client_port(leader), "PUT",
                                     str("/v2/keys/catch-up/k", i), str("value=v", i));
    EXPECT_TRUE(put && (put->status == 200 || put->status == 201))
        << "PUT " << i << ": " << (put ? put->body : put.error().message);
    if (!put) return;
  }
  EXPECT_TRUE(
      wait_for([&] { return logged(cluster.log(leader), "node", "snapshot"); }, kCatchUpBound))
      << "the leader took no snapshot after " << kWrites << " writes";

  cluster.start(down);
  const std::uint16_t port = cluster.client_port(down);
  EXPECT_TRUE(wait_for([&] { return serves_locally(port, kWrites - 1); }, kCatchUpBound))
      << read_text(cluster.log(down));
  for (int i = 0; i < kWrites; ++i) EXPECT_TRUE(serves_locally(port, i)) << "key " << i;
  const std::uint64_t installed = installed_snapshot(cluster.log(down));
  EXPECT_EQ(installed != 0, sent_snapshot) << read_text(cluster.log(down)) << "the leader:\n"
                                           << read_text(cluster.log(leader));
  // The leader's latest snapshot covers all but the last few writes (it snapshots every
  // kSnapshotEvery entries): far past what the appends queued for the member could carry.
  if (sent_snapshot) {
    EXPECT_GE(installed, static_cast<std::uint64_t>(kWrites - kSnapshotEvery));
  }
  // The leader's log after its snapshots: all of it while fewer entries than are kept were written
  // (its snapshots say the log starts at 1), else only what is kept below each.
  EXPECT_EQ(logged(cluster.log(leader), "node", "snapshot", {{"log_from", "1"}}), !sent_snapshot)
      << read_text(cluster.log(leader));
  cluster.expect_one_leader_per_term();
}

TEST(SnapshotCatchUpTest, AMemberBehindTheKeptLogIsSentTheSnapshot) {
  follower_catches_up(10, true);
}

TEST(SnapshotCatchUpTest, AMemberWithinTheKeptLogCatchesUpByAppends) {
  follower_catches_up(5000, false);
}

}  // namespace
}  // namespace keel::real::testing
