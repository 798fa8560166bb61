// shrink_scenario keeps exactly the faults that fail together (1-minimal), shortens windows and
// workloads only while the failure stays, asks each candidate once, stops when the test gives up,
// and, on a real failing run (stale serializable reads), ends with a smaller scenario that fails
// the same check on the same seed when loaded back from its YAML.
#include "sim/scenario/shrink.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "sim/scenario/equality.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"
#include "sim/scenario/writer.h"
#include "tests/sim/scenario/stale_reads_scenario.h"

namespace keel::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// `n` faults, fault i firing at i seconds (its name in the tests), each a partition lasting 8 s.
Scenario with_faults(int n) {
  Scenario s;
  s.name = "synthetic";
  s.duration = seconds(20);
  for (int i = 0; i < n; ++i) {
    Fault f;
    f.at = seconds(i);
    f.lasts = seconds(8);
    f.action = PartitionFault{PartitionFault::Kind::kIsolateLeader, {}, {}, {}, {}};
    s.faults.push_back(f);
  }
  return s;
}

bool has_fault(const Scenario& s, int i) {
  return std::any_of(s.faults.begin(), s.faults.end(),
                     [i](const Fault& f) { return f.at == seconds(i); });
}

std::vector<int> fault_names(const Scenario& s) {
  std::vector<int> names;
  for (const Fault& f : s.faults) {
    names.push_back(static_cast<int>(std::chrono::duration_cast<seconds>(f.at).count()));
  }
  return names;
}

Trial fails_if(bool condition) { return condition ? Trial::kFails : Trial::kPasses; }

TEST(ScenarioShrink, TheSignatureIsTheClassAndTheCheckName) {
  EXPECT_EQ(signature_of(false, "linearizability: key k1: no order explains get -> 3"),
            (FailureSignature{true, "linearizability"}));
  EXPECT_EQ(signature_of(true, "liveness: no leader within 20s"),
            (FailureSignature{false, "liveness"}));
  EXPECT_EQ(signature_of(true, "min_ops: 12 operations acknowledged, fewer than 500"),
            (FailureSignature{false, "min_ops"}));
  EXPECT_NE(signature_of(false, "election safety: two leaders in term 4"),
            signature_of(false, "linearizability: key k1"));
  EXPECT_NE(signature_of(false, "watches: a gap"), signature_of(true, "watches: a gap"));
  EXPECT_EQ(signature_of(false, "no colon at all").check, "no colon at all");
}

TEST(ScenarioShrink, KeepsExactlyTheTwoFaultsThatFailTogether) {
  const ScenarioShrink shrunk = shrink_scenario(with_faults(10), [](const Scenario& s) {
    return fails_if(has_fault(s, 3) && has_fault(s, 7));
  });
  EXPECT_EQ(fault_names(shrunk.smallest), (std::vector<int>{3, 7}));
  EXPECT_FALSE(shrunk.gave_up);
  EXPECT_EQ(shrunk.steps.front(), "faults: 10 -> 2 (ddmin)");
}

TEST(ScenarioShrink, AFailureWithoutFaultsLosesThemAll) {
  const ScenarioShrink shrunk =
      shrink_scenario(with_faults(6), [](const Scenario&) { return Trial::kFails; });
  EXPECT_TRUE(shrunk.smallest.faults.empty());
  EXPECT_EQ(shrunk.steps.front(), "faults: 6 -> 0");
}

