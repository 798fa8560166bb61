// The figure-8 partition (sim/nemesis/figure8_rounds.h): its rounds reach the situation of the
// thesis's Figure 3.7 (a new leader holding older-term entries past the commit index while a cut
// off leader's log ends with a greater term), correct Raft stays safe and converges through them,
// and a round leaves the network to a fault that replaced its partition.
#include "sim/nemesis/figure8_rounds.h"

#include <gtest/gtest.h>

#include <optional>

#include "sim/nemesis/nemesis.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

Fault partition(PartitionFault::Kind kind, Duration at, Duration lasts) {
  Fault fault;
  fault.at = at;
  fault.lasts = lasts;
  fault.action = PartitionFault{kind, {}, {}, {}, {}};
  return fault;
}
Fault figure8(Duration at, Duration lasts) {
  return partition(PartitionFault::Kind::kFigure8, at, lasts);
}
Fault halves(Duration at, Duration lasts) {
  return partition(PartitionFault::Kind::kHalves, at, lasts);
}

ClusterOptions five_members() {
  ClusterOptions options;
  options.members = 5;
  options.network = LinkConfig{1ms, 10ms, 0.01, 0.01};
  options.node.raft.max_entries_per_message = 4;
  return options;
}

// Any link between two machines blocked?
bool partitioned(World& world) {
  for (NodeId a : world.machine_ids()) {
    for (NodeId b : world.machine_ids()) {
      if (a != b && world.network().blocked(a, b)) return true;
    }
  }
  return false;
}

// Schedules the nemesis's faults over `window`, starts the clients and runs for `run`.
void run_under_faults(Cluster& cluster, Nemesis& nemesis, Duration window, Duration run) {
  const Time start = cluster.world().now();
  nemesis.schedule(start, start + window);
  cluster.start_clients(ClientOptions{});
  cluster.world().run_for(run);
}

// Runs for `span` in steps of 100 ms; the time of the first step after which partitioned() is not
// `expected`, or nothing.
std::optional<Duration> first_change(World& world, Duration span, bool expected) {
  for (Duration ran{0}; ran < span;) {
    world.run_for(100ms);
    ran += 100ms;
    if (partitioned(world) != expected) return ran;
  }
  return std::nullopt;
}

TEST(Figure8Rounds, RoundsStageFigure8AndCorrectRaftSurvivesThem) {
  std::uint64_t setups = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Cluster cluster(seed, five_members());
    Nemesis nemesis(cluster, {figure8(500ms, 9s)});
    run_under_faults(cluster, nemesis, 10s, 10s);
    cluster.stop_clients();
    nemesis.heal_all();
    const Figure8Stats& stats = nemesis.figure8();
    EXPECT_GE(stats.rounds, 2u) << "seed " << seed;
    EXPECT_GE(stats.rounds, stats.lone_leaders) << "seed " << seed;
    EXPECT_GE(stats.lone_leaders, stats.setups) << "seed " << seed;
    setups += stats.setups;
    ASSERT_TRUE(cluster.converge(20s)) << "seed " << seed << cluster.describe_members();
    ASSERT_TRUE(cluster.check_final_state())
        << "seed " << seed << ": " << cluster.first_violation();
  }
  EXPECT_GE(setups, 3u);  // most rounds reach step 3 with the situation in place
}

TEST(Figure8Rounds, NoRoundWithoutTheFault) {
  Cluster cluster(1, five_members());
  Nemesis nemesis(cluster, {halves(1s, 2s)});
  run_under_faults(cluster, nemesis, 5s, 5s);
  EXPECT_EQ(nemesis.figure8().rounds, 0u);
  EXPECT_EQ(nemesis.figure8().setups, 0u);
}

TEST(Figure8Rounds, ALaterPartitionEndsTheRoundAndKeepsTheNetwork) {
  Cluster cluster(2, five_members());
  // The round starts at 2 s (a leader exists by then); halves replace its partition at 2.1 s.
  Nemesis nemesis(cluster, {figure8(2s, 100ms), halves(2100ms, 5s)});
  run_under_faults(cluster, nemesis, 10s, 2050ms);
  ASSERT_EQ(nemesis.figure8().rounds, 1u);
  EXPECT_TRUE(partitioned(cluster.world()));
  // The halves stay in force for their whole 5 s, whatever the round's timers do meanwhile.
  const std::optional<Duration> healed = first_change(cluster.world(), 4800ms, true);
  EXPECT_FALSE(healed) << "healed " << healed->count() << " ns after 2.05 s";
  cluster.world().run_for(300ms);
  EXPECT_FALSE(partitioned(cluster.world()));
}

TEST(Figure8Rounds, HealingEndsEveryRound) {
  Cluster cluster(3, five_members());
  Nemesis nemesis(cluster, {figure8(500ms, 20s)});
  run_under_faults(cluster, nemesis, 20s, 3s);
  ASSERT_GE(nemesis.figure8().rounds, 1u);
  nemesis.heal_all();
  const std::uint64_t rounds = nemesis.figure8().rounds;
  const std::optional<Duration> partitioned_again = first_change(cluster.world(), 5s, false);
  EXPECT_FALSE(partitioned_again) << "partitioned " << partitioned_again->count() << " ns later";
  EXPECT_EQ(nemesis.figure8().rounds, rounds);
}

}  // namespace
}  // namespace keel::sim
