// keelsim's commands. Each takes the arguments after its name and returns the exit code
// (SCENARIOS.md: 0 passed, 1 safety failure, 2 liveness failure, 3 invalid input, 4 internal).
#pragma once

#include <string_view>
#include <vector>

namespace keel::sim::cli {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitSafety = 1;
inline constexpr int kExitLiveness = 2;
inline constexpr int kExitInvalid = 3;
inline constexpr int kExitInternal = 4;

int demo_command(const std::vector<std::string_view>& args);
int raft_command(const std::vector<std::string_view>& args);
int run_command(const std::vector<std::string_view>& args);

}  // namespace keel::sim::cli
