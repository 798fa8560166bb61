// keelsim: the simulator's command line.
//   keelsim run FILE... [--seed N | --seeds A..B] [--check-determinism]
//   keelsim demo [--seed N] [--check-determinism]
//   keelsim raft [--members N] [--seeds A..B | --seed N] [--duration D] [--settle D] ...
#include <iostream>
#include <string_view>
#include <vector>

#include "sim/cli/commands.h"

int main(int argc, char** argv) {
  using namespace keel::sim::cli;
  const std::vector<std::string_view> args(argv + 1 + (argc > 1), argv + argc);
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "demo") return demo_command(args);
  if (command == "raft") return raft_command(args);
  if (command == "run") return run_command(args);
  std::cerr << "keelsim: " << (command.empty() ? "expected a command" : "unknown command")
            << "\nusage: keelsim run FILE... [--seed N | --seeds A..B] [--check-determinism]\n"
            << "       keelsim demo [--seed N] [--check-determinism]\n"
            << "       keelsim raft [--members N] [--seeds A..B | --seed N] [--duration D]\n"
            << "                    [--settle D] [--stop-at-first-failure] [--print-schedule]\n";
  return kExitInvalid;
}
