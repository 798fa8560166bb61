// A scenario with its seed's swarm draw pinned runs, without --swarm, exactly as the scenario runs
// with it (same trace hash), and the pinned scenario survives being written and loaded back.
#include "sim/scenario/swarm_pin.h"

#include <gtest/gtest.h>

#include "sim/nemesis/random_schedule.h"
#include "sim/scenario/equality.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"
#include "sim/scenario/writer.h"

namespace keel::sim {
namespace {

constexpr std::string_view kSmall = R"(
name: swarmed
duration: 2s
settle: 10s
cluster: {members: 3}
network: {latency: [1ms, 20ms]}
workload:
  kv: {clients: 2, rate: 100/s, keys: 2}
)";

TEST(SwarmPin, APinnedDrawRunsWithoutSwarmAsTheSeedRanWithIt) {
  auto s = parse_scenario(kSmall, "swarmed.yaml");
  ASSERT_TRUE(s) << s.error().message;
  RaftRunOptions swarm = *run_options(*s);
  swarm.swarm = true;
  int tunings_differing_from_the_file = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Scenario drawn = *s;  // as keelsim run --swarm does: the seed's faults join the file's
    ScheduleShape shape;
    shape.members = s->cluster.members;
    shape.duration = s->duration;
    drawn.faults = sample_schedule(shape, seed);
    const RaftRunResult with_swarm = run_scenario(drawn, swarm, seed).run;

    const Scenario pinned = pin_swarm_tuning(drawn, swarm, seed);
    auto reloaded = parse_scenario(to_yaml(pinned), "pinned.yaml");
    ASSERT_TRUE(reloaded) << reloaded.error().message << "\n" << to_yaml(pinned);
    EXPECT_TRUE(*reloaded == pinned);
    auto plain = run_options(*reloaded);
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_FALSE(plain->swarm);
    const RaftRunResult without = run_scenario(*reloaded, *plain, seed).run;
    EXPECT_EQ(without.trace_hash, with_swarm.trace_hash) << "seed " << seed;
    EXPECT_EQ(without.safe, with_swarm.safe);
    if (plain->node.raft.election_ticks != run_options(*s)->node.raft.election_ticks ||
        plain->node.raft.max_entries_per_message !=
            run_options(*s)->node.raft.max_entries_per_message) {
      ++tunings_differing_from_the_file;
    }
  }
  EXPECT_GE(tunings_differing_from_the_file, 1);  // the draw mattered: the pin carried it
}

}  // namespace
}  // namespace keel::sim
