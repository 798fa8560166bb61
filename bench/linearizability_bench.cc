// The linearizability checker on a 10,000-operation history: 5 clients over 8 keys, mix get 40 /
// put 40 / cas 15 / delete 5, 5% unknown outcomes, generated from a real atomic register (so it is
// linearizable); the argument is the generator's seed. The violation benchmark corrupts one read in
// the middle to a value never written, and measures detection, shrinking and explanation.
// Counters: search steps and the largest memo of one key.
#include <benchmark/benchmark.h>

#include "sim/checkers/atomic_register_history.h"
#include "sim/checkers/linearizability.h"

namespace keel::sim {
namespace {

KvHistory ten_thousand_operations(std::uint64_t seed) {
  RegisterWorkload workload;
  workload.operations = 10000;
  workload.clients = 5;
  workload.keys = 8;
  workload.unknown_fraction = 0.05;
  return atomic_register_history(seed, workload);
}

void run_checks(benchmark::State& state, const KvHistory& history,
                LinearizabilityResult::Verdict expected) {
  LinearizabilityResult last;
  for (auto _ : state) {
    Result<LinearizabilityResult> result = check_linearizable(history, {});
    if (!result || result->verdict != expected) {
      state.SkipWithError(result ? describe(*result).c_str() : result.error().message.c_str());
      return;
    }
    last = std::move(*result);
  }
  state.counters["steps"] = static_cast<double>(last.steps);
  state.counters["largest_memo_bytes"] = static_cast<double>(last.largest_memo_bytes);
  state.counters["failing_ops"] = static_cast<double>(last.failing_ops.size());
}

void BM_CheckLinearizable10k(benchmark::State& state) {
  const KvHistory history = ten_thousand_operations(static_cast<std::uint64_t>(state.range(0)));
  run_checks(state, history, LinearizabilityResult::Verdict::kOk);
}
BENCHMARK(BM_CheckLinearizable10k)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond);

void BM_CheckViolation10k(benchmark::State& state) {
  KvHistory history = ten_thousand_operations(static_cast<std::uint64_t>(state.range(0)));
  for (std::size_t i = history.size() / 2; i < history.size(); ++i) {
    if (history[i].kind == KvOp::Kind::kGet && history[i].outcome == KvOp::Outcome::kOk) {
      history[i].read = "never-written";
      break;
    }
  }
  run_checks(state, history, LinearizabilityResult::Verdict::kViolation);
}
BENCHMARK(BM_CheckViolation10k)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::sim
