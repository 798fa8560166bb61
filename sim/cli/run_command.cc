// keelsim run FILE... [--seed N | --seeds A..B] [--check-determinism] [--trace OUT]: runs
// scenario files (../shared/SCENARIOS.md) once per seed, each seed in a child process, and prints
// a summary table per scenario and one repro line per failing seed. Exit codes as SCENARIOS.md
// says. --trace writes one seed's events as JSON lines.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/cli/seed_outcome.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"

namespace keel::sim::cli {
namespace {

int usage(std::string_view problem) {
  std::cerr << "keelsim run: " << problem << "\n"
            << "usage: keelsim run FILE... [--seed N | --seeds A..B] [--check-determinism]\n"
            << "                           [--trace OUT.jsonl] [-j JOBS]\n";
  return kExitInvalid;
}

struct Summary {
  std::string name;
  std::uint64_t seeds = 0, passed = 0, safety = 0, liveness = 0, ops = 0, elections = 0;
  std::vector<double> leader_after_heal;
  double simulated = 0, wall = 0;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

void print_table(const std::vector<Summary>& summaries) {
  std::cout << "\n"
            << std::left << std::setw(28) << "scenario" << std::right << std::setw(7) << "seeds"
            << std::setw(8) << "passed" << std::setw(8) << "failed" << std::setw(10) << "ops"
            << std::setw(11) << "elections" << std::setw(16) << "leader p50/p99" << std::setw(11)
            << "sim/wall"
            << "\n";
  for (const Summary& s : summaries) {
    std::ostringstream leader;
    leader << std::fixed << std::setprecision(2) << percentile(s.leader_after_heal, 0.5) << "/"
           << percentile(s.leader_after_heal, 0.99) << "s";
    std::cout << std::left << std::setw(28) << s.name << std::right << std::setw(7) << s.seeds
              << std::setw(8) << s.passed << std::setw(8) << s.safety + s.liveness << std::setw(10)
              << s.ops << std::setw(11) << s.elections << std::setw(16) << leader.str()
              << std::setw(10) << std::fixed << std::setprecision(0)
              << (s.wall > 0 ? s.simulated / s.wall : 0) << "x\n";
  }
}

}  // namespace

int run_command(const std::vector<std::string_view>& args) {
  auto flags = Flags::parse(args, {"seed", "seeds", "trace", "j"}, {"check-determinism"});
  if (!flags) return usage(flags.error().message);
  auto jobs = parse_jobs(flags->value("j"));
  if (!jobs) return usage(jobs.error().message);
  if (flags->positional().empty()) return usage("expected at least one scenario file");
  std::optional<SeedRange> seeds;
  for (const char* name : {"seeds", "seed"}) {
    if (auto v = flags->value(name)) {
      auto range = parse_seed_range(*v);
      if (!range) return usage(std::string("--") + name + ": " + range.error().message);
      seeds = *range;
    }
  }
  const std::string trace(flags->value("trace").value_or(""));
  if (!trace.empty() && (!seeds || seeds->count() != 1 || flags->positional().size() != 1)) {
    return usage("--trace writes one run: give one file and one --seed");
  }
  // Every file is loaded and checked before anything runs.
  std::vector<std::pair<Scenario, RaftRunOptions>> plans;
  for (std::string_view file : flags->positional()) {
    auto scenario = load_scenario(std::string(file));
    if (!scenario) {
      std::cerr << scenario.error().message << "\n";
      return kExitInvalid;
    }
    auto options = run_options(*scenario);
    if (!options) {
      std::cerr << options.error().message << "\n";
      return kExitInvalid;
    }
    options->trace_path = trace;
    plans.emplace_back(std::move(*scenario), *options);
  }

  std::vector<Summary> summaries;
  for (const auto& [scenario, options] : plans) {
    Summary summary;
    summary.name = scenario.name;
    const SeedRange range = seeds.value_or(scenario.seeds);
    const auto started = std::chrono::steady_clock::now();
    for_each_seed(
        range, *jobs, flags->has("check-determinism"),
        [&](std::uint64_t seed) {
          ScenarioOutcome run = run_scenario(scenario, options, seed);
          if (run.run.safe && run.run.live && !run.expectations_met) {
            run.run.live = false;
            run.run.violation = run.failed_expectation;
          }
          return run.run;
        },
        [&](std::uint64_t seed, const SeedOutcome& outcome) {
          ++summary.seeds;
          summary.ops += outcome.acknowledged;
          summary.elections += outcome.elections;
          summary.simulated += outcome.simulated_seconds;
          if (outcome.leader_after_heal_seconds >= 0) {
            summary.leader_after_heal.push_back(outcome.leader_after_heal_seconds);
          }
          if (outcome.safe && outcome.live) {
            ++summary.passed;
            return true;
          }
          (outcome.safe ? summary.liveness : summary.safety) += 1;
          std::cout << scenario.name << " seed " << seed << " FAILED ("
                    << (outcome.safe ? "liveness" : "safety") << "): " << outcome.violation
                    << "\n  repro: keelsim run " << scenario.file << " --seed " << seed << "\n";
          return true;
        });
    summary.wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summaries.push_back(summary);
  }
  print_table(summaries);
  bool safety = false, liveness = false;
  for (const Summary& s : summaries) {
    safety |= s.safety > 0;
    liveness |= s.liveness > 0;
  }
  return safety ? kExitSafety : liveness ? kExitLiveness : kExitPassed;
}

}  // namespace keel::sim::cli