// Whatever set of fault groups makes the run fail (it fails if every fault of some group is
// there), the result fails and is 1-minimal: without any one of its faults, the run passes.
RC_GTEST_PROP(ScenarioShrink, TheFaultsLeftAreOneMinimal, ()) {
  const int n = *rc::gen::inRange(1, 14);
  std::vector<std::set<int>> culprits(static_cast<std::size_t>(*rc::gen::inRange(1, 4)));
  for (std::set<int>& group : culprits) {
    const auto members = *rc::gen::container<std::vector<int>>(
        static_cast<std::size_t>(*rc::gen::inRange(1, 4)), rc::gen::inRange(0, n));
    group.insert(members.begin(), members.end());
  }
  auto fails = [&](const Scenario& s) {
    return std::any_of(culprits.begin(), culprits.end(), [&](const std::set<int>& group) {
      return std::all_of(group.begin(), group.end(), [&](int i) { return has_fault(s, i); });
    });
  };
  const ScenarioShrink shrunk =
      shrink_scenario(with_faults(n), [&](const Scenario& s) { return fails_if(fails(s)); });
  RC_ASSERT(fails(shrunk.smallest));
  for (std::size_t i = 0; i < shrunk.smallest.faults.size(); ++i) {
    Scenario without = shrunk.smallest;
    without.faults.erase(without.faults.begin() + static_cast<std::ptrdiff_t>(i));
    RC_ASSERT(!fails(without));
  }
  // Deterministic: the same input and test give the same result.
  const ScenarioShrink again =
      shrink_scenario(with_faults(n), [&](const Scenario& s) { return fails_if(fails(s)); });
  RC_ASSERT(again.smallest == shrunk.smallest);
}

TEST(ScenarioShrink, WindowsAndWorkloadsShrinkOnlyWhileTheFailureStays) {
  Scenario s = with_faults(1);
  s.faults[0].every = seconds(3);  // a flapping partition, from 0s to the end of the phase
  s.kv = KvWorkloadSpec{};         // 5 clients, 200/s, 8 keys
  s.watch = WatchWorkloadSpec{3, ""};
  Fault crash;
  crash.at = seconds(1);
  crash.action = CrashFault{Target{Target::Kind::kLeader, {}}, seconds(4)};
  s.faults.push_back(crash);
  auto fails = [](const Scenario& c) {
    const bool flapping = !c.faults.empty() && c.faults[0].every.has_value();
    const bool crashing = c.faults.size() == 2;
    const Duration restart =
        crashing ? std::get<CrashFault>(c.faults[1].action).restart_after.value_or(Duration(0))
                 : Duration(0);
    return flapping && c.faults[0].lasts >= milliseconds(700) && crashing &&
           restart >= milliseconds(300) && c.duration >= seconds(5) && c.kv->clients >= 3 &&
           c.kv->rate_per_second >= 30 && c.watch.has_value();
  };
  const ScenarioShrink shrunk =
      shrink_scenario(s, [&](const Scenario& c) { return fails_if(fails(c)); });
  const Scenario& small = shrunk.smallest;
  ASSERT_TRUE(fails(small));
  ASSERT_EQ(small.faults.size(), 2u);
  EXPECT_TRUE(small.faults[0].every);                 // once would pass
  EXPECT_EQ(small.faults[0].until, milliseconds(1));  // the repeat window halved to its floor
  EXPECT_EQ(small.faults[0].lasts, seconds(1));       // 8s, 4s, 2s, 1s; 500ms would pass
  EXPECT_EQ(std::get<CrashFault>(small.faults[1].action).restart_after, milliseconds(500));
  EXPECT_EQ(small.duration, seconds(5));     // 20s, 10s, 5s; 2.5s would pass
  EXPECT_EQ(small.kv->clients, 3);           // 1 and 2 pass, 4 fails, then 3 fails
  EXPECT_EQ(small.kv->rate_per_second, 50);  // 200, 100, 50; 25 would pass
  EXPECT_EQ(small.kv->keys, 1);              // the test does not care: to the floor
  ASSERT_TRUE(small.watch);
  EXPECT_EQ(small.watch->clients, 1);
  const std::vector<std::string>& steps = shrunk.steps;
  EXPECT_NE(std::find(steps.begin(), steps.end(), "kv clients: 5 -> 3"), steps.end());
  EXPECT_NE(std::find(steps.begin(), steps.end(), "duration: 20s -> 5s"), steps.end());
  EXPECT_NE(std::find(steps.begin(), steps.end(), "faults[0] for: 8s -> 1s"), steps.end());
}

