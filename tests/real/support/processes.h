// Test helper: the processes of this machine whose command line satisfies a predicate, read from
// /proc (proc(5): /proc/<pid>/cmdline holds the arguments, each ended by a NUL).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace keel::real::testing {

template <class Predicate>
std::vector<pid_t> processes_where(Predicate wanted) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::stringstream text;
    text << in.rdbuf();
    if (wanted(std::string_view(text.str()))) found.push_back(std::stoi(name));
  }
  return found;
}

}  // namespace keel::real::testing
