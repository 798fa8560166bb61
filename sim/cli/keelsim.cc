// keelsim: the simulator's command line. Until the scenario runner lands it runs the demo.
//   keelsim demo [--seed N] [--check-determinism]
#include <charconv>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string_view>

#include "sim/demo.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 4;
constexpr int kExitUsage = 64;

int usage(std::string_view problem) {
  std::cerr << "keelsim: " << problem << "\n"
            << "usage: keelsim demo [--seed N] [--check-determinism]\n";
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "demo") return usage("expected a command: demo");
  std::uint64_t seed = 1;
  bool check_determinism = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--check-determinism") {
      check_determinism = true;
    } else if (arg == "--seed" && i + 1 < argc) {
      const std::string_view value = argv[++i];
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seed);
      if (error != std::errc() || end != value.data() + value.size()) {
        return usage("--seed takes a whole number, got '" + std::string(value) + "'");
      }
    } else {
      return usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  const keel::sim::DemoResult first = keel::sim::run_demo(seed, &std::cout);
  if (check_determinism) {
    const keel::sim::DemoResult again = keel::sim::run_demo(seed, nullptr);
    if (again.trace_hash != first.trace_hash) {
      std::cout << "Determinism check FAILED: the rerun of seed " << seed << " gave trace hash "
                << std::hex << again.trace_hash << std::dec << "\n";
      return kExitInternal;
    }
    std::cout << "Determinism check: seed " << seed << " rerun gave the same trace hash\n";
  }
  return kExitOk;
}