// Cutting the work would keep any "too few operations" failure alive and tell nothing.
TEST(ScenarioShrink, AMinOpsFailureShrinksOnlyItsFaults) {
  EXPECT_EQ(cuts_for(signature_of(true, "min_ops: 3 operations acknowledged, fewer than 500")),
            Cuts::kFaultsOnly);
  EXPECT_EQ(cuts_for(signature_of(true, "liveness: no leader")), Cuts::kFaultsAndWork);
  EXPECT_EQ(cuts_for(signature_of(false, "linearizability: key k1")), Cuts::kFaultsAndWork);
  Scenario s = with_faults(4);
  s.kv = KvWorkloadSpec{};
  s.watch = WatchWorkloadSpec{};
  const ScenarioShrink shrunk = shrink_scenario(
      s, [](const Scenario& c) { return fails_if(has_fault(c, 2)); }, Cuts::kFaultsOnly);
  EXPECT_EQ(fault_names(shrunk.smallest), (std::vector<int>{2}));
  EXPECT_EQ(shrunk.smallest.duration, s.duration);
  EXPECT_EQ(shrunk.smallest.kv, s.kv);
  EXPECT_EQ(shrunk.smallest.watch, s.watch);
  EXPECT_EQ(shrunk.smallest.faults[0].lasts, milliseconds(1));  // its faults still shrink
}

TEST(ScenarioShrink, EachDistinctCandidateIsAskedOnce) {
  std::set<std::string> asked;
  std::size_t calls = 0;
  const ScenarioShrink shrunk = shrink_scenario(with_faults(9), [&](const Scenario& s) {
    ++calls;
    asked.insert(to_yaml(s));
    return fails_if(has_fault(s, 2) || has_fault(s, 5));
  });
  EXPECT_EQ(calls, asked.size());
  EXPECT_EQ(shrunk.trials, calls);
  EXPECT_EQ(shrunk.smallest.faults.size(), 1u);
}

TEST(ScenarioShrink, GivingUpKeepsTheLastFailingCandidate) {
  std::size_t budget = 4;
  const ScenarioShrink shrunk = shrink_scenario(with_faults(16), [&](const Scenario& s) {
    if (budget == 0) return Trial::kGaveUp;
    --budget;
    return fails_if(has_fault(s, 11));
  });
  EXPECT_TRUE(shrunk.gave_up);
  EXPECT_EQ(shrunk.trials, 4u);
  EXPECT_TRUE(has_fault(shrunk.smallest, 11));
  EXPECT_LT(shrunk.smallest.faults.size(), 16u);
}

TEST(ScenarioShrink, AStaleReadFailureShrinksAndReproducesFromItsFile) {
  auto original = parse_scenario(testing::kStaleReadsScenario, "stale-reads.yaml");
  ASSERT_TRUE(original) << original.error().message;
  auto run = [](const Scenario& s, std::uint64_t seed) {
    return verdict(run_scenario(s, *run_options(s), seed));
  };
  std::uint64_t seed = 1;
  RaftRunResult first = run(*original, seed);
  for (; first.safe && seed < 5; first = run(*original, ++seed)) {
  }
  ASSERT_FALSE(first.safe) << "no seed of 1..5 read stale data";
  const FailureSignature signature = signature_of(first.safe, first.violation);
  ASSERT_EQ(signature.check, "linearizability") << first.violation;

  std::size_t budget = 40;
  const ScenarioShrink shrunk = shrink_scenario(*original, [&](const Scenario& candidate) {
    if (budget-- == 0) return Trial::kGaveUp;
    const RaftRunResult r = run(candidate, seed);
    return fails_if(!(r.safe && r.live) && signature_of(r.safe, r.violation) == signature);
  });
  const Scenario& small = shrunk.smallest;
  EXPECT_LT(small.faults.size(), original->faults.size());
  // The workload shrinks too: fewer clients or a shorter run. Which of the two depends on the
  // cluster's timing (since requests wait for a leader instead of being refused, this seed's
  // stale read needs all four clients but only one second).
  EXPECT_TRUE(small.kv->clients < original->kv->clients || small.duration < original->duration)
      << small.kv->clients << " clients, " << to_yaml(small);

  auto reloaded = parse_scenario(to_yaml(small), "stale-reads-min.yaml");
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  EXPECT_TRUE(*reloaded == small);
  const RaftRunResult again = run(*reloaded, seed);
  EXPECT_EQ(signature_of(again.safe, again.violation), signature) << again.violation;
}

}  // namespace
}  // namespace keel::sim
