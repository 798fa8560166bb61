#include "sim/report/timeline.h"

#include <gtest/gtest.h>

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

TraceRecord at(Duration when, std::string machine, std::string text) {
  return TraceRecord{Time(when), Time(when), std::move(machine), std::move(text)};
}

const std::vector<std::string> kMachines = {"n1", "n2", "n3"};

TEST(Timeline, RolesFromBootElectionCrashAndRestart) {
  const std::vector<TraceRecord> records = {
      at(0s, "n1", "node.recovered term=0 commit=0 snapshot=0 last=0"),
      at(1s, "n1", "raft.role role=candidate term=1 leader=0"),
      at(1100ms, "n1", "raft.role role=leader term=1 leader=1"),
      at(3s, "sim", "sim.crash machine=n1 disk=corrupt-tail"),
      at(4s, "sim", "sim.restart machine=n1"),
      at(4s, "n1", "node.recovered term=1 commit=3 snapshot=0 last=3"),
  };
  const Timeline t = build_timeline(records, kMachines, Time(10s));
  ASSERT_EQ(t.lanes.size(), 3u);
  const MachineLane& n1 = t.lanes[0];
  EXPECT_EQ(n1.machine, "n1");
  ASSERT_EQ(n1.roles.size(), 4u);
  EXPECT_EQ(n1.roles[0].role, "follower");
  EXPECT_EQ(n1.roles[0].end, Time(1s));
  EXPECT_EQ(n1.roles[2].role, "leader");
  EXPECT_EQ(n1.roles[2].term, 1);
  EXPECT_EQ(n1.roles[2].begin, Time(1100ms));
  EXPECT_EQ(n1.roles[2].end, Time(3s));  // the crash ends it
  EXPECT_FALSE(n1.roles[2].open);
  EXPECT_EQ(n1.roles[3].role, "follower");  // Raft §5.2: a booted node starts as a follower
  EXPECT_EQ(n1.roles[3].end, Time(10s));
  EXPECT_TRUE(n1.roles[3].open);
  ASSERT_EQ(n1.states.size(), 1u);
  EXPECT_EQ(n1.states[0].state, MachineState::kDown);
  EXPECT_EQ(n1.states[0].begin, Time(3s));
  EXPECT_EQ(n1.states[0].end, Time(4s));
  EXPECT_EQ(n1.states[0].detail, "disk: corrupt-tail");
  ASSERT_EQ(t.faults.size(), 1u);
  EXPECT_EQ(t.faults[0].kind, FaultKind::kCrash);
  EXPECT_EQ(t.faults[0].label, "crash n1 (disk: corrupt-tail)");
  EXPECT_TRUE(t.lanes[1].roles.empty());  // n2 said nothing
}

TEST(Timeline, PartitionsMarkTheCutOffSideAndEndAtHealOrTheNextPartition) {
  const std::vector<TraceRecord> records = {
      at(1s, "sim", "sim.partition groups=\"n1 | n2,n3\""),
      at(2s, "sim", "sim.partition groups=\"n1 | n2\""),  // replaces; tie, and n3 in no group
      at(3s, "sim", "sim.heal"),
      at(4s, "sim", "sim.block from=n2 to=n3"),
      at(5s, "sim", "sim.partition kind=ring blocked_links=6"),
  };
  const Timeline t = build_timeline(records, kMachines, Time(10s));
  ASSERT_EQ(t.faults.size(), 4u);
  EXPECT_EQ(t.faults[0].label, "partition n1 | n2,n3");
  EXPECT_EQ(t.faults[0].machines, std::vector<std::string>{"n1"});
  EXPECT_EQ(t.faults[0].end, Time(2s));
  EXPECT_TRUE(t.faults[1].machines.empty());  // no strictly largest group: everyone
  EXPECT_EQ(t.faults[1].end, Time(3s));
  EXPECT_EQ(t.faults[2].label, "block n2 → n3");
  EXPECT_EQ(t.faults[2].machines, (std::vector<std::string>{"n2", "n3"}));
  EXPECT_EQ(t.faults[2].end, Time(5s));
  EXPECT_EQ(t.faults[3].label, "partition (ring, 6 directions cut)");
  EXPECT_TRUE(t.faults[3].open);
  EXPECT_EQ(t.faults[3].end, Time(10s));
}

