// Three keeld members on 127.0.0.1, each link between them through a fault-injecting proxy
// (support/proxy_mesh.h); the leader is cut off from both others by blackholing its links, so no
// socket closes and only silence tells. What must hold, over real TCP and real processes:
// - the isolated leader steps down within a bound (check-quorum, thesis §6.2) and acknowledges no
//   write and answers no quorum read while cut off (no split brain: §3.6 needs a majority);
// - the two others elect a leader and acknowledge writes again;
// - once the links heal, the member that was cut off disturbs no one: its pre-votes (§9.6) were
//   never granted, so it comes back in a term no higher than the new leader's, which stays leader
//   in the same term;
// - it then serves every acknowledged write from its own store; no two members led in one term.
// Every wait is on a condition with a bound.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/env/str.h"
#include "real/support/keeld_cluster.h"
#include "real/support/proxy_mesh.h"

namespace keel::real::testing {
namespace {

using std::chrono::seconds;

constexpr int kMembers = 3;
constexpr int kWritesEachPhase = 20;
constexpr Duration kElectionBound = seconds(15);
constexpr Duration kFailoverBound = seconds(10);  // election timeouts are 0.5 to 1 s
constexpr Duration kStepDownBound = seconds(5);   // check-quorum: one election timeout
constexpr Duration kCatchUpBound = seconds(20);

// Whether a PUT of /v2/keys/split/<key> = <key> through `port` is acknowledged.
bool acknowledged_put(std::uint16_t port, const std::string& key) {
  const auto answer = client_exchange(port, "PUT", str("/v2/keys/split/", key), "value=" + key);
  return answer && (answer->status == 200 || answer->status == 201);
}

// Whether `port` answers a GET of /v2/keys/split/<key> with its value, from its own store or
// (`quorum`) by a linearizable read.
bool reads(std::uint16_t port, const std::string& key, bool quorum) {
  const auto answer =
      client_exchange(port, "GET", str("/v2/keys/split/", key, quorum ? "?quorum=true" : ""));
  return answer && answer->status == 200 &&
         answer->body.find(str("\"value\":\"", key, "\"")) != std::string::npos;
}

// kWritesEachPhase PUTs through `port`, each of which must be acknowledged; the keys are added to
// `acked`.
void write_phase(std::uint16_t port, const std::string& phase, std::vector<std::string>& acked) {
  for (int i = 0; i < kWritesEachPhase; ++i) {
    const std::string key = str(phase, "-", i);
    EXPECT_TRUE(acknowledged_put(port, key)) << "PUT " << key;
    acked.push_back(key);
  }
}

TEST(LeaderPartitionTest, AnIsolatedLeaderStepsDownAndRejoinsWithoutDisturbingItsSuccessor) {
  KeeldCluster cluster(kMembers);
  ProxyMesh mesh(cluster);
  for (int k = 1; k <= kMembers; ++k) cluster.start(k);
  const int old_leader = static_cast<int>(cluster.agreed_leader({1, 2, 3}, kElectionBound));
  ASSERT_NE(old_leader, 0) << cluster.logs();
  std::vector<std::string> acked;
  write_phase(cluster.client_port(old_leader), "before", acked);

  mesh.isolate(old_leader);
  std::vector<int> majority;
  for (int k = 1; k <= kMembers; ++k) {
    if (k != old_leader) majority.push_back(k);
  }
  const int new_leader = static_cast<int>(cluster.agreed_leader(majority, kFailoverBound));
  ASSERT_NE(new_leader, 0) << "the majority elected no leader\n"
                           << read_text(cluster.log(majority[0]));
  EXPECT_TRUE(wait_for([&] { return latest_role(cluster.log(old_leader)).role != "leader"; },
                       kStepDownBound))
      << "the isolated leader did not step down\n"
      << read_text(cluster.log(old_leader));
  const std::uint16_t isolated_port = cluster.client_port(old_leader);
  EXPECT_FALSE(acknowledged_put(isolated_port, "minority"))
      << "a write through the isolated member was acknowledged";
  EXPECT_FALSE(reads(isolated_port, acked.front(), /*quorum=*/true))
      << "the isolated member answered a quorum read";
  write_phase(cluster.client_port(new_leader), "during", acked);
  const std::uint64_t new_term = latest_role(cluster.log(new_leader)).term;

  mesh.heal();
  EXPECT_TRUE(wait_for(
      [&] {
        const Role back = latest_role(cluster.log(old_leader));
        return back.leader == static_cast<std::uint64_t>(new_leader) && back.term == new_term;
      },
      kCatchUpBound))
      << "the member that was cut off did not follow the new leader in its term " << new_term
      << "\n"
      << read_text(cluster.log(old_leader));
  EXPECT_EQ(cluster.agreed_leader({1, 2, 3}, kElectionBound), new_leader);
  EXPECT_EQ(latest_role(cluster.log(new_leader)).term, new_term)
      << "the rejoining member disturbed the leader\n"
      << read_text(cluster.log(new_leader));
  write_phase(cluster.client_port(new_leader), "after", acked);

  EXPECT_TRUE(
      wait_for([&] { return reads(isolated_port, acked.back(), /*quorum=*/false); }, kCatchUpBound))
      << read_text(cluster.log(old_leader));
  for (const std::string& key : acked) {
    EXPECT_TRUE(reads(isolated_port, key, /*quorum=*/false)) << "the rejoined member lacks " << key;
  }
  cluster.expect_one_leader_per_term();
}

}  // namespace
}  // namespace keel::real::testing
