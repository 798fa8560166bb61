// A scenario seed under load, as keelsim runs it: 5 members, 60 s of faults, 5 KV clients at
// 200 operations/s and 2 watchers over the network, then every checker. Reports simulated time
// per wall-clock time and the process's peak resident memory (history and trace included).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"

namespace keel::sim {
namespace {

constexpr std::string_view kScenario = R"(
name: bench-60s-under-load
duration: 60s
settle: 20s
cluster: {members: 5}
network: {latency: [1ms, 10ms], drop: 0.01, duplicate: 0.01}
workload:
  kv: {clients: 5, rate: 200/s, keys: 8, timeout: 1s}
  watch: {clients: 2}
faults:
  - {every: 10s, from: 5s, until: 55s, partition: isolate-leader, for: 3s}
  - {every: 15s, from: 12s, until: 55s, crash: random, restart_after: 2s}
)";

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void BM_Scenario60sUnderLoad(benchmark::State& state) {
  auto scenario = parse_scenario(kScenario, "bench.yaml");
  if (!scenario) return state.SkipWithError(scenario.error().message.c_str());
  const RaftRunOptions options = *run_options(*scenario);
  std::uint64_t seed = 1, checked = 0;
  double simulated = 0;
  for (auto _ : state) {
    KvRunDetails details;  // keeps the history and the trace records, as --report does
    const ScenarioOutcome outcome = run_scenario(*scenario, options, seed++, &details);
    if (!outcome.run.safe) state.SkipWithError(outcome.run.violation.c_str());
    checked += outcome.run.operations_checked;
    simulated += std::chrono::duration<double>(outcome.run.simulated).count();
  }
  state.counters["simulated_per_wall"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
  state.counters["ops_checked_per_seed"] =
      static_cast<double>(checked) / static_cast<double>(state.iterations());
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}
BENCHMARK(BM_Scenario60sUnderLoad)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace keel::sim
