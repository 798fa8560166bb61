// The leader's disk and its followers' disks work at the same time (thesis §10.2.1): with every
// sync taking 20 ms and 1 ms links, a proposal at a settled leader commits in about one sync plus a
// round trip, not in two syncs one after the other.
#include <gtest/gtest.h>

#include <optional>

#include "sim/cluster.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

TEST(LeaderSendsFirst, AProposalWaitsForOneSyncNotTwo) {
  ClusterOptions options;
  options.network = LinkConfig{1ms, 1ms, 0.0, 0.0};
  options.fsync_low = 20ms;
  options.fsync_high = 20ms;
  Cluster cluster(7, options);
  cluster.world().run_for(3s);
  const NodeId leader = cluster.leader();
  ASSERT_NE(leader, kNoNode);
  node::Node* node = cluster.node(leader);
  ASSERT_NE(node, nullptr);

  const Time proposed = cluster.world().now();
  std::optional<Time> applied;
  node->propose(Bytes{'v'}, [&](Result<raft::Index> index) {
    ASSERT_TRUE(index.has_value()) << index.error().message;
    applied = cluster.world().now();
  });
  cluster.world().run_for(200ms);
  ASSERT_TRUE(applied.has_value());
  const Duration took = *applied - proposed;
  // One sync (20 ms) and a round trip (2 ms) in parallel with the leader's own sync; two syncs in
  // a row would take at least 42 ms.
  EXPECT_LT(took, 30ms) << "took "
                        << std::chrono::duration_cast<std::chrono::microseconds>(took).count()
                        << " us";
  EXPECT_GE(took, 20ms);
}

}  // namespace
}  // namespace keel::sim
