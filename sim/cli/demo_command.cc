#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/demo.h"
#include "sim/units.h"

namespace keel::sim::cli {

int demo_command(const std::vector<std::string_view>& args) {
  auto flags = Flags::parse(args, {"seed"}, {"check-determinism"});
  std::uint64_t seed = 1;
  if (flags && flags->value("seed")) {
    auto range = parse_seed_range(*flags->value("seed"));
    if (!range || range->count() != 1) {
      std::cerr << "keelsim demo: --seed takes one whole number\n";
      return kExitInvalid;
    }
    seed = range->first;
  }
  if (!flags) {
    std::cerr << "keelsim demo: " << flags.error().message << "\n";
    return kExitInvalid;
  }
  const DemoResult first = run_demo(seed, &std::cout);
  if (!flags->has("check-determinism")) return kExitPassed;
  const DemoResult again = run_demo(seed, nullptr);
  if (again.trace_hash != first.trace_hash) {
    std::cout << "Determinism check FAILED: the rerun of seed " << seed << " gave trace hash "
              << std::hex << again.trace_hash << std::dec << "\n";
    return kExitInternal;
  }
  std::cout << "Determinism check: seed " << seed << " rerun gave the same trace hash\n";
  return kExitPassed;
}

}  // namespace keel::sim::cli
