// Shrinks a failing scenario, for one seed, to a smaller one that still fails the same check: the
// smallest reproducible failure that `keelsim run FILE --seed N --shrink` writes down.
//
// The passes, repeated until a whole round changes nothing (or the test gives up):
//   1. faults: none at all, else ddmin over the fault list (Zeller & Hildebrandt 2002, as
//      sim/checkers/delta_debugging.h implements it), which leaves a 1-minimal list;
//   2. each remaining fault, greedily (as QuickCheck-style shrinkers do): a repeated fault fires
//      once; its repeat window [from, until) is halved; its `for` and `restart_after` are halved;
//   3. the fault phase `duration` is halved;
//   4. the kv workload: fewer clients, a lower rate, fewer keys; the watch workload is dropped,
//   else
//      has fewer clients.
// Halving rounds down to whole milliseconds and stops below 1 ms; counts go to 1, then halve, then
// step down by one. A candidate is kept only if the test says it still fails (Trial::kFails);
// identical candidates are asked once. Nothing else changes: the seed, the cluster, the network,
// the expectations and `settle` (shortening it would turn any run into a liveness failure).
//
// Deterministic: with a deterministic test, the same input gives the same smallest scenario.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/checkers/delta_debugging.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

// "The same check": the class of failure and the name of the check that failed, taken from the
// violation's text up to its first ':' ("linearizability", "election safety", "watches",
// "liveness", "min_ops"...).
struct FailureSignature {
  bool safety = false;  // a safety check failed; else a liveness check or an expectation
  std::string check;
  bool operator==(const FailureSignature&) const = default;
};
FailureSignature signature_of(bool safe, std::string_view violation);

// Runs a candidate: kFails if it fails with the original signature, kPasses if it passes or fails
// otherwise, kGaveUp if the trial budget is spent (shrinking then stops where it is).
using CandidateTest = std::function<Trial(const Scenario& candidate)>;

struct ScenarioShrink {
  Scenario smallest;
  std::vector<std::string> steps;  // each kept reduction: "kv clients: 5 -> 1"
  std::size_t trials = 0;          // candidates the test ran (not counting one it gave up on)
  bool gave_up = false;            // the test gave up before the passes were done
};

// What may be cut. A failure that says too little work got done (`min_ops`) would survive any cut
// of the workload or of the fault phase and the result would tell nothing: only its faults shrink.
enum class Cuts { kFaultsAndWork, kFaultsOnly };
Cuts cuts_for(const FailureSignature& signature);

// `failing` must fail the test's way; it is not asked again. Passes 3 and 4 run only with
// Cuts::kFaultsAndWork.
ScenarioShrink shrink_scenario(const Scenario& failing, const CandidateTest& test,
                               Cuts cuts = Cuts::kFaultsAndWork);

}  // namespace keel::sim
