// keelsim run FILE... [--seed N | --seeds A..B] [-j JOBS] [--shard I/N] [--swarm]
//                     [--trace OUT] [--report OUT.html] [--check-determinism]
//                     [--shrink [--shrink-out PATH]]:
// runs scenario files (../shared/SCENARIOS.md) once per seed, each seed in a child process, and
// prints a progress line (on a terminal), a summary table per scenario and one repro line per
// failing seed. Exit codes as SCENARIOS.md says. --trace and --report describe one seed; --shrink
// shrinks one failing seed to a small scenario file (shrink_seed.h).
#include <algorithm>
#include <chrono>
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/cli/progress.h"
#include "sim/cli/report_file.h"
#include "sim/cli/seed_outcome.h"
#include "sim/cli/shrink_seed.h"
#include "sim/cli/summary.h"
#include "sim/nemesis/random_schedule.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"

namespace keel::sim::cli {
namespace {

int usage(std::string_view problem) {
  std::cerr << "keelsim run: " << problem << "\n"
            << "usage: keelsim run FILE... [--seed N | --seeds A..B] [-j JOBS] [--shard I/N]\n"
            << "                           [--swarm] [--check-determinism]\n"
            << "                           [--trace OUT.jsonl] [--report OUT.html]\n"
            << "                           [--shrink [--shrink-out PATH]]\n";
  return kExitInvalid;
}

// With --swarm, a seed adds its own random fault schedule (which kinds, how often, how hard) to
// the scenario's faults, and draws its own Raft tuning and link latency (options_for_seed).
Scenario for_seed(const Scenario& scenario, bool swarm, std::uint64_t seed) {
  if (!swarm) return scenario;
  Scenario drawn = scenario;
  ScheduleShape shape;
  shape.members = scenario.cluster.members;
  shape.duration = scenario.duration;
  for (Fault& fault : sample_schedule(shape, seed)) drawn.faults.push_back(std::move(fault));
  return drawn;
}

}  // namespace

int run_command(const std::vector<std::string_view>& args) {
  auto flags = Flags::parse(args, {"seed", "seeds", "trace", "report", "j", "shard", "shrink-out"},
                            {"check-determinism", "swarm", "shrink"});
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
  const std::string report(flags->value("report").value_or(""));
  if ((!trace.empty() || !report.empty()) &&
      (!seeds || seeds->count() != 1 || flags->positional().size() != 1)) {
    return usage("--trace and --report describe one run: give one file and one --seed");
  }
  const bool shrink = flags->has("shrink");
  if (shrink && (!seeds || seeds->count() != 1 || flags->positional().size() != 1)) {
    return usage("--shrink shrinks one failing run: give one file and one --seed");
  }
  if (shrink && (!trace.empty() || !report.empty() || flags->value("shard") ||
                 flags->has("check-determinism"))) {
    return usage("--shrink goes alone: run the file it writes with --trace, --report, ...");
  }
  if (!shrink && flags->value("shrink-out")) return usage("--shrink-out goes with --shrink");
  const bool swarm = flags->has("swarm");
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
    options->swarm = swarm;
    plans.emplace_back(std::move(*scenario), *options);
  }

  if (shrink) {
    const auto& [scenario, options] = plans.front();
    return shrink_seed(ShrinkRequest{for_seed(scenario, swarm, seeds->first), options, seeds->first,
                                     std::string(flags->value("shrink-out").value_or(""))},
                       std::cout, std::cerr);
  }

  std::vector<Summary> summaries;
  for (const auto& [scenario, options] : plans) {
    auto range = take_shard(seeds.value_or(scenario.seeds), flags->value("shard"));
    if (!range) return usage(range.error().message);
    Summary summary;
    summary.name = scenario.name;
    ProgressLine progress(scenario.name, range->count());
    const auto started = std::chrono::steady_clock::now();
    for_each_seed(
        *range, *jobs, flags->has("check-determinism"),
        [&](std::uint64_t seed) {
          const Scenario drawn = for_seed(scenario, swarm, seed);
          KvRunDetails details;
          RaftRunResult run =
              verdict(run_scenario(drawn, options, seed, report.empty() ? nullptr : &details));
          if (!report.empty())
            run.violation += write_report(drawn, seed, swarm, run, details, report);
          return run;
        },
        [&](std::uint64_t seed, const SeedOutcome& outcome) {
          const bool passed = summary.add(outcome);
          if (!passed) {
            std::cout << scenario.name << " seed " << seed << " FAILED ("
                      << (outcome.safe ? "liveness" : "safety") << "): " << outcome.violation
                      << "\n  repro: keelsim run " << scenario.file << (swarm ? " --swarm" : "")
                      << " --seed " << seed << "\n";
          }
          progress.update(summary.seeds, summary.safety + summary.liveness);
          return true;
        });
    summary.wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summaries.push_back(summary);
  }
  print_table(std::cout, summaries);
  bool safety = false, liveness = false;
  for (const Summary& s : summaries) {
    safety |= s.safety > 0;
    liveness |= s.liveness > 0;
  }
  return safety ? kExitSafety : liveness ? kExitLiveness : kExitPassed;
}

}  // namespace keel::sim::cli