TEST(Timeline, ClockDiskPauseAndLinkFaults) {
  const std::vector<TraceRecord> records = {
      at(0s, "sim",
         "sim.network drop_ppm=0 duplicate_ppm=0 latency_low_ns=1000000 latency_high_ns=5000000"),
      at(1s, "sim", "sim.pause machine=n2"),
      at(1500ms, "sim", "sim.resume machine=n2"),
      at(2s, "sim", "sim.clock-step machine=n3 offset_ns=500000000"),
      at(3s, "sim", "sim.clock-step machine=n3 offset_ns=-500000000"),
      at(4s, "sim", "sim.clock-rate machine=n3 ppm=1050000"),
      at(5s, "sim", "sim.disk-stall machine=n2"),
      at(6s, "sim", "sim.disk-stall-end machine=n2"),
      at(7s, "sim",
         "sim.network drop_ppm=100000 duplicate_ppm=0 latency_low_ns=1000000 "
         "latency_high_ns=5000000"),
      at(8s, "sim",
         "sim.network drop_ppm=0 duplicate_ppm=0 latency_low_ns=1000000 latency_high_ns=5000000"),
  };
  const Timeline t = build_timeline(records, kMachines, Time(10s));
  ASSERT_EQ(t.faults.size(), 5u);
  EXPECT_EQ(t.faults[0].label, "pause n2");
  EXPECT_EQ(t.faults[1].label, "clock n3 +0.500s");
  EXPECT_EQ(t.faults[1].end, Time(3s));  // stepped back: the offset is 0 again
  EXPECT_EQ(t.faults[2].label, "clock n3 rate ×1.050");
  EXPECT_TRUE(t.faults[2].open);
  EXPECT_EQ(t.faults[3].label, "disk stall n2");
  EXPECT_EQ(t.faults[3].end, Time(6s));
  EXPECT_EQ(t.faults[4].label, "links drop 10% dup 0% latency 1ms–5ms");
  EXPECT_EQ(t.faults[4].end, Time(8s));  // back to the baseline
  ASSERT_EQ(t.lanes[1].states.size(), 1u);
  EXPECT_EQ(t.lanes[1].states[0].state, MachineState::kPaused);
}

TEST(Timeline, ReadsInTimeOrderAndSkipsWhatItCannotUse) {
  const std::vector<TraceRecord> records = {
      at(2s, "n2", "raft.role role=leader term=3 leader=2"),
      at(1s, "n2", "raft.role role=candidate term=3 leader=0"),  // recorded late, earlier time
      at(1s, "n9", "raft.role role=leader term=9 leader=9"),     // not a lane
      at(1s, "n2", "garbage"),
      at(1s, "n2", "raft.role role=\"unterminated"),
      at(1s, "n2", "kv.lease-expired lease=4"),  // not drawn
      at(3s, "n2", "node.stopped reason=\"disk full\""),
  };
  const Timeline t = build_timeline(records, kMachines, Time(5s));
  const MachineLane& n2 = t.lanes[1];
  ASSERT_EQ(n2.roles.size(), 2u);
  EXPECT_EQ(n2.roles[0].role, "candidate");
  EXPECT_EQ(n2.roles[1].role, "leader");
  EXPECT_EQ(n2.roles[1].end, Time(3s));
  ASSERT_EQ(n2.states.size(), 1u);
  EXPECT_EQ(n2.states[0].state, MachineState::kStopped);
  EXPECT_EQ(n2.states[0].detail, "disk full");
  EXPECT_EQ(t.unreadable, 2u);
  EXPECT_NE(t.first_unreadable.find("garbage"), std::string::npos);
}

TEST(Timeline, ClosesAtTheLastRecordWhenTheGivenEndIsEarlier) {
  const Timeline t = build_timeline({at(0s, "sim", "sim.pause machine=n1"),
                                     at(7s, "n2", "raft.role role=follower term=1 leader=0")},
                                    kMachines, Time(5s));
  ASSERT_EQ(t.lanes[0].states.size(), 1u);
  EXPECT_EQ(t.lanes[0].states[0].end, Time(7s));
  EXPECT_TRUE(t.lanes[0].states[0].open);
}

}  // namespace
}  // namespace keel::sim
