// DESIGN.md principle 2: nothing under core/ reaches the outside world except through env::.
// This test scans every source file under core/ for the ways out, and proves on fixtures that the
// scan catches each of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace keel {
namespace {

struct Rule {
  const char* what;
  std::regex pattern;
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules = {
      {"threads or locks",
       std::regex(R"(#\s*include\s*<(thread|mutex|shared_mutex|condition_variable|future|)"
                  R"(semaphore|latch|barrier|stop_token)>)")},
      {"file streams", std::regex(R"(#\s*include\s*<(fstream|iostream|cstdio)>)")},
      {"<random>", std::regex(R"(#\s*include\s*<random>)")},
      {"sockets or Asio",
       std::regex(R"(#\s*include\s*<(boost/asio|boost/beast|sys/socket|netinet/|arpa/inet|)"
                  R"(netdb|unistd|fcntl|sys/))")},
      {"a wall or steady clock",
       std::regex(R"(\b(system_clock|steady_clock|high_resolution_clock|utc_clock|)"
                  R"(gettimeofday|clock_gettime)\b|\btime\s*\(\s*(nullptr|NULL|0)\s*\))")},
      {"ambient randomness", std::regex(R"(\brandom_device\b|(^|[^_A-Za-z0-9.>])s?rand\s*\()")},
      {"threads", std::regex(R"(std::(thread|jthread|async|mutex)\b)")},
      {"the environment or files", std::regex(R"(\b(getenv|fopen|popen|system)\s*\()")},
  };
  return kRules;
}

// Drops // comments so that prose about clocks does not count; code is what is checked.
std::string strip_comments(const std::string& source) {
  std::istringstream in(source);
  std::string line, out;
  while (std::getline(in, line)) {
    if (auto pos = line.find("//"); pos != std::string::npos) line.erase(pos);
    out += line + "\n";
  }
  return out;
}

// Returns "file:line: what" for each violation in `source`.
std::vector<std::string> violations(const std::string& file, const std::string& source) {
  std::vector<std::string> found;
  std::istringstream in(strip_comments(source));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    for (const Rule& rule : rules()) {
      if (std::regex_search(line, rule.pattern)) {
        found.push_back(file + ":" + std::to_string(number) + ": " + rule.what + ": " + line);
      }
    }
  }
  return found;
}

// The one file allowed to print: the dying message of a broken invariant.
bool exempt(const std::filesystem::path& path) {
  return path.generic_string().ends_with("core/env/assert.cc");
}

TEST(NoOutsideWorld, CoreReachesTheWorldOnlyThroughEnv) {
  const std::filesystem::path core = std::filesystem::path(KEEL_SOURCE_DIR) / "core";
  ASSERT_TRUE(std::filesystem::is_directory(core)) << core;
  int files = 0;
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(core)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc") || exempt(entry.path())) {
      continue;
    }
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto more = violations(entry.path().string(), text.str());
    found.insert(found.end(), more.begin(), more.end());
  }
  EXPECT_GT(files, 5);
  for (const auto& v : found) ADD_FAILURE() << v;
}

TEST(NoOutsideWorld, TheScanCatchesEveryWayOut) {
  const std::vector<std::string> bad = {
      "#include <thread>",
      "#include <mutex>",
      "#include <fstream>",
      "#include <random>",
      "#include <boost/asio.hpp>",
      "#include <sys/socket.h>",
      "auto t = std::chrono::steady_clock::now();",
      "auto t = std::chrono::system_clock::now();",
      "long t = time(nullptr);",
      "std::random_device device;",
      "int r = rand();",
      "srand(4);",
      "std::thread worker([] {});",
      "const char* home = getenv(\"HOME\");",
      "FILE* f = fopen(\"x\", \"r\");",
  };
  for (const std::string& line : bad) {
    EXPECT_EQ(violations("fixture.cc", line).size(), 1u) << line;
  }
}

TEST(NoOutsideWorld, TheScanLeavesCleanCodeAlone) {
  const std::vector<std::string> good = {
      "#include <chrono>",
      "#include <sstream>",
      "using Duration = std::chrono::nanoseconds;",
      "Time now = env.clock.now();",
      "std::uint64_t r = env.random.next();",
      "// a comment about std::chrono::steady_clock is prose, not code",
      "auto rd = operand();",
      "int x = strand(3);",
      "bool f = is_system(4);",
  };
  for (const std::string& line : good) EXPECT_TRUE(violations("fixture.cc", line).empty()) << line;
}

}  // namespace
}  // namespace keel
