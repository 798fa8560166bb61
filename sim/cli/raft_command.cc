// keelsim raft: sweeps seeds of the Raft exploration (sim/raft_run.h). Each seed draws its own
// random fault schedule (sim/nemesis/random_schedule.h) and runs in a child process, so a seed that
// trips an invariant assertion is reported like any other failure.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/cli/seed_outcome.h"
#include "sim/nemesis/random_schedule.h"
#include "sim/raft_run.h"
#include "sim/units.h"

namespace keel::sim::cli {
namespace {

using namespace std::chrono_literals;

int usage(std::string_view problem) {
  std::cerr << "keelsim raft: " << problem << "\n"
            << "usage: keelsim raft [--members N] [--seeds A..B | --seed N] [--duration D]\n"
            << "                    [--settle D] [--stop-at-first-failure] [--print-schedule]\n"
            << "                    [--check-determinism] [--swarm] [-j JOBS]\n";
  return kExitInvalid;
}

}  // namespace

int raft_command(const std::vector<std::string_view>& args) {
  auto flags =
      Flags::parse(args, {"members", "seeds", "seed", "duration", "settle", "j"},
                   {"stop-at-first-failure", "print-schedule", "check-determinism", "swarm"});
  if (!flags) return usage(flags.error().message);
  RaftRunOptions options;
  options.network = LinkConfig{1ms, 10ms, 0.01, 0.01};
  SeedRange seeds{1, 100};
  options.swarm = flags->has("swarm");
  if (auto v = flags->value("members")) {
    auto n = parse_seed_range(*v);
    if (!n || n->count() != 1 || n->first < 1 || n->first > 9) {
      return usage("--members takes a number from 1 to 9");
    }
    options.members = static_cast<int>(n->first);
  }
  for (const char* name : {"seeds", "seed"}) {
    if (auto v = flags->value(name)) {
      auto range = parse_seed_range(*v);
      if (!range) return usage(std::string("--") + name + ": " + range.error().message);
      seeds = *range;
    }
  }
  for (auto [name, target] :
       {std::pair{"duration", &options.duration}, std::pair{"settle", &options.settle}}) {
    if (auto v = flags->value(name)) {
      auto d = parse_duration(*v);
      if (!d || *d <= Duration::zero()) {
        return usage(std::string("--") + name + ": " +
                     (d ? "must be positive" : d.error().message));
      }
      *target = *d;
    }
  }
  auto jobs = parse_jobs(flags->value("j"));
  if (!jobs) return usage(jobs.error().message);
  ScheduleShape shape;
  shape.members = options.members;
  shape.duration = options.duration;

  const auto started = std::chrono::steady_clock::now();
  std::uint64_t passed = 0, safety = 0, liveness = 0, run = 0, elections = 0, snapshots = 0,
                acknowledged = 0;
  double simulated = 0;
  for_each_seed(
      seeds, *jobs, flags->has("check-determinism"),
      [&](std::uint64_t seed) { return run_raft(seed, options, sample_schedule(shape, seed)); },
      [&](std::uint64_t seed, const SeedOutcome& outcome) {
        if (flags->has("print-schedule")) {
          std::cout << "seed " << seed << " schedule:\n";
          for (const Fault& fault : sample_schedule(shape, seed)) {
            std::cout << "  - " << describe(fault) << "\n";
          }
        }
        ++run;
        elections += outcome.elections;
        snapshots += outcome.snapshots;
        acknowledged += outcome.acknowledged;
        simulated += outcome.simulated_seconds;
        if (outcome.safe && outcome.live) {
          ++passed;
          return true;
        }
        (outcome.safe ? liveness : safety) += 1;
        std::cout << "seed " << seed << " FAILED: " << outcome.violation << "\n"
                  << "  repro: keelsim raft --members " << options.members << " --duration "
                  << std::chrono::duration<double>(options.duration).count() << "s"
                  << (options.swarm ? " --swarm" : "") << " --seed " << seed << "\n";
        return !flags->has("stop-at-first-failure");
      });
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "raft, " << options.members << " members: " << run << " seeds, " << passed
            << " passed, " << safety << " safety failures, " << liveness << " liveness failures; "
            << elections << " elections, " << snapshots << " snapshots installed, " << acknowledged
            << " proposals acknowledged; " << std::fixed << std::setprecision(0)
            << (wall > 0 ? simulated / wall : 0) << "x real time\n";
  if (safety > 0) return kExitSafety;
  if (liveness > 0) return kExitLiveness;
  return kExitPassed;
}

}  // namespace keel::sim::cli
