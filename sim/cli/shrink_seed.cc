#include "sim/cli/shrink_seed.h"

#include <filesystem>
#include <fstream>
#include <ostream>

#include "core/env/str.h"
#include "sim/cli/commands.h"
#include "sim/cli/seed_outcome.h"
#include "sim/scenario/equality.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_run.h"
#include "sim/scenario/shrink.h"
#include "sim/scenario/swarm_pin.h"
#include "sim/scenario/writer.h"

namespace keel::sim::cli {
namespace {

// Runs one seed of `scenario` in a child process.
SeedOutcome run_isolated(const Scenario& scenario, const RaftRunOptions& options,
                         std::uint64_t seed) {
  ChildPool pool(1);
  pool.start(seed, [&] { return serialize(verdict(run_scenario(scenario, options, seed))); });
  return deserialize(pool.wait_any().second);
}

bool failed(const SeedOutcome& o) { return !o.safe || !o.live; }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// "4 faults, 5 kv clients, 2 watch clients, 20s".
std::string sizes(const Scenario& s) {
  return str(s.faults.size(), " faults, ", s.kv ? s.kv->clients : 0, " kv clients, ",
             s.watch ? s.watch->clients : 0, " watch clients, ", duration_text(s.duration));
}

// The starting point: the seed's draw written down, named and described as the shrunk file.
Scenario starting_point(const ShrinkRequest& request, const SeedOutcome& first,
                        const std::string& path) {
  Scenario start = request.options.swarm
                       ? pin_swarm_tuning(request.drawn, request.options, request.seed)
                       : request.drawn;
  for (Fault& fault : start.faults) {
    if (fault.where.empty()) fault.where = str("drawn by --swarm for seed ", request.seed);
  }
  start.name = str(request.drawn.name, "-seed", request.seed, "-min");
  start.file = path;
  start.seeds = SeedRange{request.seed, request.seed};
  start.description =
      str("Shrunk by keelsim run --shrink from ", request.drawn.file, " seed ", request.seed,
          request.options.swarm ? " --swarm" : "", "; it still fails ",
          first.safe ? "liveness" : "safety", ": ", first_line(first.violation));
  return start;
}

// "" if the file at `path` loads back as `expected` and fails its seed with `signature`; else why.
std::string reproduces(const std::string& path, const Scenario& expected, std::uint64_t seed,
                       const FailureSignature& signature) {
  auto written = load_scenario(path);
  if (!written) return written.error().message;
  if (!(*written == expected)) return "it loads back as another scenario";
  auto options = run_options(*written);
  if (!options) return options.error().message;
  const SeedOutcome o = run_isolated(*written, *options, seed);
  if (!failed(o)) return "it passes";
  if (signature_of(o.safe, o.violation) != signature) {
    return str("it fails otherwise: ", first_line(o.violation));
  }
  return "";
}

}  // namespace

int shrink_seed(const ShrinkRequest& request, std::ostream& out, std::ostream& progress) {
  const std::string path = request.out_path.empty()
                               ? str(request.drawn.name, "-seed", request.seed, "-min.yaml")
                               : request.out_path;
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder)) {
    out << "keelsim: cannot write " << path << ": no folder " << folder << "\n";
    return kExitInvalid;
  }
  const SeedOutcome first = run_isolated(request.drawn, request.options, request.seed);
  if (!failed(first)) {
    out << request.drawn.name << " seed " << request.seed << " passed: nothing to shrink\n";
    return kExitPassed;
  }
  const int code = first.safe ? kExitLiveness : kExitSafety;
  const FailureSignature signature = signature_of(first.safe, first.violation);
  out << request.drawn.name << " seed " << request.seed << " FAILED ("
      << (first.safe ? "liveness" : "safety") << "): " << first_line(first.violation) << "\n";

  const Scenario start = starting_point(request, first, path);
  std::size_t trials = 0;
  auto still_fails = [&](const Scenario& candidate) {
    if (trials == request.max_trials) return Trial::kGaveUp;
    ++trials;
    auto options = run_options(candidate);
    if (!options) return Trial::kPasses;
    const SeedOutcome o = run_isolated(candidate, *options, request.seed);
    const bool same = failed(o) && signature_of(o.safe, o.violation) == signature;
    progress << "shrink trial " << trials << "/" << request.max_trials << ": " << sizes(candidate)
             << ": "
             << (same        ? "fails the same way, kept"
                 : failed(o) ? "fails otherwise"
                             : "passes")
             << "\n";
    return same ? Trial::kFails : Trial::kPasses;
  };
  // The draw written down must fail as the seed did before anything is dropped from it.
  if (still_fails(start) != Trial::kFails) {
    out << "keelsim: the scenario written down from " << request.drawn.file << " seed "
        << request.seed << " does not fail the same way; nothing shrunk\n";
    return kExitInternal;
  }
  const ScenarioShrink shrunk = shrink_scenario(start, still_fails, cuts_for(signature));

  const std::string yaml = to_yaml(shrunk.smallest);
  std::ofstream(path) << yaml;
  if (const std::string problem = reproduces(path, shrunk.smallest, request.seed, signature);
      !problem.empty()) {
    out << "keelsim: " << path << " does not reproduce the failure: " << problem << "\n";
    return kExitInternal;
  }

  out << "shrunk in " << trials << " trials"
      << (shrunk.gave_up ? str(" (the budget of ", request.max_trials,
                               " trials ran out: smaller, but not proven minimal)")
                         : " (no fault can go alone: 1-minimal)")
      << ":\n";
  for (const std::string& step : shrunk.steps) out << "  " << step << "\n";
  out << "before: " << sizes(start) << "\nafter:  " << sizes(shrunk.smallest) << "\n"
      << "wrote " << path << ":\n"
      << yaml << "  repro: keelsim run " << path << " --seed " << request.seed << "\n";
  return code;
}

}  // namespace keel::sim::cli
